/**
 * The networks of the model zoo, built the same way by the zoo's training script and by the
 * from-scratch baselines, so that "fine-tuned" and "from scratch" compare one architecture.
 *
 * Layer names follow one convention that the freezing and head helpers read: `block<k>_<part>`
 * for the convolutional blocks (conv, batch norm, relu, pool), `features` for the flattened
 * feature vector, and `head_<part>` for the classifier on top of it.
 */
import * as tf from '@tensorflow/tfjs';

import { InvalidArgumentError } from '@bigmodel/core';

type Initializer = ReturnType<typeof tf.initializers.glorotUniform>;

/**
 * Options of the zoo's network builders.
 *
 * @category Zoo
 */
export interface ZooNetworkOptions {
  /** Number of output classes (a positive integer). */
  classes: number;
  /** Seed of the Glorot-uniform kernel initializers (default 0). */
  seed?: number;
  /** Units of the hidden dense layer of the head (default 128). */
  hiddenUnits?: number;
}

function checkClasses(classes: number): void {
  if (!Number.isInteger(classes) || classes < 1) {
    throw new InvalidArgumentError({
      parameter: 'options.classes',
      value: classes,
      message: 'The number of classes must be a positive integer.',
    });
  }
}

/**
 * A seeded Glorot-uniform initializer factory: each call gives the next seed.
 *
 * @category Zoo
 */
export function seededInitializers(seed: number): () => Initializer {
  let next = seed;
  return () => tf.initializers.glorotUniform({ seed: next++ });
}

/** Appends a conv block: conv 3x3 same (no bias, batch norm follows), batch norm, relu, optional 2x2 max pool. */
function convBlock(x: tf.SymbolicTensor, block: number, filters: number, init: () => Initializer, pool: boolean): tf.SymbolicTensor {
  let y = tf.layers
    .conv2d({ name: `block${block}_conv`, filters, kernelSize: 3, padding: 'same', useBias: false, kernelInitializer: init() })
    .apply(x) as tf.SymbolicTensor;
  y = tf.layers.batchNormalization({ name: `block${block}_bn`, momentum: 0.9 }).apply(y) as tf.SymbolicTensor;
  y = tf.layers.reLU({ name: `block${block}_relu` }).apply(y) as tf.SymbolicTensor;
  if (pool) y = tf.layers.maxPooling2d({ name: `block${block}_pool`, poolSize: 2 }).apply(y) as tf.SymbolicTensor;
  return y;
}

/**
 * Appends the zoo's classifier head: dense `hiddenUnits` relu, dense `classes` softmax.
 *
 * @category Zoo
 */
export function appendHead(
  features: tf.SymbolicTensor,
  options: ZooNetworkOptions,
  init = seededInitializers(options.seed ?? 0),
): tf.SymbolicTensor {
  checkClasses(options.classes);
  const hidden = tf.layers
    .dense({ name: 'head_dense', units: options.hiddenUnits ?? 128, activation: 'relu', kernelInitializer: init() })
    .apply(features);
  return tf.layers
    .dense({ name: 'head_out', units: options.classes, activation: 'softmax', kernelInitializer: init() })
    .apply(hidden) as tf.SymbolicTensor;
}

/**
 * The zoo's MNIST network (`mnist-digits-0to4`): three conv blocks (32, 64, 64 filters, each conv
 * 3x3 + batch norm + relu; 2x2 max pool after the first two), flattened to 3,136 features
 * (layer `features`), then a dense 128 relu head and a softmax over `classes`, on 28x28x1 inputs.
 *
 * @example
 * ```ts
 * const model = createDigitsCnn({ classes: 5, seed: 0 });
 * ```
 * @category Zoo
 */
export function createDigitsCnn(options: ZooNetworkOptions): tf.LayersModel {
  checkClasses(options.classes);
  const init = seededInitializers(options.seed ?? 0);
  const input = tf.input({ name: 'image', shape: [28, 28, 1] });
  let x = convBlock(input, 1, 32, init, true);
  x = convBlock(x, 2, 64, init, true);
  x = convBlock(x, 3, 64, init, false);
  const features = tf.layers.flatten({ name: 'features' }).apply(x) as tf.SymbolicTensor;
  return tf.model({ name: 'digits_cnn', inputs: input, outputs: appendHead(features, options, init) });
}

/**
 * The zoo's CIFAR-10-format network (`cifar10-synthetic-shapes`): four conv blocks (16, 32, 64,
 * 64 filters; 2x2 max pool after each of the first three), global average pooling to 64 features
 * (layer `features`), then a dense 64 relu head, on 32x32x3 inputs.
 *
 * @example
 * ```ts
 * const model = createCifarCnn({ classes: 10, seed: 0 });
 * ```
 * @category Zoo
 */
export function createCifarCnn(options: ZooNetworkOptions): tf.LayersModel {
  checkClasses(options.classes);
  const init = seededInitializers(options.seed ?? 0);
  const input = tf.input({ name: 'image', shape: [32, 32, 3] });
  let x = convBlock(input, 1, 16, init, true);
  x = convBlock(x, 2, 32, init, true);
  x = convBlock(x, 3, 64, init, true);
  x = convBlock(x, 4, 64, init, false);
  const features = tf.layers.globalAveragePooling2d({ name: 'features' }).apply(x) as tf.SymbolicTensor;
  return tf.model({ name: 'cifar_cnn', inputs: input, outputs: appendHead(features, { hiddenUnits: 64, ...options }, init) });
}
