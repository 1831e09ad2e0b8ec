/**
 * Freezing and unfreezing layers, with the recompilation tfjs needs (a compiled model collects its
 * trainable weights at compile time) and the batch-norm policy Keras users expect: the moving
 * statistics of a frozen BatchNormalization layer stay frozen.
 *
 * tfjs-layers calls every layer with `training: true` during `fit` / `trainOnBatch`, and its
 * BatchNormalization layer then normalizes with batch statistics and updates its moving mean and
 * variance, whether the layer is trainable or not. Keras (since 2.1.3 for frozen layers, and TF 2
 * always) runs a frozen BatchNormalization layer in inference mode. {@link setBatchNormPolicy}
 * installs that behaviour on each batch-norm layer of a model; {@link freeze} does it for you.
 */
import * as tf from '@tensorflow/tfjs';

import { InvalidArgumentError } from '@bigmodel/core';

import { selectLayers, type LayerSelector } from './select-layers';

/**
 * Trainable and frozen parameter counts (every weight value counts; batch-norm moving statistics are frozen by nature).
 *
 * @category Freezing
 */
export interface ParameterCounts {
  /** Values in trainable weights. */
  trainable: number;
  /** Values in non-trainable weights (frozen layers, and batch-norm moving statistics). */
  frozen: number;
  /** trainable + frozen. */
  total: number;
}

/**
 * How batch-norm layers behave during training:
 * - `'frozen-when-frozen'` (default, Keras 2 semantics): a layer whose `trainable` is false runs in
 *   inference mode (moving statistics used and left untouched); a trainable one uses batch
 *   statistics and updates its moving statistics.
 * - `'always-frozen'`: every batch-norm layer runs in inference mode, trainable or not (its gamma
 *   and beta still learn when trainable).
 * - `'tfjs'`: tfjs' own behaviour (batch statistics and updates in training, even when frozen).
 * @category Freezing
 */
export type BatchNormPolicy = 'frozen-when-frozen' | 'always-frozen' | 'tfjs';

const BATCH_NORM_POLICIES: readonly BatchNormPolicy[] = ['frozen-when-frozen', 'always-frozen', 'tfjs'];

type CallFunction = (inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>) => tf.Tensor | tf.Tensor[];
const POLICY = Symbol('bigmodel.batchNormPolicy');
interface PatchedLayer {
  call: CallFunction;
  [POLICY]?: BatchNormPolicy;
}

/**
 * Sets how the model's BatchNormalization layers behave in training (see {@link BatchNormPolicy}).
 * It wraps each layer's `call` on the instance; the wrapper reads the layer's `trainable` flag at
 * every call, so later freezing and unfreezing take effect without calling this again.
 *
 * @example
 * ```ts
 * setBatchNormPolicy(model, 'always-frozen');
 * ```
 * @category Freezing
 */
export function setBatchNormPolicy(model: tf.LayersModel, policy: BatchNormPolicy): void {
  if (!BATCH_NORM_POLICIES.includes(policy)) {
    throw new InvalidArgumentError({ parameter: 'policy', value: policy, message: `Choose one of ${BATCH_NORM_POLICIES.join(', ')}.` });
  }
  for (const layer of batchNormLayers(model)) installPolicy(layer, policy);
}

function batchNormLayers(model: tf.LayersModel): tf.layers.Layer[] {
  return model.layers.filter((layer) => layer.getClassName() === 'BatchNormalization');
}

function installPolicy(layer: tf.layers.Layer, policy: BatchNormPolicy): void {
  const patched = layer as unknown as PatchedLayer;
  // The prototype's call is tfjs' own; an earlier policy's wrapper on the instance is replaced.
  const original = (Object.getPrototypeOf(layer) as PatchedLayer).call.bind(layer);
  patched[POLICY] = policy;
  if (policy === 'tfjs') {
    delete (patched as Partial<PatchedLayer>).call;
    return;
  }
  patched.call = (inputs, kwargs) => {
    const frozen = policy === 'always-frozen' || !layer.trainable;
    return original(inputs, frozen ? { ...kwargs, training: false } : kwargs);
  };
}

/**
 * The batch-norm policy of `model`'s batch-norm layers (`'tfjs'` where none was installed;
 * `undefined` for a model without batch norm).
 *
 * @example
 * ```ts
 * batchNormPolicyOf(model); // 'frozen-when-frozen' after freeze(model, ...)
 * ```
 * @category Freezing
 */
export function batchNormPolicyOf(model: tf.LayersModel): BatchNormPolicy | undefined {
  const layer = batchNormLayers(model)[0] as unknown as PatchedLayer | undefined;
  return layer === undefined ? undefined : (layer[POLICY] ?? 'tfjs');
}

/**
 * Counts the model's trainable and frozen parameters.
 *
 * @example
 * ```ts
 * const { trainable, frozen } = parameterCounts(model);
 * ```
 * @category Freezing
 */
export function parameterCounts(model: tf.LayersModel): ParameterCounts {
  const count = (weights: tf.LayerVariable[]) => weights.reduce((sum, w) => sum + w.shape.reduce<number>((a, b) => a * (b ?? 1), 1), 0);
  const trainable = count(model.trainableWeights);
  const frozen = count(model.nonTrainableWeights);
  return { trainable, frozen, total: trainable + frozen };
}

/**
 * Compiles `model` again with its own optimizer, loss and metrics, so that a change of trainable
 * layers takes effect (tfjs collects the trainable weights at compile time). The optimizer object,
 * and with it its state, is kept. Does nothing for a model that was never compiled.
 * @category Freezing
 */
export function recompile(model: tf.LayersModel): void {
  if (!model.optimizer) return;
  const metrics = (model as unknown as { metrics?: string[] }).metrics;
  model.compile({ optimizer: model.optimizer, loss: model.loss, metrics });
}

function setTrainable(model: tf.LayersModel, selector: LayerSelector, trainable: boolean, parameter: string): ParameterCounts {
  const indices = selectLayers(model, selector, parameter);
  // Batch-norm layers without a policy get the Keras one; a policy set by the user stays.
  for (const layer of batchNormLayers(model))
    if ((layer as unknown as PatchedLayer)[POLICY] === undefined) installPolicy(layer, 'frozen-when-frozen');
  // A model whose own flag is false reports no trainable weights at all; per-layer flags decide.
  model.trainable = true;
  for (const i of indices) model.layers[i].trainable = trainable;
  recompile(model);
  return parameterCounts(model);
}

/**
 * Freezes the selected layers (their weights stop training; frozen batch-norm layers also stop
 * updating their moving statistics, unless another {@link BatchNormPolicy} was set), recompiles a
 * compiled model, and returns the trainable / frozen parameter counts.
 *
 * @example
 * ```ts
 * freeze(model, (layer) => layer.name.startsWith('block')); // { trainable: 402565, frozen: 56864, total: 459429 }
 * freeze(model, { from: 0, to: 5 });
 * ```
 * @category Freezing
 */
export function freeze(model: tf.LayersModel, selector: LayerSelector): ParameterCounts {
  return setTrainable(model, selector, false, 'selector');
}

/**
 * Unfreezes the selected layers, recompiles a compiled model, and returns the parameter counts.
 *
 * @example
 * ```ts
 * unfreeze(model, ['block3_conv', 'block3_bn']);
 * ```
 * @category Freezing
 */
export function unfreeze(model: tf.LayersModel, selector: LayerSelector): ParameterCounts {
  return setTrainable(model, selector, true, 'selector');
}
