import * as tf from '@tensorflow/tfjs';

import { assertSameShape, reduce, toTensor, type LossOptions, type TensorInput } from './reduction';

/**
 * Hinge loss `mean_j max(0, 1 - y_j yhat_j)` per sample, for labels in {-1, 1} (labels in {0, 1}
 * are mapped to {-1, 1}, as Keras does).
 * @example
 * ```ts
 * hingeLoss([[1, -1]], [[0.3, -2]]);
 * ```
 * @category Losses
 */
export function hingeLoss(yTrue: TensorInput, yPred: TensorInput, options: LossOptions = {}): tf.Tensor {
  return tf.tidy(() => {
    const t = toTensor(yTrue, 'yTrue');
    const p = toTensor(yPred, 'yPred');
    assertSameShape(t, p, ['yTrue', 'yPred']);
    // Decided on the device (no read back to the host, which a GPU backend cannot do synchronously).
    const zeroOne = tf.all(tf.logicalOr(tf.equal(t, 0), tf.equal(t, 1)));
    const signs = tf.where(tf.broadcastTo(zeroOne, t.shape), tf.sub(tf.mul(t, 2), 1), t);
    const terms = tf.relu(tf.sub(1, tf.mul(signs, p)));
    return reduce(t.rank > 1 ? tf.mean(terms, -1) : terms, options.reduction);
  });
}
