/**
 * Fine-tuning a base model on a new classification task, with the recipes Keras' transfer-learning
 * guide, fastai and ULMFiT (Howard & Ruder 2018) teach:
 *
 * - `head`: a new head on the frozen base (optionally on cached features: the base runs once).
 * - `two-phase`: the head first, then the top `unfreezeBlocks` blocks of the base unfrozen and
 *   trained on with the lower `fineTuneLr` (frozen batch-norm statistics stay frozen).
 * - `gradual`: like two-phase, but one more block is unfrozen every `epochsPerBlock` epochs, top down.
 * - `full`: everything trains from the start, the base at `fineTuneLr`, the new head at `lr`.
 *
 * Every phase uses core's `fit` with early stopping on the validation loss (best weights
 * restored), weight decay on kernels only (not on biases or normalization parameters), and
 * per-layer-group learning rates (`layerLrDecay`).
 */
import * as tf from '@tensorflow/tfjs';

import {
  bestCheckpoint,
  earlyStopping,
  fit,
  InvalidArgumentError,
  TensorDataset,
  type Callback,
  type FitConfig,
  type FitHistory,
  type MetricsLogger,
} from '@bigmodel/core';

import { freeze, parameterCounts, setBatchNormPolicy, unfreeze, type BatchNormPolicy, type ParameterCounts } from '../freeze/freeze';
import { layerBlocks } from '../freeze/select-layers';
import { MAX_HEAD_CLASSES, applyLayers, checkHiddenUnits, defaultCutLayer, featureExtractor, replaceHead } from '../head/replace-head';
import { cacheFeatures, checkInputShape, concatDatasets } from './features';
import { decayToPretrained } from './decay-to-pretrained';
import { isNoDecayWeight, paramGroupOptimizer } from './grouped-optimizer';

/**
 * The fine-tuning recipes of {@link fineTune}.
 *
 * @category Fine-tuning
 */
export const FINE_TUNE_STRATEGIES = ['head', 'two-phase', 'gradual', 'full'] as const;
/**
 * One of {@link FINE_TUNE_STRATEGIES}.
 *
 * @category Fine-tuning
 */
export type FineTuneStrategy = (typeof FINE_TUNE_STRATEGIES)[number];

/**
 * Configuration of {@link fineTune}.
 *
 * @category Fine-tuning
 */
