/**
 * Fine-tuning a base model on a new classification task, with the recipes Keras' transfer-learning
 * guide, fastai and ULMFiT (Howard & Ruder 2018) teach:
 *
 * - `head`: a new head on the frozen base (optionally on cached features: the base runs once).
 * - `two-phase`: the head first, then the top `unfreezeBlocks` blocks of the base unfrozen and
 *   trained on with the lower `fineTuneLearningRate` (frozen batch-norm statistics stay frozen).
 * - `gradual`: like two-phase, but one more block is unfrozen every `epochsPerBlock` epochs, top down.
 * - `full`: everything trains from the start, the base at `fineTuneLearningRate`, the new head at `learningRate`.
 *
 * Every phase uses core's `fit` with early stopping on the validation loss (best weights
 * restored), weight decay on kernels only (not on biases or normalization parameters), and
 * per-layer-group learning rates (`layerLearningRateDecay`).
 */
import * as tf from '@tensorflow/tfjs';

import {
  bestCheckpoint,
  earlyStopping,
  fit,
  InvalidArgumentError,
  parseConfig,
  TensorDataset,
  withDeprecatedAliases,
  z,
  type Callback,
  type FitConfig,
  type FitHistory,
  type MetricsLogger,
} from '@bigmodel/core';

import { freeze, parameterCounts, setBatchNormPolicy, unfreeze, type ParameterCounts } from '../freeze/freeze';
import { layerBlocks } from '../freeze/select-layers';
import {
  MAX_HEAD_CLASSES,
  MAX_HEAD_LAYERS,
  MAX_HEAD_UNITS,
  applyLayers,
  defaultCutLayer,
  featureExtractor,
  replaceHead,
} from '../head/replace-head';
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

/** An object (not null, not an array). */
const isObject = (value: unknown): value is object => typeof value === 'object' && value !== null && !Array.isArray(value);
/** A function. */
const isFunction = (value: unknown) => typeof value === 'function';

