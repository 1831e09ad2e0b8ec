/**
 * Cutting a model at a layer (a feature extractor) and putting a new classifier head on top. The
 * new model shares the base's layers, and so its weights: train it, and the base trains too unless
 * frozen.
 */
import * as tf from '@tensorflow/tfjs';

import { InvalidArgumentError } from '@bigmodel/core';

import { seededInitializers } from '../zoo/architectures';

/** Layer classes that make up a classifier head, for finding where a head starts. */
const HEAD_CLASSES = new Set(['Dense', 'Dropout', 'Activation', 'Softmax']);

/**
 * The layer a head is put on when none is named: the last layer before the trailing run of
 * Dense / Dropout / Activation layers (for the zoo's models, `features`).
 *
 * @example
 * ```ts
 * defaultCutLayer(model); // 'features'
 * ```
 * @category Heads
 */
export function defaultCutLayer(model: tf.LayersModel): string {
  let i = model.layers.length - 1;
  while (i > 0 && HEAD_CLASSES.has(model.layers[i].getClassName())) i--;
  if (i === model.layers.length - 1) {
    throw new InvalidArgumentError({
      parameter: 'options.cutAt',
      value: undefined,
      message:
        'The model does not end in Dense layers, so where its head starts is not clear; ' +
        `name the layer to cut at (one of ${layerNames(model)}).`,
    });
  }
  return model.layers[i].name;
}

function layerNames(model: tf.LayersModel): string {
  return model.layers.map((l) => l.name).join(', ');
}

function layerOutput(model: tf.LayersModel, name: string, parameter: string): tf.SymbolicTensor {
  const layer = model.layers.find((l) => l.name === name);
  if (!layer)
    throw new InvalidArgumentError({ parameter, value: name, message: `No layer of that name; the layers are: ${layerNames(model)}.` });
  const output = layer.output;
  if (Array.isArray(output))
    throw new InvalidArgumentError({ parameter, value: name, message: 'This layer has several outputs; cut at a layer with one.' });
  return output;
}

/**
 * The part of `model` from its input to the output of layer `layerName` (default
 * {@link defaultCutLayer}), sharing its weights.
 *
 * @example
 * ```ts
 * const extractor = featureExtractor(model, 'features');
 * const features = extractor.predict(images) as tf.Tensor; // [n, 3136]
 * ```
 * @category Heads
 */
export function featureExtractor(model: tf.LayersModel, layerName = defaultCutLayer(model)): tf.LayersModel {
  const output = layerOutput(model, layerName, 'layerName');
  return tf.model({ name: `${model.name}_to_${layerName}`, inputs: model.inputs, outputs: output });
}

/**
 * Options of {@link replaceHead}.
 *
 * @category Heads
 */
export interface ReplaceHeadOptions {
  /** Classes of the new softmax output (an integer in [1, 100000]). */
  classes: number;
  /** The layer whose output feeds the new head (default {@link defaultCutLayer}). */
  cutAt?: string;
  /**
   * Units of the new head's hidden dense relu layers, in order (default `[128]`; `[]` for a linear
   * classifier); at most 16 layers of at most 16384 units.
   */
  hiddenUnits?: number[];
  /** Dropout rate before the output layer (default 0: none; tfjs' dropout is not seeded, so runs with it do not repeat exactly). */
  dropout?: number;
  /** Seed of the new layers' Glorot-uniform initializers (default 0). */
  seed?: number;
  /** Name prefix of the new layers (default `'head'`; names already in the base get a numeric suffix). */
  prefix?: string;
  /** How a cut with spatial output (rank > 2) becomes a vector: `'flatten'` (default) or `'average'` (global average pooling). */
  pooling?: 'flatten' | 'average';
}

/**
 * The widest hidden layer a new head may have (units).
 *
 * @category Heads
 */
export const MAX_HEAD_UNITS = 16_384;

/**
 * The most hidden layers a new head may have.
 *
 * @category Heads
 */
export const MAX_HEAD_LAYERS = 16;

/**
 * The most classes a new head may have.
 *
 * @category Heads
 */
export const MAX_HEAD_CLASSES = 100_000;

/**
 * Throws an InvalidArgumentError naming `parameter` (or its entry) unless `hiddenUnits` is a list of head layer
 * sizes within the limits.
 */
export function checkHiddenUnits(parameter: string, hiddenUnits: unknown): void {
  if (!Array.isArray(hiddenUnits) || hiddenUnits.length > MAX_HEAD_LAYERS) {
    throw new InvalidArgumentError({ parameter, value: hiddenUnits, message: `Must be a list of at most ${MAX_HEAD_LAYERS} layer sizes.` });
  }
  hiddenUnits.forEach((units: unknown, i) => {
    if (!Number.isInteger(units) || (units as number) < 1 || (units as number) > MAX_HEAD_UNITS)
      throw new InvalidArgumentError({
        parameter: `${parameter}[${i}]`,
        value: units,
        message: `Must be an integer in [1, ${MAX_HEAD_UNITS}].`,
      });
  });
}

/**
 * Checks the options of {@link replaceHead}; throws InvalidArgumentError naming the option. Sizes
 * are bounded ({@link MAX_HEAD_CLASSES}, {@link MAX_HEAD_LAYERS}, {@link MAX_HEAD_UNITS}) so that a
 * typo fails here, before any layer is built.
 *
 * @category Heads
 */
