/**
 * An in-memory dataset of examples and labels with seeded shuffling, batching and stratified
 * splits. Examples are kept as one flat Float32Array (no tensors until a batch is asked for), so a
 * dataset costs no tensor memory and batches come out identical for the same seed on any backend.
 */
import * as tf from '@tensorflow/tfjs';

import { InvalidArgumentError, ShapeError } from '../errors';
import { mulberry32, shuffleInPlace } from '../random';

/**
 * What {@link TensorDataset.batches} yields; dispose both tensors when done.
 *
 * @category Data
 */
export interface Batch {
  /** Examples `[batch, ...exampleShape]`. */
  xs: tf.Tensor;
  /** Labels: one-hot `[batch, classes]` when the dataset has `classes`, else `[batch, ...labelShape]`. */
  ys: tf.Tensor;
}

/**
 * Options for {@link TensorDataset.batches}.
 *
 * @category Data
 */
export interface BatchOptions {
  /** Examples per batch (> 0). */
  batchSize: number;
  /** Visit examples in a seeded random order (default false). */
  shuffle?: boolean;
  /** Seed of the order; the epoch number is mixed in, so each epoch differs (default 0). */
  seed?: number;
  /** Epoch number, for a different order each epoch with one seed (default 0). */
  epoch?: number;
  /** Leave out a last, smaller batch (default false). */
  dropRemainder?: boolean;
}

/**
 * Fractions of a {@link TensorDataset.split}; they must sum to at most 1 (the rest is dropped).
 *
 * @category Data
 */
export interface SplitFractions {
  train: number;
  validation?: number;
  test?: number;
  /** Seed of the assignment (default 0). */
  seed?: number;
  /** Keep each class's share the same in every part (default true when the dataset has classes). */
  stratify?: boolean;
}

/**
 * The label tensor of a batch of `count` examples: one-hot `[count, classes]` for class indices,
 * else `[count, ...labelShape]`. Shared by both dataset kinds.
 * @category Data
 */
export function labelTensor(labels: ArrayLike<number>, count: number, options: { classes?: number; labelShape?: number[] }): tf.Tensor {
  return tf.tidy(() =>
    options.classes !== undefined
      ? tf.oneHot(tf.tensor1d(Int32Array.from(labels), 'int32'), options.classes).toFloat()
      : tf.tensor(Float32Array.from(labels), [count, ...(options.labelShape ?? [])]),
  );
}

/**
 * An in-memory labelled dataset; see the file header.
 *
 * @category Data
 */
export class TensorDataset {
  /** Number of examples. */
  readonly size: number;
  private readonly exampleSize: number;
  private readonly labelSize: number;

  /**
   * @param examples flat example values, `size * prod(exampleShape)` floats
   * @param exampleShape shape of one example (e.g. `[28, 28, 1]`)
   * @param labels one label per example: class indices when `classes` is given, else
   *   `prod(labelShape)` floats per example
   * @param options.classes number of classes (labels are then integers in [0, classes))
   * @param options.labelShape shape of one label when there are no classes (default `[]`, a scalar)
   *
   * @example
   * ```ts
   * const { train } = loadMnist();
   * const dataset = new TensorDataset(train.images, [28, 28, 1], train.labels, { classes: 10 });
   * for (const { xs, ys } of dataset.batches({ batchSize: 64, shuffle: true, seed: 1 })) {
   *   await model.trainOnBatch(xs, ys);
   *   tf.dispose([xs, ys]);
   * }
   * ```
   */
  constructor(
    readonly examples: Float32Array,
    readonly exampleShape: number[],
    readonly labels: Float32Array | Int32Array | Uint8Array,
    readonly options: { classes?: number; labelShape?: number[] } = {},
  ) {
    this.exampleSize = exampleShape.reduce((a, b) => a * b, 1);
    if (!(this.exampleSize > 0) || examples.length % this.exampleSize !== 0) {
      throw new ShapeError({
        parameter: 'examples',
        expected: `a multiple of prod(exampleShape) = ${this.exampleSize} values`,
        actual: examples.length,
      });
    }
    this.size = examples.length / this.exampleSize;
    this.labelSize = options.classes !== undefined ? 1 : (options.labelShape ?? []).reduce((a, b) => a * b, 1);
    if (labels.length !== this.size * this.labelSize) {
      throw new ShapeError({
        parameter: 'labels',
        expected: `${this.size * this.labelSize} values (${this.labelSize} per example)`,
        actual: labels.length,
      });
    }
    const { classes } = options;
    if (classes !== undefined) {
      if (!Number.isInteger(classes) || classes < 1)
        throw new InvalidArgumentError({ parameter: 'options.classes', value: classes, message: 'Must be a positive integer.' });
      for (let i = 0; i < labels.length; i++) {
        if (!Number.isInteger(labels[i]) || labels[i] < 0 || labels[i] >= classes) {
          throw new InvalidArgumentError({
            parameter: `labels[${i}]`,
            value: labels[i],
            message: `Class labels are integers in [0, ${classes}).`,
          });
        }
      }
    }
  }

