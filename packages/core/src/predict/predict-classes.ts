import * as tf from '@tensorflow/tfjs';

import { InvalidArgumentError, ShapeError } from '../errors';

/**
 * Class probabilities and the most likely class of each input.
 *
 * @category Inference
 */
export interface ClassPrediction {
  class: number;
  probabilities: number[];
}

/**
 * Runs a classifier on a batch and returns, per input, its probabilities and arg-max class.
 * Scores that are not probabilities (no softmax at the end) are put through a softmax.
 *
 * @example
 * ```ts
 * const model = await loadModel('models/cnn');
 * const [first] = predictClasses(model, readPng('digit.png', { height: 28, width: 28, channels: 1 }));
 * ```
 * @category Inference
 */
export function predictClasses(model: tf.LayersModel, inputs: tf.Tensor, options: { batchSize?: number } = {}): ClassPrediction[] {
  const expected = model.inputs[0].shape.slice(1);
  const actual = inputs.shape.slice(1);
  if (expected.length !== actual.length || expected.some((d, i) => d !== null && d !== actual[i])) {
    throw new ShapeError({
      parameter: 'inputs',
      expected: `[batch, ${expected.map((d) => d ?? '?').join(', ')}] (the model's input)`,
      actual: inputs.shape,
    });
  }
  const { batchSize = 64 } = options;
  if (!Number.isInteger(batchSize) || batchSize < 1)
    throw new InvalidArgumentError({ parameter: 'options.batchSize', value: batchSize, message: 'Must be a positive integer.' });
  const probabilities = tf.tidy(() => {
    const scores = model.predict(inputs, { batchSize }) as tf.Tensor2D;
    const rows = scores.sum(1).dataSync();
    const min = scores.min().dataSync()[0];
    const normalized = min >= 0 && Array.from(rows).every((r) => Math.abs(r - 1) < 1e-3);
    return (normalized ? scores : tf.softmax(scores)).arraySync() as number[][];
  });
  return probabilities.map((p) => ({ class: p.indexOf(Math.max(...p)), probabilities: p }));
}