export function resolveReplaceHeadOptions(options: ReplaceHeadOptions) {
  const { classes, hiddenUnits = [128], dropout = 0, seed = 0, prefix = 'head' } = options;
  if (!Number.isInteger(classes) || classes < 1 || classes > MAX_HEAD_CLASSES) {
    throw new InvalidArgumentError({
      parameter: 'options.classes',
      value: classes,
      message: `A head needs an integer number of classes in [1, ${MAX_HEAD_CLASSES}].`,
    });
  }
  checkHiddenUnits('options.hiddenUnits', hiddenUnits);
  if (!(dropout >= 0 && dropout < 1))
    throw new InvalidArgumentError({ parameter: 'options.dropout', value: dropout, message: 'Must be in [0, 1).' });
  if (!Number.isInteger(seed)) throw new InvalidArgumentError({ parameter: 'options.seed', value: seed, message: 'Must be an integer.' });
  const { pooling = 'flatten' } = options;
  if (pooling !== 'flatten' && pooling !== 'average')
    throw new InvalidArgumentError({ parameter: 'options.pooling', value: pooling, message: "Choose 'flatten' or 'average'." });
  return { classes, hiddenUnits, dropout, seed, prefix, pooling, cutAt: options.cutAt };
}

/**
 * The layers of a new classifier head, unbuilt: for inputs of rank `inputRank` > 2 a flatten (or
 * global average pooling) layer, then hidden dense relu layers, optional dropout, a softmax output.
 * @category Heads
 */
export function createHeadLayers(options: ReplaceHeadOptions, taken: Set<string> = new Set(), inputRank = 2): tf.layers.Layer[] {
  const { classes, hiddenUnits, dropout, seed, prefix, pooling } = resolveReplaceHeadOptions(options);
  const init = seededInitializers(seed);
  const name = (part: string) => {
    let candidate = `${prefix}_${part}`;
    for (let k = 1; taken.has(candidate); k++) candidate = `${prefix}_${part}_${k}`;
    taken.add(candidate);
    return candidate;
  };
  const layers: tf.layers.Layer[] = [];
  if (inputRank === 4)
    layers.push(
      pooling === 'average' ? tf.layers.globalAveragePooling2d({ name: name('pool') }) : tf.layers.flatten({ name: name('flatten') }),
    );
  else if (inputRank > 2) layers.push(tf.layers.flatten({ name: name('flatten') }));
  hiddenUnits.forEach((units, i) =>
    layers.push(tf.layers.dense({ name: name(i === 0 ? 'dense' : `dense${i + 1}`), units, activation: 'relu', kernelInitializer: init() })),
  );
  if (dropout > 0) layers.push(tf.layers.dropout({ name: name('dropout'), rate: dropout }));
  layers.push(tf.layers.dense({ name: name('out'), units: classes, activation: 'softmax', kernelInitializer: init() }));
  return layers;
}

/**
 * Applies `layers` in order to `x`.
 *
 * @category Heads
 */
export function applyLayers(x: tf.SymbolicTensor, layers: tf.layers.Layer[]): tf.SymbolicTensor {
  return layers.reduce((y, layer) => layer.apply(y) as tf.SymbolicTensor, x);
}

/**
 * A new model: `model` up to `cutAt`, then a fresh classifier head for `classes` classes. The base
 * layers are shared with `model` (not copied). Not compiled.
 *
 * @example
 * ```ts
 * const { model: base } = await loadBase('zoo:mnist-digits-0to4');
 * const model = replaceHead(base, { classes: 5, seed: 1 });
 * freeze(model, { to: model.getLayer('features') ? -3 : -1 });
 * ```
 * @category Heads
 */
export function replaceHead(model: tf.LayersModel, options: ReplaceHeadOptions): tf.LayersModel {
  const resolved = resolveReplaceHeadOptions(options);
  const cutAt = resolved.cutAt ?? defaultCutLayer(model);
  const features = layerOutput(model, cutAt, 'options.cutAt');
  // Layers past the cut are dropped, so their names are free again.
  const cutIndex = model.layers.findIndex((l) => l.name === cutAt);
  const taken = new Set(model.layers.slice(0, cutIndex + 1).map((l) => l.name));
  const head = createHeadLayers(resolved, taken, features.shape.length);
  return tf.model({ name: `${model.name}_new_head`, inputs: model.inputs, outputs: applyLayers(features, head) });
}

/**
 * Disposes the layers of `base` that `model` (made from it by {@link replaceHead} or
 * {@link fineTune}) does not use, such as the base's old head: disposing `model` then frees
 * everything. Disposing `base` itself after `model` would dispose shared layers twice.
 *
 * @example
 * ```ts
 * const { model } = await fineTune(base, train, config);
 * disposeUnusedLayers(base, model);
 * model.dispose();
 * ```
 * @category Heads
 */
export function disposeUnusedLayers(base: tf.LayersModel, model: tf.LayersModel): void {
  const used = new Set(model.layers);
  for (const layer of base.layers) if (!used.has(layer) && layer.built && layer.weights.length > 0) layer.dispose();
}
