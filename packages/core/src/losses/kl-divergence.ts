import * as tf from '@tensorflow/tfjs';

import { assertSameShape, reduce, toTensor, type LossOptions, type TensorInput } from './reduction';

/**
 * Kullback-Leibler divergence `KL(p || q) = sum_c p_c log(p_c / q_c)` per sample, with
 * `0 log 0 = 0` (PyTorch's kl_div on log q; the mean is PyTorch's `batchmean`).
 * @example
 * ```ts
 * klDivergence([[0.5, 0.5]], [[0.9, 0.1]]);
 * ```
 * @category Losses
 */
export function klDivergence(p: TensorInput, q: TensorInput, options: LossOptions = {}): tf.Tensor {
  return tf.tidy(() => {
    const pt = toTensor(p, 'p');
    const qt = toTensor(q, 'q');
    assertSameShape(pt, qt, ['p', 'q']);
    // Where p is 0 the term is 0; guarding both logs keeps its gradient finite too.
    const positive = tf.greater(pt, 0);
    const safeP = tf.where(positive, pt, tf.onesLike(pt));
    const safeQ = tf.where(positive, qt, tf.onesLike(qt));
    const terms = tf.where(positive, tf.mul(pt, tf.sub(tf.log(safeP), tf.log(safeQ))), tf.zerosLike(pt));
    return reduce(tf.sum(terms, -1), options.reduction);
  });
}
