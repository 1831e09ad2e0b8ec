/**
 * TF-GAN's MNIST sample-quality metrics (tensorflow_gan/examples/mnist/util.py and
 * tfgan.eval): the classifier score `exp(E_x[KL(p(y|x) || p(y))])`, the Frechet distance between
 * Gaussians fitted to classifier features of real and generated images
 * (`||mu1 - mu2||^2 + tr(C1 + C2 - 2 (C1 C2)^(1/2))`), and mode coverage (classes predicted at
 * least once, KL of the predicted-class histogram to uniform). All statistics in float64.
 */
import * as tf from '@tensorflow/tfjs';
import { InvalidArgumentError } from '@bigmodel/core';

import { traceSqrtProduct } from '../internal/linear-algebra';
import { FEATURE_LAYER } from './mnist-classifier';

/**
 * Mean and covariance of a set of feature vectors.
 *
 * @category Metrics
 */
export interface FeatureStatistics {
  /** Feature length d. */
  dimension: number;
  /** Number of vectors the statistics come from. */
  count: number;
  /** Mean, length d. */
  mean: Float64Array;
  /** Covariance (divided by count - 1), d x d row-major. */
  covariance: Float64Array;
}

/**
 * Mean and unbiased covariance of `count` vectors of length `dimension` (row-major), in float64.
 *
 * @example
 * ```ts
 * featureStatistics(Float32Array.of(0, 0, 2, 2), 2, 2).covariance; // [2, 2, 2, 2]
 * ```
 * @category Metrics
 */
export function featureStatistics(features: ArrayLike<number>, count: number, dimension: number): FeatureStatistics {
  if (count < 2) throw new InvalidArgumentError({ parameter: 'count', value: count, message: 'A covariance needs at least 2 vectors.' });
  if (features.length !== count * dimension) {
    throw new InvalidArgumentError({
      parameter: 'features',
      value: `${features.length} values`,
      message: `count * dimension = ${count * dimension} values expected.`,
    });
  }
  const mean = new Float64Array(dimension);
  for (let i = 0; i < count; i++) for (let j = 0; j < dimension; j++) mean[j] += features[i * dimension + j];
  for (let j = 0; j < dimension; j++) mean[j] /= count;
  const covariance = new Float64Array(dimension * dimension);
  const centered = new Float64Array(dimension);
  for (let i = 0; i < count; i++) {
    for (let j = 0; j < dimension; j++) centered[j] = features[i * dimension + j] - mean[j];
    for (let j = 0; j < dimension; j++) {
      const cj = centered[j];
      if (cj === 0) continue;
      for (let k = j; k < dimension; k++) covariance[j * dimension + k] += cj * centered[k];
    }
  }
  for (let j = 0; j < dimension; j++) {
    for (let k = j; k < dimension; k++) {
      const value = covariance[j * dimension + k] / (count - 1);
      covariance[j * dimension + k] = value;
      covariance[k * dimension + j] = value;
    }
  }
  return { dimension, count, mean, covariance };
}

/**
 * The Frechet distance between the Gaussians N(mean1, cov1) and N(mean2, cov2):
 * `||m1 - m2||^2 + tr(C1) + tr(C2) - 2 tr((C1 C2)^(1/2))`, with the trace of the square root from
 * symmetric eigendecompositions (computed as `tr sqrt(sqrt(A) B sqrt(A))`).
 *
 * @example
 * ```ts
 * frechetDistance(featureStatistics(real, n, d), featureStatistics(fake, m, d));
 * ```
 * @category Metrics
 */
export function frechetDistance(a: FeatureStatistics, b: FeatureStatistics): number {
  if (a.dimension !== b.dimension)
    throw new InvalidArgumentError({
      parameter: 'b.dimension',
      value: b.dimension,
      message: `Both statistics need the same dimension (${a.dimension}).`,
    });
  const d = a.dimension;
  let meanTerm = 0;
  for (let j = 0; j < d; j++) meanTerm += (a.mean[j] - b.mean[j]) ** 2;
  let traces = 0;
  for (let j = 0; j < d; j++) traces += a.covariance[j * d + j] + b.covariance[j * d + j];
  return Math.max(0, meanTerm + traces - 2 * traceSqrtProduct(a.covariance, b.covariance, d));
}

/**
 * The classifier score `exp(mean_i KL(p(y|x_i) || p(y)))` with `p(y)` the mean of the `p(y|x_i)`
 * (the Inception score, with an MNIST classifier). Ranges from 1 to the number of classes.
 *
 * @param probabilities `count x classes` rows that each sum to 1
 * @example
 * ```ts
 * classifierScore(Float32Array.of(1, 0, 0, 1), 2, 2); // 2
 * ```
 * @category Metrics
 */
export function classifierScore(probabilities: ArrayLike<number>, count: number, classes: number): number {
  if (probabilities.length !== count * classes) {
    throw new InvalidArgumentError({
      parameter: 'probabilities',
      value: `${probabilities.length} values`,
      message: `count * classes = ${count * classes} values expected.`,
    });
  }
  const marginal = new Float64Array(classes);
  for (let i = 0; i < count; i++) for (let c = 0; c < classes; c++) marginal[c] += probabilities[i * classes + c] / count;
  let kl = 0;
  for (let i = 0; i < count; i++) {
    for (let c = 0; c < classes; c++) {
      const p = probabilities[i * classes + c];
      if (p > 0) kl += p * (Math.log(p) - Math.log(marginal[c]));
    }
  }
  return Math.exp(kl / count);
}

/**
 * How the predicted classes spread over the classes.
 *
 * @category Metrics
 */
