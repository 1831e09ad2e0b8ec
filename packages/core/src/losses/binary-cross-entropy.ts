import * as tf from '@tensorflow/tfjs';

import { InvalidArgumentError } from '../errors';
import { assertSameShape, reduce, toTensor, type LossOptions, type TensorInput } from './reduction';

/**
 * Binary cross-entropy per element: `-(y log p + (1 - y) log(1 - p))`, from probabilities (logs
 * clamped at -100, as PyTorch) or from logits with an optional per-class `posWeight` for positives
 * (PyTorch's binary_cross_entropy_with_logits).
 * @example
 * ```ts
 * binaryCrossEntropy([[1, 0]], [[2.0, -1.0]], { fromLogits: true });
 * ```
 * @category Losses
 */
export function binaryCrossEntropy(
  yTrue: TensorInput,
  yPred: TensorInput,
  options: LossOptions & { fromLogits?: boolean; posWeight?: number[] } = {},
): tf.Tensor {
  const { fromLogits = false, posWeight, reduction } = options;
  return tf.tidy(() => {
    const t = toTensor(yTrue, 'yTrue');
    const p = toTensor(yPred, 'yPred');
    assertSameShape(t, p, ['yTrue', 'yPred']);
    let terms: tf.Tensor;
    if (fromLogits) {
      // (1 - y) x + (1 + (pw - 1) y) (log(1 + exp(-|x|)) + max(-x, 0)), stable for any x.
      const logWeight = posWeight ? tf.add(tf.mul(tf.sub(tf.tensor1d(posWeight), 1), t), 1) : tf.onesLike(t);
      const softplusNeg = tf.add(tf.log1p(tf.exp(tf.neg(tf.abs(p)))), tf.relu(tf.neg(p)));
      terms = tf.add(tf.mul(tf.sub(1, t), p), tf.mul(logWeight, softplusNeg));
    } else {
      if (posWeight)
        throw new InvalidArgumentError({ parameter: 'options.posWeight', value: posWeight, message: 'Only used with fromLogits: true.' });
      const logP = tf.maximum(tf.log(p), -100);
      const log1mP = tf.maximum(tf.log(tf.sub(1, p)), -100);
      terms = tf.neg(tf.add(tf.mul(t, logP), tf.mul(tf.sub(1, t), log1mP)));
    }
    return reduce(terms, reduction);
  });
}