/** The fields of {@link FineTuneConfig}: their rules, defaults and descriptions. */
const fineTuneFields = z.strictObject({
  strategy: z.enum(FINE_TUNE_STRATEGIES).describe('The recipe: head, two-phase, gradual or full (required).'),
  classes: z
    .number()
    .int()
    .min(1)
    .max(MAX_HEAD_CLASSES)
    .describe(`Classes of the new task, an integer in [1, ${MAX_HEAD_CLASSES}] (required).`),
  epochs: z.number().int().min(1).describe('Epochs of the first phase (the head; all of training for full), an integer >= 1 (required).'),
  fineTuneEpochs: z.number().int().min(1).optional().describe('Epochs of the second phase of two-phase and gradual (default epochs).'),
  cutAt: z.string().optional().describe("The layer the new head goes on (default: the zoo's feature layer, else defaultCutLayer)."),
  hiddenUnits: z
    .array(z.number().int().min(1).max(MAX_HEAD_UNITS))
    .max(MAX_HEAD_LAYERS)
    .default([128])
    .describe(`Hidden dense layers of the new head, at most ${MAX_HEAD_LAYERS} sizes in [1, ${MAX_HEAD_UNITS}] (default [128]).`),
  pooling: z.enum(['flatten', 'average']).optional().describe('For a cut with spatial output: flatten it (default) or average it.'),
  unfreezeBlocks: z
    .number()
    .int()
    .min(1)
    .optional()
    .describe(
      'Blocks of the base (from the top) unfrozen in phase two of two-phase (default 1); gradual unfreezes up to this many (default all).',
    ),
  epochsPerBlock: z.number().int().min(1).default(1).describe('gradual: epochs between unfreezing one more block (default 1).'),
  learningRate: z.number().positive().default(1e-3).describe('Learning rate of the head (default 1e-3; `lr` is its deprecated alias).'),
  fineTuneLearningRate: z
    .number()
    .positive()
    .optional()
    .describe('Learning rate of the base when it trains (default learningRate / 10; `fineTuneLr` is its deprecated alias).'),
  layerLearningRateDecay: z
    .number()
    .positive()
    .default(1)
    .describe(
      'Discriminative rates: each base block below the top trainable one gets this factor more ' +
        '(default 1: one rate for the base; `layerLrDecay` is its deprecated alias).',
    ),
  weightDecay: z
    .number()
    .min(0)
    .default(1e-4)
    .describe('AdamW decoupled weight decay, not applied to biases and normalization parameters, >= 0 (default 1e-4).'),
  decayToPretrained: z
    .number()
    .min(0)
    .default(0)
    .describe(
      "L2-SP: when > 0, the base's weights decay toward their pretrained values instead of toward zero, " +
        "by this strength (w -= rate * strength * (w - w0) after every step, rate the weight's own), " +
        'and weightDecay applies to the head only (default 0: off).',
    ),
  batchSize: z.number().int().min(1).default(64).describe('Examples per batch (default 64).'),
  seed: z.number().default(0).describe("Seed of the head's initial weights and the batch order (default 0)."),
  validation: z
    .custom<TensorDataset>((v) => v instanceof TensorDataset, { message: 'Expected a TensorDataset.' })
    .optional()
    .describe('Held-out data for early stopping (strongly advised; without it every epoch runs and the last weights are kept).'),
  patience: z.number().int().min(0).default(5).describe('Early-stopping patience in epochs, on the validation loss (default 5).'),
  cachedFeatures: z
    .boolean()
    .default(false)
    .describe('Train the head on features cached from one pass of the frozen base (default false; head phase only).'),
  cachedAugmentations: z
    .number()
    .int()
    .min(0)
    .default(0)
    .describe('With cachedFeatures and augment: augmented copies of the training set to cache besides the original (default 0).'),
  augment: z
    .custom<NonNullable<FitConfig['augment']>>(isFunction, { message: 'Expected a function (xs, { epoch, step }) => tensor.' })
    .optional()
    .describe("Augmentation of training images, as core's FitConfig.augment (used on cached copies too; default none)."),
  batchNormPolicy: z
    .enum(['frozen-when-frozen', 'always-frozen', 'tfjs'])
    .default('frozen-when-frozen')
    .describe('How batch-norm layers behave: frozen-when-frozen, always-frozen or tfjs (default frozen-when-frozen).'),
  checkpointDir: z
    .string()
    .optional()
    .describe(
      "Save the best model (by validation loss) of each phase to <dir>/<phase> with core's bestCheckpoint (default: no checkpoints).",
    ),
  logger: z
    .custom<MetricsLogger>((v) => isFunction((v as Partial<MetricsLogger> | null)?.log), { message: 'Expected a MetricsLogger.' })
    .optional()
    .describe("Receives every phase's records (steps numbered across phases, phase added; default none)."),
  callbacks: z
    .array(z.custom<Callback>(isObject, { message: 'Expected a Callback.' }))
    .default([])
    .describe('Extra callbacks for every phase, e.g. a progress bar (default none).'),
  onPhase: z
    .custom<(phase: { name: string; epochs: number; stepsPerEpoch: number; parameters: ParameterCounts }) => void>(isFunction)
    .optional()
    .describe('Called when a phase starts, with its name, trainable/frozen counts and the number of steps per epoch.'),
  onCacheProgress: z
    .custom<(progress: { done: number; total: number }) => void>(isFunction)
    .optional()
    .describe(
      'With cachedFeatures: called after each batch the frozen base runs while caching, ' +
        'with the examples done and the total (the training set once per copy, then the validation set).',
    ),
});

/** Deprecated spellings in {@link FineTuneConfig}, kept for one release. */
const FINE_TUNE_ALIASES = { lr: 'learningRate', fineTuneLr: 'fineTuneLearningRate', layerLrDecay: 'layerLearningRateDecay' } as const;

/**
 * The schema of {@link FineTuneConfig}, with its deprecated aliases: each field's rule, default and
 * description, read by core's `parseConfig` and `configJsonSchema`.
 *
 * @category Fine-tuning
 */