export interface ModeCoverage {
  /** Classes predicted for at least one sample. */
  classesCovered: number;
  /** Fraction of samples predicted as each class. */
  histogram: number[];
  /** `KL(histogram || uniform) = sum_c h_c log(h_c * classes)`; 0 for a perfectly even spread. */
  klToUniform: number;
}

/**
 * Mode coverage of predicted classes: how many classes occur and the KL divergence of their
 * histogram to the uniform distribution.
 *
 * @example
 * ```ts
 * modeCoverage([0, 1, 1, 1], 2); // { classesCovered: 2, histogram: [0.25, 0.75], klToUniform: 0.1308... }
 * ```
 * @category Metrics
 */
export function modeCoverage(predicted: ArrayLike<number>, classes: number): ModeCoverage {
  const counts = new Array<number>(classes).fill(0);
  for (let i = 0; i < predicted.length; i++) counts[predicted[i]]++;
  const histogram = counts.map((c) => c / predicted.length);
  const klToUniform = histogram.reduce((sum, h) => (h > 0 ? sum + h * Math.log(h * classes) : sum), 0);
  return { classesCovered: counts.filter((c) => c > 0).length, histogram, klToUniform };
}

/**
 * What the classifier sees of a set of images: class probabilities, predicted classes, features.
 *
 * @category Metrics
 */
export interface ClassifierOutputs {
  count: number;
  classes: number;
  probabilities: Float32Array;
  predicted: Uint8Array;
  features: Float32Array;
  featureDimension: number;
}

/**
 * Runs the classifier on `images` (`[N, 28, 28, 1]` in [0, 1]) in batches and returns the class
 * probabilities, the predicted classes and the `features` layer's activations.
 *
 * @example
 * ```ts
 * const outputs = await classify(await loadMnistClassifier(), samples);
 * ```
 * @category Metrics
 */
export async function classify(classifier: tf.LayersModel, images: tf.Tensor4D, batchSize = 256): Promise<ClassifierOutputs> {
  if (images.rank !== 4)
    throw new InvalidArgumentError({
      parameter: 'images',
      value: `shape [${images.shape.join(', ')}]`,
      message: 'Images must have rank 4: [count, 28, 28, 1].',
    });
  const extremes = tf.tidy(() => tf.stack([tf.min(images), tf.max(images)]));
  const range = Array.from(await extremes.data());
  extremes.dispose();
  if (!(range[0] >= 0 && range[1] <= 1)) {
    throw new InvalidArgumentError({
      parameter: 'images',
      value: `values in [${range[0]}, ${range[1]}]`,
      message: 'The classifier takes pixel values in [0, 1].',
    });
  }
  const both = tf.model({
    inputs: classifier.inputs,
    outputs: [classifier.getLayer(FEATURE_LAYER).output as tf.SymbolicTensor, classifier.outputs[0]],
  });
  const count = images.shape[0];
  const parts: { features: Float32Array; probabilities: Float32Array }[] = [];
  for (let start = 0; start < count; start += batchSize) {
    const size = Math.min(batchSize, count - start);
    const [features, probabilities] = tf.tidy(() =>
      (both.predict(tf.slice(images, [start, 0, 0, 0], [size, -1, -1, -1])) as tf.Tensor[]).map((t) => tf.keep(t)),
    );
    try {
      const [featureValues, probabilityValues] = await Promise.all([features.data(), probabilities.data()]);
      parts.push({ features: featureValues as Float32Array, probabilities: probabilityValues as Float32Array });
    } finally {
      tf.dispose([features, probabilities]);
    }
  }
  const classes = classifier.outputs[0].shape[1] as number;
  const featureDimension = (both.outputs[0].shape[1] as number) ?? 0;
  const concat = (arrays: Float32Array[]) => {
    const out = new Float32Array(arrays.reduce((n, a) => n + a.length, 0));
    let offset = 0;
    for (const a of arrays) {
      out.set(a, offset);
      offset += a.length;
    }
    return out;
  };
  const probabilities = concat(parts.map((p) => p.probabilities));
  const predicted = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    let best = 0;
    for (let c = 1; c < classes; c++) if (probabilities[i * classes + c] > probabilities[i * classes + best]) best = c;
    predicted[i] = best;
  }
  return { count, classes, probabilities, predicted, features: concat(parts.map((p) => p.features)), featureDimension };
}

/**
 * The metrics of one set of images.
 *
 * @category Metrics
 */
export interface SampleQuality {
  /** Images scored. */
  count: number;
  /** exp(E[KL(p(y|x) || p(y))]), 1 to 10. */
  classifierScore: number;
  /** Frechet distance of the classifier features to the reference set's. */
  frechetDistance: number;
  /** Classes predicted at least once. */
  classesCovered: number;
  /** KL of the predicted-class histogram to uniform. */
  classHistogramKl: number;
  /** Fraction of images predicted as each class. */
  classHistogram: number[];
}

/**
 * Scores classifier outputs against reference feature statistics (usually real MNIST).
 *
 * @example
 * ```ts
 * const quality = sampleQuality(await classify(classifier, samples), reference);
 * ```
 * @category Metrics
 */
export function sampleQuality(outputs: ClassifierOutputs, reference: FeatureStatistics): SampleQuality {
  const coverage = modeCoverage(outputs.predicted, outputs.classes);
  return {
    count: outputs.count,
    classifierScore: classifierScore(outputs.probabilities, outputs.count, outputs.classes),
    frechetDistance: frechetDistance(featureStatistics(outputs.features, outputs.count, outputs.featureDimension), reference),
    classesCovered: coverage.classesCovered,
    classHistogramKl: coverage.klToUniform,
    classHistogram: coverage.histogram,
  };
}
