/** Test helper (not published): `y = w x + b` as a CustomModel for fit, trained with SGD and momentum. */
import * as tf from '@tensorflow/tfjs';

import { Sgd } from '../optimizers';
import type { CustomModel } from '../training';

export function linearModel(): { model: CustomModel; w: tf.Variable; b: tf.Variable } {
  const w = tf.variable(tf.zeros([1, 1]));
  const b = tf.variable(tf.zeros([1]));
  const model: CustomModel = {
    variables: [w, b],
    forward: (x) => tf.add(tf.matMul(x, w), b),
    loss: (y, p) => tf.losses.meanSquaredError(y, p) as tf.Scalar,
    optimizer: new Sgd({ learningRate: 0.1, momentum: 0.9 }),
  };
  return { model, w, b };
}
