import * as tf from '@tensorflow/tfjs';

import { checkSmoothing, classWeightTensor, logProbabilities, type CrossEntropyOptions } from './cross-entropy-options';
import { assertSameShape, reduce, toTensor, type TensorInput } from './reduction';

/**
 * Categorical cross-entropy against probability targets `yTrue [n, classes]`:
 * `-sum_c w_c y_c log p_c` per sample (PyTorch's cross_entropy with probability targets; the mean
 * divides by n).
 * @example
 * ```ts
 * categoricalCrossEntropy([[0, 1]], [[2.0, -1.0]], { fromLogits: true, labelSmoothing: 0.1 });
 * ```
 * @category Losses
 */
export function categoricalCrossEntropy(yTrue: TensorInput, yPred: TensorInput, options: CrossEntropyOptions = {}): tf.Tensor {
  const { fromLogits = false, labelSmoothing = 0, classWeights, reduction } = options;
  checkSmoothing(labelSmoothing);
  return tf.tidy(() => {
    const t = toTensor(yTrue, 'yTrue');
    const p = toTensor(yPred, 'yPred');
    assertSameShape(t, p, ['yTrue', 'yPred']);
    const classes = p.shape[p.rank - 1];
    const weights = classWeightTensor(classWeights, classes);
    const targets = labelSmoothing > 0 ? tf.add(tf.mul(t, 1 - labelSmoothing), labelSmoothing / classes) : t;
    const weighted = weights ? tf.mul(targets, weights) : targets;
    const terms = tf.neg(tf.sum(tf.mul(weighted, logProbabilities(p, fromLogits)), -1));
    return reduce(terms, reduction);
  });
}
