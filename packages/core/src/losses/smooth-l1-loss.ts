import * as tf from '@tensorflow/tfjs';

import { lossPair, reduce, checkPositiveOption, type LossOptions, type TensorInput } from './reduction';

/**
 * Smooth L1 loss: `d^2 / (2 beta)` for `|d| < beta`, else `|d| - beta/2` (PyTorch's smooth_l1_loss;
 * Huber divided by beta).
 * @example
 * ```ts
 * smoothL1Loss([0, 0], [0.5, 3], { beta: 1 });
 * ```
 * @category Losses
 */
export function smoothL1Loss(yTrue: TensorInput, yPred: TensorInput, options: LossOptions & { beta?: number } = {}): tf.Tensor {
  const { beta = 1 } = options;
  checkPositiveOption('options.beta', beta);
  return tf.tidy(() => {
    const [t, p] = lossPair(yTrue, yPred);
    const d = tf.abs(tf.sub(t, p));
    const terms = tf.where(tf.less(d, beta), tf.div(tf.square(d), 2 * beta), tf.sub(d, beta / 2));
    return reduce(terms, options.reduction);
  });
}