export const fineTuneConfigSchema = withDeprecatedAliases(
  fineTuneFields.superRefine(({ cachedFeatures, strategy }, context) => {
    if (cachedFeatures && strategy === 'full') {
      context.addIssue({
        code: 'custom',
        path: ['cachedFeatures'],
        input: true,
        message: 'Cached features need a frozen base; the full strategy trains the base from the start.',
      });
    }
  }),
  FINE_TUNE_ALIASES,
);

/**
 * Configuration of {@link fineTune}, inferred from its schema (the one place its fields are
 * described; docs/schemas/transfer/FineTuneConfig.schema.json lists them with their defaults):
 * `strategy`, `classes` and `epochs` (required); `fineTuneEpochs` (default epochs), `cutAt`,
 * `hiddenUnits` (default [128]), `pooling` (default flatten), `unfreezeBlocks` (default 1; gradual:
 * all), `epochsPerBlock` (default 1), `learningRate` (default 1e-3), `fineTuneLearningRate`
 * (default learningRate / 10), `layerLearningRateDecay` (default 1), `weightDecay` (default 1e-4),
 * `decayToPretrained` (default 0), `batchSize` (default 64), `seed` (default 0), `validation`,
 * `patience` (default 5), `cachedFeatures` (default false), `cachedAugmentations` (default 0),
 * `augment`, `batchNormPolicy` (default frozen-when-frozen), `checkpointDir`, `logger`, `callbacks`,
 * `onPhase`, `onCacheProgress`. Deprecated aliases, accepted for one release (not together with
 * the new name): `lr`, `fineTuneLr`, `layerLrDecay`. Unknown keys are refused with the nearest
 * known one.
 *
 * @category Fine-tuning
 */
export type FineTuneConfig = z.input<typeof fineTuneConfigSchema>;

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
 * Fills the defaults of {@link FineTuneConfig} and validates it; throws InvalidArgumentError naming
 * the option (`FineTuneConfig.classes`) and the value.
 *
 * @category Fine-tuning
 */
export function resolveFineTuneConfig(config: FineTuneConfig) {
  const parsed = parseConfig(fineTuneConfigSchema, config, 'FineTuneConfig');
  return {
    ...parsed,
    fineTuneEpochs: parsed.fineTuneEpochs ?? parsed.epochs,
    unfreezeBlocks: parsed.unfreezeBlocks ?? (parsed.strategy === 'gradual' ? Infinity : 1),
    fineTuneLearningRate: parsed.fineTuneLearningRate ?? parsed.learningRate / 10,
  };
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

  // Learning rates: the head at learningRate; trainable base blocks at fineTuneLearningRate, times
  // layerLearningRateDecay per block further down.
  // With decayToPretrained, the base decays toward its pretrained weights (returned as a callback for the phase), not toward zero.
  const baseWeights = new Set(model.layers.slice(0, cutIndex + 1).flatMap((l) => l.weights.map((w) => w.name)));
  const compileWithRates = (target: tf.LayersModel, trainableBlocks: { layers: string[] }[]): Callback[] => {
    const groups = trainableBlocks.map((block, depth) => ({
      layers: block.layers.filter((n) => target.layers.some((l) => l.name === n)),
      learningRate: c.fineTuneLearningRate * c.layerLearningRateDecay ** depth,
    }));
    const l2sp = c.decayToPretrained > 0;
    const noDecay = (weight: tf.LayerVariable) => isNoDecayWeight(weight) || (l2sp && baseWeights.has(weight.name));
    const optimizer = paramGroupOptimizer(target, {
      learningRate: c.learningRate,
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
          .map((weight) => ({ weight, learningRate: group.learningRate })),
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
    optimizer: paramGroupOptimizer(headModel, { learningRate: c.learningRate, weightDecay: c.weightDecay }),
    loss: 'categoricalCrossentropy',
    metrics: ['accuracy'],
  });
  await runPhase('head', headModel, features, validation, c.epochs, []);
  headModel.optimizer.dispose();
  // Releases the head layers' second use; their weights live on in `model`.
  headModel.dispose();
}