export interface FineTuneConfig {
  /** The recipe (see the file header). */
  strategy: FineTuneStrategy;
  /** Classes of the new task (an integer >= 1). */
  classes: number;
  /** Epochs of the first phase (the head; all of training for `full`), an integer >= 1. */
  epochs: number;
  /** Epochs of the second phase of `two-phase` and `gradual` (default `epochs`). */
  fineTuneEpochs?: number;
  /** The layer the new head goes on (default: the zoo's feature layer, else {@link defaultCutLayer}). */
  cutAt?: string;
  /** Hidden dense layers of the new head (default `[128]`). */
  hiddenUnits?: number[];
  /** For a cut with spatial output: flatten it (default) or average it (see {@link ReplaceHeadOptions.pooling}). */
  pooling?: 'flatten' | 'average';
  /** Blocks of the base (from the top) unfrozen in phase two of `two-phase` (default 1); `gradual` unfreezes up to this many (default all). */
  unfreezeBlocks?: number;
  /** `gradual`: epochs between unfreezing one more block (default 1). */
  epochsPerBlock?: number;
  /** Learning rate of the head (default 1e-3). */
  lr?: number;
  /** Learning rate of the base when it trains (default lr / 10). */
  fineTuneLr?: number;
  /** Discriminative rates: each base block below the top trainable one gets this factor more (default 1: one rate for the base). */
  layerLrDecay?: number;
  /** AdamW decoupled weight decay, not applied to biases and normalization parameters (default 1e-4). */
  weightDecay?: number;
  /**
   * L2-SP: when > 0, the base's weights decay toward their pretrained values instead of toward zero,
   * by this strength (see {@link decayToPretrained}: `w -= lr * strength * (w - w0)` after every
   * step, `lr` the weight's own rate), and `weightDecay` applies to the head only. Default 0 (off).
   */
  decayToPretrained?: number;
  /** Examples per batch (default 64). */
  batchSize?: number;
  /** Seed of the head's initial weights and the batch order (default 0). */
  seed?: number;
  /** Held-out data for early stopping (strongly advised; without it every epoch runs and the last weights are kept). */
  validation?: TensorDataset;
  /** Early-stopping patience in epochs, on the validation loss (default 5). */
  patience?: number;
  /** Train the head on features cached from one pass of the frozen base (default false; head phase only). */
  cachedFeatures?: boolean;
  /** With cachedFeatures and augment: augmented copies of the training set to cache besides the original (default 0). */
  cachedAugmentations?: number;
  /** Augmentation of training images, as core's FitConfig.augment (used on cached copies too). */
  augment?: FitConfig['augment'];
  /** How batch-norm layers behave (default 'frozen-when-frozen'). */
  batchNormPolicy?: BatchNormPolicy;
  /** Save the best model (by validation loss) of each phase to `<dir>/<phase>` with core's bestCheckpoint. */
  checkpointDir?: string;
  /** Receives every phase's records (steps numbered across phases, `phase` added). */
  logger?: MetricsLogger;
  /** Extra callbacks for every phase (e.g. a progress bar). */
  callbacks?: Callback[];
  /** Called when a phase starts, with its name, trainable/frozen counts and the number of steps per epoch. */
  onPhase?: (phase: { name: string; epochs: number; stepsPerEpoch: number; parameters: ParameterCounts }) => void;
  /**
   * With cachedFeatures: called after each batch the frozen base runs while caching, with the
   * examples done and the total (the training set once per copy, then the validation set).
   */
  onCacheProgress?: (progress: { done: number; total: number }) => void;
}

/**
 * One phase of a fine-tuning run.
 *
 * @category Fine-tuning
 */
export interface FineTunePhase {
  /** `head`, `fine-tune`, `gradual` or `full`. */
  name: string;
  /** Parameter counts while this phase trained. */
  parameters: ParameterCounts;
  /** The epochs' logs. */
  history: FitHistory;
}

/**
 * What {@link fineTune} returns.
 *
 * @category Fine-tuning
 */
export interface FineTuneResult {
  /** The fine-tuned model (the base's layers with the new head; compiled). */
  model: tf.LayersModel;
  /** The phases, in order. */
  phases: FineTunePhase[];
  /** Parameter counts at the end. */
  parameters: ParameterCounts;
}

/**
 * Fills the defaults of {@link FineTuneConfig} and validates it; throws InvalidArgumentError naming the option.
 *
 * @category Fine-tuning
 */
