import * as tf from '@tensorflow/tfjs';

import { ShapeError } from '../errors';
import { checkSmoothing, classWeightTensor, logProbabilities, type CrossEntropyOptions } from './cross-entropy-options';
import { reduce, toTensor, type TensorInput } from './reduction';

/**
 * Categorical cross-entropy against class indices `labels [n]`: `-w_y log p_y` per sample, with
 * PyTorch's label smoothing `(1 - s) nll + (s / classes) sum_c -w_c log p_c`; with class weights the
 * mean divides by the summed weights of the labels, as PyTorch does.
 * @example
 * ```ts
 * sparseCategoricalCrossEntropy([1, 0], [[0.2, 0.8], [0.6, 0.4]]);
 * ```
 * @category Losses
 */
export function sparseCategoricalCrossEntropy(labels: TensorInput, yPred: TensorInput, options: CrossEntropyOptions = {}): tf.Tensor {
  const { fromLogits = false, labelSmoothing = 0, classWeights, reduction } = options;
  checkSmoothing(labelSmoothing);
  return tf.tidy(() => {
    const y = toTensor(labels, 'labels', 'int32').flatten();
    const p = toTensor(yPred, 'yPred');
    if (p.rank !== 2 || p.shape[0] !== y.shape[0]) {
      throw new ShapeError({ parameter: 'yPred', expected: `[${y.shape[0]}, classes] (one row per label)`, actual: p.shape });
    }
    const classes = p.shape[1] as number;
    const weights = classWeightTensor(classWeights, classes);
    const logP = logProbabilities(p, fromLogits);
    const oneHot = tf.oneHot(y, classes).toFloat();
    const sampleWeights = weights ? tf.sum(tf.mul(oneHot, weights), -1) : undefined;
    const nll = tf.neg(tf.sum(tf.mul(oneHot, logP), -1));
    const weightedNll = sampleWeights ? tf.mul(nll, sampleWeights) : nll;
    const smooth = tf.neg(tf.sum(weights ? tf.mul(logP, weights) : logP, -1));
    const terms =
      labelSmoothing > 0 ? tf.add(tf.mul(weightedNll, 1 - labelSmoothing), tf.mul(smooth, labelSmoothing / classes)) : weightedNll;
    return reduce(terms, reduction, reduction === 'mean' && sampleWeights ? tf.sum(sampleWeights) : undefined);
  });
}
