/**
 * The CNN the built-in MNIST evaluator trains, built from a configuration of the `mnist` space
 * (not part of the public API: users reach it through `mnistEvaluator` and `trainMnistModel`).
 */
import * as tf from '@tensorflow/tfjs';

import type { Config } from '../space/search-space';

/** A number of the configuration, or `fallback` when the key is absent. */
export const num = (config: Config, key: string, fallback: number): number =>
  typeof config[key] === 'number' ? (config[key] as number) : fallback;

/**
 * Builds (uncompiled) the CNN a configuration describes; weights seeded by `seed`.
 */
export function buildMnistModel(config: Config, seed: number): tf.Sequential {
  let layerSeed = seed;
  // tfjs's normal draws take a seed of 0 as "no seed" (`seed ? seed : Math.random()`), so a layer
  // seeded 0 would differ from build to build; it gets -1 instead (layer seeds are never negative).
  const init = () => {
    const layer = layerSeed++;
    return tf.initializers.heNormal({ seed: layer === 0 ? -1 : layer });
  };
  const blocks = num(config, 'blocks', 2);
  const activation = String(config['activation'] ?? 'relu') as 'relu' | 'elu';
  const batchNorm = config['batchNorm'] === true;
  const kernelSize = num(config, 'kernelSize', 3);
  const model = tf.sequential({ name: 'nas_mnist_cnn' });
  for (let b = 1; b <= blocks; b++) {
    for (let c = 0; c < num(config, 'convsPerBlock', 1); c++) {
      model.add(
        tf.layers.conv2d({
          ...(model.layers.length === 0 ? { inputShape: [28, 28, 1] } : {}),
          filters: num(config, `filters${b}`, 32),
          kernelSize,
          padding: 'same',
          useBias: !batchNorm,
          kernelInitializer: init(),
        }),
      );
      if (batchNorm) model.add(tf.layers.batchNormalization({ momentum: 0.9 }));
      model.add(tf.layers.activation({ activation }));
    }
    model.add(tf.layers.maxPooling2d({ poolSize: 2 }));
  }
  model.add(tf.layers.flatten());
  const dropout = num(config, 'dropout', 0);
  const dense = num(config, 'denseUnits', 0);
  if (dense > 0) {
    if (dropout > 0) model.add(tf.layers.dropout({ rate: dropout, seed: layerSeed++ }));
    model.add(tf.layers.dense({ units: dense, activation, kernelInitializer: init() }));
  }
  if (dropout > 0) model.add(tf.layers.dropout({ rate: dropout, seed: layerSeed++ }));
  model.add(tf.layers.dense({ units: 10, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: layerSeed++ }) }));
  return model;
}
