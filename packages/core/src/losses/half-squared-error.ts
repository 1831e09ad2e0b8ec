import * as tf from '@tensorflow/tfjs';

import { lossPair, reduce, type LossOptions, type TensorInput } from './reduction';

/**
 * Half squared error, `1/2 (y - yhat)^2` per element; with `reduction: 'sum'` it is the classic
 * `L = 1/2 * sum_i (y_i - yhat_i)^2`, whose gradient is `yhat - y`.
 * @example
 * ```ts
 * halfSquaredError([1, 2], [1, 4], { reduction: 'sum' }); // 2
 * ```
 * @category Losses
 */
export function halfSquaredError(yTrue: TensorInput, yPred: TensorInput, options: LossOptions = {}): tf.Tensor {
  return tf.tidy(() => {
    const [t, p] = lossPair(yTrue, yPred);
    return reduce(tf.mul(tf.squaredDifference(t, p), 0.5), options.reduction);
  });
}
