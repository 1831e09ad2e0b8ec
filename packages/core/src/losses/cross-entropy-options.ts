import * as tf from '@tensorflow/tfjs';

import { InvalidArgumentError } from '../errors';
import type { LossOptions } from './reduction';

/**
 * Shared by the cross-entropy losses. Probabilities are clipped to [EPSILON, 1 - EPSILON] before the log (as Keras does).
 *
 * @category Losses
 */
export const EPSILON = 1e-7;

/**
 * Options of the cross-entropy losses.
 *
 * @category Losses
 */
export interface CrossEntropyOptions extends LossOptions {
  /** `yPred` holds logits (default false: probabilities). */
  fromLogits?: boolean;
  /** Mix the targets with the uniform distribution: `y (1 - s) + s / classes` (default 0). */
  labelSmoothing?: number;
  /** One weight per class, scaling each class's terms (default: all 1). */
  classWeights?: number[];
}

/**
 * Log-probabilities from logits (log-softmax) or from clipped probabilities.
 *
 * @category Losses
 */
export function logProbabilities(yPred: tf.Tensor, fromLogits: boolean): tf.Tensor {
  return fromLogits ? tf.logSoftmax(yPred, -1) : tf.log(tf.clipByValue(yPred, EPSILON, 1 - EPSILON));
}

/**
 * Throws an InvalidArgumentError unless the label smoothing is in [0, 1].
 *
 * @category Losses
 */
export function checkSmoothing(value: number): void {
  if (!(value >= 0 && value <= 1)) {
    throw new InvalidArgumentError({ parameter: 'options.labelSmoothing', value, message: 'Must be in [0, 1].' });
  }
}

/**
 * The class weights as a tensor, after checking there is one finite weight >= 0 per class.
 *
 * @category Losses
 */
export function classWeightTensor(weights: number[] | undefined, classes: number): tf.Tensor | undefined {
  if (weights === undefined) return undefined;
  if (weights.length !== classes || weights.some((w) => !(w >= 0) || !Number.isFinite(w))) {
    throw new InvalidArgumentError({
      parameter: 'options.classWeights',
      value: weights,
      message: `Expected ${classes} finite weights >= 0, one per class.`,
    });
  }
  return tf.tensor1d(weights);
}
