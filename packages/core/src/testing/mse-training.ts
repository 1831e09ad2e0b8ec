/** Test helper: a short Adam training run on mean squared error, for loss-decrease and leak checks. */
import * as tf from '@tensorflow/tfjs';

/**
 * Trains `model` on (`x`, `y`) with Adam (lr 1e-2) and mean squared error for `1 + steps` steps.
 * Returns the first and last losses, and the tensor count after the first step (when the
 * optimizer's slots exist) and after the last, so a test can assert a falling loss and no leak.
 */
export function trainMse(
  model: tf.LayersModel,
  x: tf.Tensor,
  y: tf.Tensor,
  steps: number,
): { first: number; last: number; tensorsAfterFirst: number; tensorsAfterLast: number } {
  const optimizer = tf.train.adam(1e-2);
  const step = () => {
    const loss = optimizer.minimize(() => tf.losses.meanSquaredError(y, model.apply(x) as tf.Tensor) as tf.Scalar, true)!;
    const value = loss.dataSync()[0];
    loss.dispose();
    return value;
  };
  const first = step();
  const tensorsAfterFirst = tf.memory().numTensors;
  let last = first;
  for (let i = 0; i < steps; i++) last = step();
  const tensorsAfterLast = tf.memory().numTensors;
  optimizer.dispose();
  return { first, last, tensorsAfterFirst, tensorsAfterLast };
}