  /** The examples at `indices`, as a new dataset (values copied). */
  subset(indices: ArrayLike<number>): TensorDataset {
    const examples = new Float32Array(indices.length * this.exampleSize);
    const labels = new (this.labels.constructor as Float32ArrayConstructor)(indices.length * this.labelSize);
    for (let k = 0; k < indices.length; k++) {
      const i = indices[k];
      examples.set(this.examples.subarray(i * this.exampleSize, (i + 1) * this.exampleSize), k * this.exampleSize);
      labels.set(this.labels.subarray(i * this.labelSize, (i + 1) * this.labelSize), k * this.labelSize);
    }
    return new TensorDataset(examples, this.exampleShape, labels, this.options);
  }

  /**
   * Splits into train / validation / test by a seeded assignment; stratified by class when the
   * dataset has classes, so every part keeps the class proportions (each class is split on its own,
   * rounding down, the remainder going to train).
   */
  split(fractions: SplitFractions): { train: TensorDataset; validation: TensorDataset; test: TensorDataset } {
    const { train, validation = 0, test = 0, seed = 0 } = fractions;
    const stratify = fractions.stratify ?? this.options.classes !== undefined;
    for (const [parameter, value] of [
      ['train', train],
      ['validation', validation],
      ['test', test],
    ] as const) {
      if (!(value >= 0 && value <= 1))
        throw new InvalidArgumentError({ parameter: `fractions.${parameter}`, value, message: 'Must be in [0, 1].' });
    }
    if (train + validation + test > 1 + 1e-9) {
      throw new InvalidArgumentError({ parameter: 'fractions', value: fractions, message: 'train + validation + test must not exceed 1.' });
    }
    if (stratify && this.options.classes === undefined) {
      throw new InvalidArgumentError({
        parameter: 'fractions.stratify',
        value: true,
        message: 'Stratifying needs a dataset with classes.',
      });
    }
    const random = mulberry32(seed);
    const groups: number[][] = [];
    if (stratify) {
      for (let c = 0; c < this.options.classes!; c++) groups.push([]);
      for (let i = 0; i < this.size; i++) groups[this.labels[i]].push(i);
    } else {
      groups.push([...Array(this.size).keys()]);
    }
    const parts = { train: [] as number[], validation: [] as number[], test: [] as number[] };
    const keep = train + validation + test;
    for (const group of groups) {
      shuffleInPlace(group, random);
      const nValidation = Math.floor(group.length * validation);
      const nTest = Math.floor(group.length * test);
      const nTrain = Math.min(group.length - nValidation - nTest, Math.round(group.length * keep) - nValidation - nTest);
      parts.validation.push(...group.slice(0, nValidation));
      parts.test.push(...group.slice(nValidation, nValidation + nTest));
      parts.train.push(...group.slice(nValidation + nTest, nValidation + nTest + nTrain));
    }
    for (const part of Object.values(parts)) part.sort((a, b) => a - b);
    return { train: this.subset(parts.train), validation: this.subset(parts.validation), test: this.subset(parts.test) };
  }

  /** Yields batches in order, or in a seeded shuffled order (a new order each epoch). */
  *batches(options: BatchOptions): Generator<Batch> {
    const { batchSize, shuffle = false, seed = 0, epoch = 0, dropRemainder = false } = options;
    if (!Number.isInteger(batchSize) || batchSize < 1) {
      throw new InvalidArgumentError({ parameter: 'options.batchSize', value: batchSize, message: 'Must be a positive integer.' });
    }
    if (this.size === 0)
      throw new InvalidArgumentError({ parameter: 'dataset', value: 0, message: 'The dataset is empty: there is nothing to batch.' });
    const order = [...Array(this.size).keys()];
    if (shuffle) shuffleInPlace(order, mulberry32((seed * 0x9e3779b1 + epoch) >>> 0));
    for (let start = 0; start < this.size; start += batchSize) {
      const indices = order.slice(start, start + batchSize);
      if (dropRemainder && indices.length < batchSize) break;
      const part = this.subset(indices);
      const xs = tf.tensor(part.examples, [indices.length, ...this.exampleShape]);
      const ys = labelTensor(part.labels, indices.length, this.options);
      yield { xs, ys };
    }
  }

  /** Count of examples per class (needs classes). */
  classCounts(): number[] {
    const { classes } = this.options;
    if (classes === undefined)
      throw new InvalidArgumentError({
        parameter: 'options.classes',
        value: undefined,
        message: 'classCounts needs a dataset with classes.',
      });
    const counts = new Array<number>(classes).fill(0);
    for (let i = 0; i < this.size; i++) counts[this.labels[i]]++;
    return counts;
  }
}
