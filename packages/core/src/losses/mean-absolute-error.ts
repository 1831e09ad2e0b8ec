import * as tf from '@tensorflow/tfjs';

import { lossPair, reduce, type LossOptions, type TensorInput } from './reduction';

/**
 * Mean absolute error, `|y - yhat|` per element.
 * @example
 * ```ts
 * meanAbsoluteError([1, 2], [0, 4]); // 1.5
 * ```
 * @category Losses
 */
export function meanAbsoluteError(yTrue: TensorInput, yPred: TensorInput, options: LossOptions = {}): tf.Tensor {
  return tf.tidy(() => {
    const [t, p] = lossPair(yTrue, yPred);
    return reduce(tf.abs(tf.sub(t, p)), options.reduction);
  });
}
