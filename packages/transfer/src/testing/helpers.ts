/** Test helpers (not part of the published package). */
import * as tf from '@tensorflow/tfjs';

import { initBackend, mulberry32, TensorDataset } from '@bigmodel/core';

/** Selects wasm with bigmodel's kernels, as the package runs by default (call once in `beforeAll`). */
export async function useWasm(): Promise<void> {
  tf.env().set('PROD', true);
  await initBackend({ backend: 'wasm' });
}

/** A tiny conv + batch norm + dense classifier on 6x6x1 inputs, with seeded weights. */
export function tinyBnModel(seed = 0): tf.LayersModel {
  let next = seed;
  const init = () => tf.initializers.glorotUniform({ seed: next++ });
  const input = tf.input({ shape: [6, 6, 1] });
  let x = tf.layers.conv2d({ name: 'block1_conv', filters: 4, kernelSize: 3, kernelInitializer: init() }).apply(input) as tf.SymbolicTensor;
  x = tf.layers.batchNormalization({ name: 'block1_bn' }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.reLU({ name: 'block1_relu' }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.flatten({ name: 'features' }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.dense({ name: 'head_dense', units: 8, activation: 'relu', kernelInitializer: init() }).apply(x) as tf.SymbolicTensor;
  const out = tf.layers
    .dense({ name: 'head_out', units: 3, activation: 'softmax', kernelInitializer: init() })
    .apply(x) as tf.SymbolicTensor;
  return tf.model({ name: 'tiny', inputs: input, outputs: out });
}

/** `count` random 6x6x1 examples with 3 classes (the class shifts the mean, so it can be learned). */
export function tinyData(count: number, seed = 0): TensorDataset {
  const random = mulberry32(seed);
  const labels = Uint8Array.from({ length: count }, (_, i) => i % 3);
  const examples = Float32Array.from({ length: count * 36 }, (_, k) => random() + labels[Math.floor(k / 36)] * 0.5);
  return new TensorDataset(examples, [6, 6, 1], labels, { classes: 3 });
}

/** Copies of the values of every weight of `model`, by weight's original name. */
export function snapshot(model: tf.LayersModel): Map<string, Float32Array> {
  return new Map(model.weights.map((w) => [w.originalName, Float32Array.from(w.read().dataSync())]));
}
