/**
 * Cached features: run the frozen base once over a dataset and keep its outputs, so that a head
 * trains on vectors instead of images (one base forward pass per example instead of one per
 * example per epoch).
 */
import * as tf from '@tensorflow/tfjs';

import { ShapeError, TensorDataset } from '@bigmodel/core';

/**
 * Checks that `model` takes examples of `dataset`'s shape; a mismatch throws a ShapeError naming
 * `parameter` with both shapes.
 *
 * @example
 * ```ts
 * checkInputShape(model, train, 'data'); // throws for 32x32x3 data on a 28x28x1 model
 * ```
 * @category Fine-tuning
 */
export function checkInputShape(model: tf.LayersModel, dataset: TensorDataset, parameter = 'data'): void {
  const expected = model.inputs[0].shape.slice(1);
  const ok = expected.length === dataset.exampleShape.length && expected.every((d, i) => d === null || d === dataset.exampleShape[i]);
  if (!ok) {
    throw new ShapeError({
      parameter,
      expected: `examples of shape [${expected.join(', ')}], the input of model ${model.name}`,
      actual: `[${dataset.exampleShape.join(', ')}]`,
    });
  }
}

/**
 * The outputs of `extractor` for every example of `dataset`, as a new dataset with the same
 * labels. With `augment`, the examples pass through it first (one augmented copy per call;
 * concatenate several calls for more). `onProgress` is called after each batch with the examples
 * done so far and the dataset's size.
 *
 * @example
 * ```ts
 * const features = await cacheFeatures(featureExtractor(model, 'features'), train);
 * features.exampleShape; // [3136]
 * ```
 * @category Fine-tuning
 */
export async function cacheFeatures(
  extractor: tf.LayersModel,
  dataset: TensorDataset,
  options: {
    batchSize?: number;
    augment?: (xs: tf.Tensor, batch: number) => tf.Tensor;
    onProgress?: (done: number, total: number) => void;
  } = {},
): Promise<TensorDataset> {
  checkInputShape(extractor, dataset, 'dataset');
  const { batchSize = 256, augment, onProgress } = options;
  const featureShape = extractor.outputs[0].shape.slice(1) as number[];
  const featureSize = featureShape.reduce((a, b) => a * b, 1);
  const features = new Float32Array(dataset.size * featureSize);
  let row = 0;
  let batch = 0;
  for (const { xs, ys } of dataset.batches({ batchSize })) {
    const output = tf.tidy(() => extractor.predict(augment ? augment(xs, batch) : xs) as tf.Tensor);
    try {
      features.set(await output.data(), row * featureSize); // asynchronous: a GPU backend cannot read synchronously
    } finally {
      output.dispose();
    }
    row += xs.shape[0];
    batch++;
    tf.dispose([xs, ys]);
    onProgress?.(row, dataset.size);
  }
  return new TensorDataset(features, featureShape, dataset.labels, dataset.options);
}

/**
 * Concatenates datasets of one example shape and label kind.
 *
 * @category Fine-tuning
 */
export function concatDatasets(parts: TensorDataset[]): TensorDataset {
  const first = parts[0];
  const examples = new Float32Array(parts.reduce((n, p) => n + p.examples.length, 0));
  const labels = new (first.labels.constructor as Float32ArrayConstructor)(parts.reduce((n, p) => n + p.labels.length, 0));
  let e = 0;
  let l = 0;
  for (const part of parts) {
    examples.set(part.examples, e);
    labels.set(part.labels, l);
    e += part.examples.length;
    l += part.labels.length;
  }
  return new TensorDataset(examples, first.exampleShape, labels, first.options);
}

/**
 * Accuracy of a classifier on a dataset with classes (argmax of the output against the label).
 * The hits are counted on the device and read once, asynchronously.
 *
 * @example
 * ```ts
 * await evaluateAccuracy(model, test); // 0.99
 * ```
 * @category Fine-tuning
 */
export async function evaluateAccuracy(model: tf.LayersModel, dataset: TensorDataset, batchSize = 256): Promise<number> {
  checkInputShape(model, dataset, 'dataset');
  let correct: tf.Scalar = tf.scalar(0, 'int32');
  for (const { xs, ys } of dataset.batches({ batchSize })) {
    const total = tf.tidy(() => tf.add(correct, (model.predict(xs) as tf.Tensor).argMax(-1).equal(ys.argMax(-1)).sum()) as tf.Scalar);
    tf.dispose([xs, ys, correct]);
    correct = total;
  }
  const count = (await correct.data())[0];
  correct.dispose();
  return count / dataset.size;
}
