import * as tf from '@tensorflow/tfjs';
import { loadMnist, type LabeledImages } from '@bigmodel/core';

import { classify, featureStatistics, sampleQuality, type FeatureStatistics, type SampleQuality } from './sample-quality';

function splitTensor(split: LabeledImages): tf.Tensor4D {
  return tf.tensor4d(split.images, [split.count, 28, 28, 1]);
}

/**
 * Feature statistics of the reference set every sample set is compared with: core's MNIST train
 * split (8,337 digits).
 *
 * @example
 * ```ts
 * const reference = mnistReferenceStatistics(await loadMnistClassifier());
 * ```
 * @category Metrics
 */
export function mnistReferenceStatistics(classifier: tf.LayersModel): FeatureStatistics {
  const images = splitTensor(loadMnist().train);
  const outputs = classify(classifier, images);
  images.dispose();
  return featureStatistics(outputs.features, outputs.count, outputs.featureDimension);
}

/**
 * The metrics of real digits, the yardstick for generated ones: core's MNIST test split (1,663
 * digits) scored against the train split (so the Frechet distance is real-vs-real, at the sample
 * size the CLI scores generated digits with by default).
 *
 * @example
 * ```ts
 * const real = realMnistQuality(classifier, reference); // classifierScore near 10, frechetDistance small
 * ```
 * @category Metrics
 */
export function realMnistQuality(
  classifier: tf.LayersModel,
  reference: FeatureStatistics = mnistReferenceStatistics(classifier),
): SampleQuality {
  const images = splitTensor(loadMnist().test);
  const outputs = classify(classifier, images);
  images.dispose();
  return sampleQuality(outputs, reference);
}