export function resolveFineTuneConfig(config: FineTuneConfig) {
  const positiveInteger = (parameter: string, value: unknown) => {
    if (!Number.isInteger(value) || (value as number) < 1)
      throw new InvalidArgumentError({ parameter, value, message: 'Must be an integer >= 1.' });
  };
  if (!FINE_TUNE_STRATEGIES.includes(config.strategy)) {
    throw new InvalidArgumentError({
      parameter: 'config.strategy',
      value: config.strategy,
      message: `Choose one of ${FINE_TUNE_STRATEGIES.join(', ')}.`,
    });
  }
  if (!Number.isInteger(config.classes) || config.classes < 1 || config.classes > MAX_HEAD_CLASSES) {
    throw new InvalidArgumentError({
      parameter: 'config.classes',
      value: config.classes,
      message: `A head needs an integer number of classes in [1, ${MAX_HEAD_CLASSES}].`,
    });
  }
  const lr = config.lr ?? 1e-3;
  // An option given as undefined takes its default.
  const given = Object.fromEntries(Object.entries(config).filter(([, value]) => value !== undefined)) as unknown as FineTuneConfig;
  const resolved = {
    fineTuneEpochs: config.epochs,
    hiddenUnits: [128],
    unfreezeBlocks: config.strategy === 'gradual' ? Infinity : 1,
    epochsPerBlock: 1,
    fineTuneLr: lr / 10,
    layerLrDecay: 1,
    weightDecay: 1e-4,
    decayToPretrained: 0,
    batchSize: 64,
    seed: 0,
    patience: 5,
    cachedFeatures: false,
    cachedAugmentations: 0,
    batchNormPolicy: 'frozen-when-frozen' as BatchNormPolicy,
    callbacks: [] as Callback[],
    ...given,
    lr,
  };
  positiveInteger('config.epochs', resolved.epochs);
  positiveInteger('config.fineTuneEpochs', resolved.fineTuneEpochs);
  positiveInteger('config.batchSize', resolved.batchSize);
  positiveInteger('config.epochsPerBlock', resolved.epochsPerBlock);
  if (resolved.unfreezeBlocks !== Infinity) positiveInteger('config.unfreezeBlocks', resolved.unfreezeBlocks);
  for (const [parameter, value] of [
    ['config.lr', resolved.lr],
    ['config.fineTuneLr', resolved.fineTuneLr],
    ['config.layerLrDecay', resolved.layerLrDecay],
  ] as const) {
    if (!(value > 0 && Number.isFinite(value)))
      throw new InvalidArgumentError({ parameter, value, message: 'Must be a finite number > 0.' });
  }
  if (!(resolved.decayToPretrained >= 0 && Number.isFinite(resolved.decayToPretrained))) {
    throw new InvalidArgumentError({
      parameter: 'config.decayToPretrained',
      value: resolved.decayToPretrained,
      message: 'Must be a finite number >= 0.',
    });
  }
  if (!(resolved.weightDecay >= 0))
    throw new InvalidArgumentError({ parameter: 'config.weightDecay', value: resolved.weightDecay, message: 'Must be >= 0.' });
  if (!Number.isInteger(resolved.patience) || resolved.patience < 0)
    throw new InvalidArgumentError({ parameter: 'config.patience', value: resolved.patience, message: 'Must be an integer >= 0.' });
  if (!Number.isInteger(resolved.cachedAugmentations) || resolved.cachedAugmentations < 0) {
    throw new InvalidArgumentError({
      parameter: 'config.cachedAugmentations',
      value: resolved.cachedAugmentations,
      message: 'Must be an integer >= 0.',
    });
  }
  checkHiddenUnits('config.hiddenUnits', resolved.hiddenUnits); // before any layer is built
  if (resolved.cachedFeatures && resolved.strategy === 'full') {
    throw new InvalidArgumentError({
      parameter: 'config.cachedFeatures',
      value: true,
      message: 'Cached features need a frozen base; the full strategy trains the base from the start.',
    });
  }
  return resolved;
}

type Resolved = ReturnType<typeof resolveFineTuneConfig>;

/** A logger that numbers steps across phases and tags records with the phase. */
function phaseLogger(logger: MetricsLogger | undefined, phase: string, offset: number): MetricsLogger | undefined {
  return logger && { log: (record) => logger.log({ ...record, phase, step: Number(record['step']) + offset }) };
}

/**
 * Fine-tunes `base` on `train` following `config.strategy` (see the file header) and returns the
 * new model with its phases' histories and parameter counts. The new model shares the base's
 * layers: where the base trains, `base`'s weights change too (load it again for another run).
 *
 * @example
 * ```ts
 * const { model: base, metadata } = await loadBase('zoo:mnist-digits-0to4');
 * const { model, parameters } = await fineTune(base, train, {
 *   strategy: 'two-phase', classes: 5, epochs: 5, validation, cutAt: metadata?.featureLayer,
 * });
 * evaluateAccuracy(model, test);
 * ```
 * @category Fine-tuning
 */
