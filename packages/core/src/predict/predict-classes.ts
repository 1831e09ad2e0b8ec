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

function checkInputs(model: tf.LayersModel, inputs: tf.Tensor, options: { batchSize?: number }): number {
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
  return batchSize;
}

/** Rows of `scores` as given when they are probabilities (non-negative, rows summing to 1 within 1e-3), else softmaxed. */
function toPredictions(scores: Float32Array, rows: number, classes: number): ClassPrediction[] {
  let normalized = scores.every((v) => v >= 0);
  for (let r = 0; normalized && r < rows; r++) {
    let sum = 0;
    for (let c = 0; c < classes; c++) sum += scores[r * classes + c];
    normalized = Math.abs(sum - 1) < 1e-3;
  }
  return Array.from({ length: rows }, (_, r) => {
    const row = Array.from(scores.subarray(r * classes, (r + 1) * classes));
    let probabilities = row;
    if (!normalized) {
      const max = Math.max(...row);
      const exps = row.map((v) => Math.exp(v - max));
      const total = exps.reduce((a, b) => a + b, 0);
      probabilities = exps.map((e) => e / total);
    }
    return { class: probabilities.indexOf(Math.max(...probabilities)), probabilities };
  });
}

/**
 * Runs a classifier on a batch and returns, per input, its probabilities and arg-max class.
 * Scores that are not probabilities (no softmax at the end) are put through a softmax. Reads
 * synchronously, which the webgpu backend cannot do: there use {@link predictClassesAsync}.
 *
 * @example
 * ```ts
 * const model = await loadModel('models/cnn');
 * const [first] = predictClasses(model, readPng('digit.png', { height: 28, width: 28, channels: 1 }));
 * ```
 * @category Inference
 */
export function predictClasses(model: tf.LayersModel, inputs: tf.Tensor, options: { batchSize?: number } = {}): ClassPrediction[] {
  const batchSize = checkInputs(model, inputs, options);
  const scores = model.predict(inputs, { batchSize }) as tf.Tensor2D;
  try {
    return toPredictions(Float32Array.from(scores.dataSync()), scores.shape[0], scores.shape[1]);
  } finally {
    scores.dispose();
  }
}

/**
 * {@link predictClasses}, read asynchronously (works on every backend, webgpu included).
 *
 * @example
 * ```ts
 * const [first] = await predictClassesAsync(model, readPng('digit.png', { height: 28, width: 28, channels: 1 }));
 * ```
 * @category Inference
 */
export async function predictClassesAsync(
  model: tf.LayersModel,
  inputs: tf.Tensor,
  options: { batchSize?: number } = {},
): Promise<ClassPrediction[]> {
  const batchSize = checkInputs(model, inputs, options);
  const scores = model.predict(inputs, { batchSize }) as tf.Tensor2D;
  try {
    return toPredictions(Float32Array.from(await scores.data()), scores.shape[0], scores.shape[1]);
  } finally {
    scores.dispose();
  }
}
