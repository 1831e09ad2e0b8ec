/**
 * The CNN the built-in MNIST evaluator trains, built from a configuration of the `mnist` space
 * (not part of the public API: users reach it through `mnistEvaluator` and `trainMnistModel`).
 */
import * as tf from '@tensorflow/tfjs';
import { InvalidArgumentError } from '@bigmodel/core';

import type { Config, ResolvedParam, SearchSpace } from '../space/search-space';

/** A number of the configuration, or `fallback` when the key is absent. */
export const num = (config: Config, key: string, fallback: number): number =>
  typeof config[key] === 'number' ? (config[key] as number) : fallback;

/**
 * The sizes the MNIST CNN accepts, `[min, max]` for each key of a configuration that sizes a
 * network: checked before anything is built, so that a typo such as `filters1: 100000` fails at
 * once with an `InvalidArgumentError` naming it instead of exhausting memory. Each maximum is
 * far above what the built-in space uses (filters 24-96, dense 0-128, batch 64-128, 3 blocks of one
 * 3x3 convolution). `filters3` covers `filters1` .. `filters4`.
 */
export const MNIST_CONFIG_LIMITS: Readonly<Record<string, readonly [number, number]>> = {
  // Each block halves the 28x28 map: 28 -> 14 -> 7 -> 3 -> 1.
  blocks: [1, 4],
  convsPerBlock: [1, 8],
  filters1: [1, 1024],
  filters2: [1, 1024],
  filters3: [1, 1024],
  filters4: [1, 1024],
  kernelSize: [1, 9],
  denseUnits: [0, 16_384],
  batchSize: [1, 8192],
};

function checkLimit(parameter: string, value: unknown): void {
  const [min, max] = MNIST_CONFIG_LIMITS[parameter];
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new InvalidArgumentError({ parameter: `config.${parameter}`, value, message: `Must be an integer in [${min}, ${max}].` });
  }
}

/**
 * Checks the sizes of a configuration against {@link MNIST_CONFIG_LIMITS} (the keys it has; the
 * others take their defaults), throwing an `InvalidArgumentError` naming the first one outside them.
 */
export function checkMnistConfig(config: Config): void {
  for (const key of Object.keys(MNIST_CONFIG_LIMITS)) if (config[key] !== undefined) checkLimit(key, config[key]);
}

/** The values of a parameter that bound what it can produce: a range's ends, every choice, the fixed value. */
function extremes(param: ResolvedParam): unknown[] {
  switch (param.type) {
    case 'int':
    case 'float':
      return [param.min, param.max];
    case 'categorical':
      return param.choices;
    case 'fixed':
      return [param.value];
  }
}

/**
 * Checks that no configuration of `space` can exceed {@link MNIST_CONFIG_LIMITS}: a search over a
 * space with `filters1: { type: 'categorical', choices: [32, 100000] }` fails before it starts
 * instead of in its trials.
 */
export function checkMnistSpace(space: SearchSpace): void {
  for (const param of space.params) {
    if (!(param.name in MNIST_CONFIG_LIMITS)) continue;
    for (const value of extremes(param)) {
      try {
        checkLimit(param.name, value);
      } catch {
        const [min, max] = MNIST_CONFIG_LIMITS[param.name];
        throw new InvalidArgumentError({
          parameter: `space.${param.name}`,
          value,
          message: `The mnist evaluator builds networks only from integers in [${min}, ${max}] for ${param.name}.`,
        });
      }
    }
  }
}

/**
 * Builds (uncompiled) the CNN a configuration describes; weights seeded by `seed`. Throws an
 * `InvalidArgumentError` before building anything when a size is outside {@link MNIST_CONFIG_LIMITS}.
 */
export function buildMnistModel(config: Config, seed: number): tf.Sequential {
  checkMnistConfig(config);
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
