import * as tf from '@tensorflow/tfjs';

import { lossPair, reduce, type LossOptions, type TensorInput } from './reduction';

/**
 * Mean squared error, `(y - yhat)^2` per element.
 * @example
 * ```ts
 * meanSquaredError([1, 2], [1, 4]); // 2
 * ```
 * @category Losses
 */
export function meanSquaredError(yTrue: TensorInput, yPred: TensorInput, options: LossOptions = {}): tf.Tensor {
  return tf.tidy(() => {
    const [t, p] = lossPair(yTrue, yPred);
    return reduce(tf.squaredDifference(t, p), options.reduction);
  });
}