export async function fineTune(base: tf.LayersModel, train: TensorDataset, config: FineTuneConfig): Promise<FineTuneResult> {
  const c = resolveFineTuneConfig(config);
  checkInputShape(base, train, 'train');
  if (c.validation) checkInputShape(base, c.validation, 'config.validation');
  if (train.options.classes !== c.classes) {
    throw new InvalidArgumentError({
      parameter: 'config.classes',
      value: c.classes,
      message: `The training data has ${train.options.classes ?? 'no'} classes.`,
    });
  }
  const cutAt = c.cutAt ?? defaultCutLayer(base);
  const model = replaceHead(base, { classes: c.classes, cutAt, hiddenUnits: c.hiddenUnits, pooling: c.pooling, seed: c.seed });
  setBatchNormPolicy(model, c.batchNormPolicy);
  const cutIndex = model.layers.findIndex((l) => l.name === cutAt);
  const headLayers = model.layers.slice(cutIndex + 1);
  const baseBlocks = layerBlocks(model).filter((block) =>
    block.layers.every((name) => model.layers.findIndex((l) => l.name === name) <= cutIndex),
  );
  if ((c.strategy === 'two-phase' || c.strategy === 'gradual') && baseBlocks.length === 0) {
    throw new InvalidArgumentError({
      parameter: 'config.strategy',
      value: c.strategy,
      message: `The base has no layers with weights below ${cutAt} to unfreeze; use 'head' or 'full'.`,
    });
  }
  const phases: FineTunePhase[] = [];
  let stepOffset = 0;

  const runPhase = async (
    name: string,
    target: tf.LayersModel,
    data: TensorDataset,
    validation: TensorDataset | undefined,
    epochs: number,
    extra: Callback[],
    augment?: FitConfig['augment'],
  ) => {
    const parameters = parameterCounts(model);
    const stepsPerEpoch = Math.ceil(data.size / c.batchSize);
    c.onPhase?.({ name, epochs, stepsPerEpoch, parameters });
    const callbacks: Callback[] = [...extra, ...c.callbacks];
    if (validation) callbacks.push(earlyStopping({ monitor: 'valLoss', patience: c.patience, restoreBestWeights: true }));
    if (validation && c.checkpointDir) callbacks.push(bestCheckpoint({ dir: `${c.checkpointDir}/${name}`, monitor: 'valLoss' }));
    const history = await fit(target, data, {
      epochs,
      batchSize: c.batchSize,
      seed: c.seed,
      validation,
      augment,
      callbacks,
      logger: phaseLogger(c.logger, name, stepOffset),
    });
    stepOffset += history.epochs.length * stepsPerEpoch;
    phases.push({ name, parameters, history });
  };

  // Learning rates: the head at lr; trainable base blocks at fineTuneLr, times layerLrDecay per block further down.
  // With decayToPretrained, the base decays toward its pretrained weights (returned as a callback for the phase), not toward zero.
  const baseWeights = new Set(model.layers.slice(0, cutIndex + 1).flatMap((l) => l.weights.map((w) => w.name)));
  const compileWithRates = (target: tf.LayersModel, trainableBlocks: { layers: string[] }[]): Callback[] => {
    const groups = trainableBlocks.map((block, depth) => ({
      layers: block.layers.filter((n) => target.layers.some((l) => l.name === n)),
      lr: c.fineTuneLr * c.layerLrDecay ** depth,
    }));
    const l2sp = c.decayToPretrained > 0;
    const noDecay = (weight: tf.LayerVariable) => isNoDecayWeight(weight) || (l2sp && baseWeights.has(weight.name));
    const optimizer = paramGroupOptimizer(target, {
      lr: c.lr,
      weightDecay: c.weightDecay,
      noDecay,
      groups: groups.filter((g) => g.layers.length > 0),
    });
    const previous = target.optimizer;
    target.compile({ optimizer, loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
    previous?.dispose();
    if (!l2sp) return [];
    const anchors = groups.flatMap((group) =>
      group.layers.flatMap((name) =>
        target
          .getLayer(name)
          .weights.filter((w) => !/moving_(mean|variance)/.test(w.originalName))
          .map((weight) => ({ weight, lr: group.lr })),
      ),
    );
    return anchors.length > 0 ? [decayToPretrained(anchors, { strength: c.decayToPretrained })] : [];
  };
  const topBlocks = (k: number) => baseBlocks.slice(Math.max(0, baseBlocks.length - k)).reverse();

  if (c.strategy === 'full') {
    unfreeze(model, { from: 0 });
    const l2sp = compileWithRates(model, topBlocks(baseBlocks.length));
    await runPhase('full', model, train, c.validation, c.epochs, l2sp, c.augment);
  } else {
    freeze(model, { from: 0, to: cutIndex });
    if (c.cachedFeatures) {
      await trainHeadOnCachedFeatures(model, cutAt, headLayers, train, c, runPhase);
    } else {
      compileWithRates(model, []);
      await runPhase('head', model, train, c.validation, c.epochs, [], c.augment);
    }
    if (c.strategy === 'two-phase') {
      const blocks = topBlocks(Math.min(c.unfreezeBlocks, baseBlocks.length));
      unfreeze(
        model,
        blocks.flatMap((b) => b.layers),
      );
      const l2sp = compileWithRates(model, blocks);
      await runPhase('fine-tune', model, train, c.validation, c.fineTuneEpochs, l2sp, c.augment);
    } else if (c.strategy === 'gradual') {
      const total = Math.min(c.unfreezeBlocks, baseBlocks.length);
      const all = topBlocks(total);
      unfreeze(model, all[0].layers);
      const l2sp = compileWithRates(model, all);
      let unfrozen = 1;
      const unfreezeNext: Callback = {
        onEpochEnd: (epoch) => {
          if ((epoch + 1) % c.epochsPerBlock === 0 && unfrozen < total) unfreeze(model, all[unfrozen++].layers);
          return undefined;
        },
      };
      await runPhase('gradual', model, train, c.validation, c.fineTuneEpochs, [unfreezeNext, ...l2sp], c.augment);
    }
  }
  if (c.strategy === 'head' && c.cachedFeatures) compileWithRates(model, []);
  return { model, phases, parameters: parameterCounts(model) };
}

/** The head phase on cached features: the base runs once (plus once per augmented copy), then only the head trains. */
async function trainHeadOnCachedFeatures(
  model: tf.LayersModel,
  cutAt: string,
  headLayers: tf.layers.Layer[],
  train: TensorDataset,
  c: Resolved,
  runPhase: (
    name: string,
    target: tf.LayersModel,
    data: TensorDataset,
    validation: TensorDataset | undefined,
    epochs: number,
    extra: Callback[],
  ) => Promise<void>,
): Promise<void> {
  const extractor = featureExtractor(model, cutAt);
  const copies = c.augment ? c.cachedAugmentations : 0;
  const total = train.size * (1 + copies) + (c.validation?.size ?? 0);
  let before = 0;
  // Progress over all the passes; each pass reports its own examples done.
  const pass = async (dataset: TensorDataset, augment?: (xs: tf.Tensor, batch: number) => tf.Tensor) => {
    const onProgress = (done: number) => c.onCacheProgress?.({ done: before + done, total });
    const features = await cacheFeatures(extractor, dataset, { batchSize: 256, augment, onProgress });
    before += dataset.size;
    return features;
  };
  const parts = [await pass(train)];
  for (let copy = 1; copy <= copies; copy++) {
    const augment = c.augment!;
    parts.push(await pass(train, (xs, batch) => augment(xs, { epoch: copy, step: copy * 1_000_000 + batch })));
  }
  const features = concatDatasets(parts);
  const validation = c.validation && (await pass(c.validation));
  // The head's layers, already built on the base's features, applied to a feature input: the same weights.
  const input = tf.input({ shape: features.exampleShape });
  const headModel = tf.model({ name: `${model.name}_head`, inputs: input, outputs: applyLayers(input, headLayers) });
  headModel.compile({
    optimizer: paramGroupOptimizer(headModel, { lr: c.lr, weightDecay: c.weightDecay }),
    loss: 'categoricalCrossentropy',
    metrics: ['accuracy'],
  });
  await runPhase('head', headModel, features, validation, c.epochs, []);
  headModel.optimizer.dispose();
  // Releases the head layers' second use; their weights live on in `model`.
  headModel.dispose();
}
