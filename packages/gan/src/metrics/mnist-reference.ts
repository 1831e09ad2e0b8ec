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
 * const reference = await mnistReferenceStatistics(await loadMnistClassifier());
 * ```
 * @category Metrics
 */
export async function mnistReferenceStatistics(classifier: tf.LayersModel): Promise<FeatureStatistics> {
  const images = splitTensor(loadMnist().train);
  const outputs = await classify(classifier, images).finally(() => images.dispose());
  return featureStatistics(outputs.features, outputs.count, outputs.featureDimension);
}

/**
 * The metrics of real digits, the yardstick for generated ones: core's MNIST test split (1,663
 * digits) scored against the train split (so the Frechet distance is real-vs-real, at the sample
 * size the CLI scores generated digits with by default).
 *
 * @example
 * ```ts
 * const real = await realMnistQuality(classifier, reference); // classifierScore near 10, frechetDistance small
 * ```
 * @param reference the reference statistics (default: {@link mnistReferenceStatistics} of `classifier`)
 * @category Metrics
 */
export async function realMnistQuality(classifier: tf.LayersModel, reference?: FeatureStatistics): Promise<SampleQuality> {
  const statistics = reference ?? (await mnistReferenceStatistics(classifier));
  const images = splitTensor(loadMnist().test);
  const outputs = await classify(classifier, images).finally(() => images.dispose());
  return sampleQuality(outputs, statistics);
}
