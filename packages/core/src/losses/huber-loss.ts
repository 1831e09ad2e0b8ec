import * as tf from '@tensorflow/tfjs';

import { lossPair, reduce, checkPositiveOption, type LossOptions, type TensorInput } from './reduction';

/**
 * Huber loss: `1/2 d^2` for `|d| <= delta`, else `delta (|d| - delta/2)`, with `d = y - yhat`
 * (PyTorch's huber_loss; Keras' Huber).
 * @example
 * ```ts
 * huberLoss([0, 0], [0.5, 3], { delta: 1 }); // mean of 0.125 and 2.5
 * ```
 * @category Losses
 */
export function huberLoss(yTrue: TensorInput, yPred: TensorInput, options: LossOptions & { delta?: number } = {}): tf.Tensor {
  const { delta = 1 } = options;
  checkPositiveOption('options.delta', delta);
  return tf.tidy(() => {
    const [t, p] = lossPair(yTrue, yPred);
    const d = tf.abs(tf.sub(t, p));
    const terms = tf.where(tf.lessEqual(d, delta), tf.mul(tf.square(d), 0.5), tf.mul(tf.sub(d, delta / 2), delta));
    return reduce(terms, options.reduction);
  });
}
