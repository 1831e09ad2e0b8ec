/**
 * The training loop: epochs of seeded batches from a {@link TensorDataset}, validation, metrics,
 * callbacks, a JSON-lines log, and checkpoints from which a killed run resumes exactly.
 *
 * It trains a compiled LayersModel (through `trainOnBatch`), or a custom model given as variables,
 * a forward function, a loss and an optimizer. Each epoch's batch order is a function of
 * (seed, epoch), so a run resumed at epoch e sees the same batches as an uninterrupted one.
 * Callbacks keep their own state (early stopping's best value, say) only within one call.
 */
import * as tf from '@tensorflow/tfjs';
import { z } from 'zod';

import { parseConfig } from '../config';
import { InvalidArgumentError, NumericalError, ShapeError } from '../errors';
import type { LoadModelOptions } from '../io';

import { precisionRecallF1 } from '../metrics';
import { StreamDataset, TensorDataset, type Batch } from '../data';
import { terminateOnNaN, type Callback, type EpochLogs, type TrainingContext } from './callbacks';
import { BigModelOptimizer } from '../optimizers';
import type { MetricsLogger } from './jsonl-logger';
import { readFitCheckpoint, writeFitCheckpoint } from './fit-checkpoint';

/**
 * A model without tf.layers: its variables, a forward pass, a loss and an optimizer.
 *
 * @category Training
 */
export interface CustomModel {
  variables: tf.Variable[];
  forward(xs: tf.Tensor, training: boolean): tf.Tensor;
  loss(ys: tf.Tensor, predictions: tf.Tensor): tf.Scalar;
  optimizer: tf.Optimizer;
}

/** An object (not null, not an array). */
const isObject = (value: unknown): value is object => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The schema of {@link FitConfig}: each field's rule, default and description (`.describe()`), read by
 * {@link parseConfig} and {@link configJsonSchema}.
 *
 * @category Training
 */
export const fitConfigSchema = z.strictObject({
  epochs: z.number().int().min(1).describe('Epochs to train (an integer >= 1); with a resumed run, the total including those done.'),
  batchSize: z.number().int().min(1).describe('Examples per batch (an integer >= 1).'),
  shuffle: z.boolean().default(true).describe('Shuffle each epoch with a seeded order (default true).'),
  seed: z.number().default(0).describe('Seed of the batch order (default 0).'),
  validation: z
    .custom<TensorDataset | StreamDataset>((v) => v instanceof TensorDataset || v instanceof StreamDataset, {
      message: 'Expected a TensorDataset or a StreamDataset.',
    })
    .optional()
    .describe('Held-out data evaluated after every epoch (adds valLoss, and valAccuracy and valMacroF1 for classes; default none).'),
  shuffleBuffer: z.number().int().min(1).optional().describe('For a StreamDataset: the shuffle buffer when shuffle is on (default 1024).'),
  prefetch: z.number().int().min(0).optional().describe('For a StreamDataset: batches assembled ahead (default 2).'),
  callbacks: z
    .array(z.custom<Callback>(isObject, { message: 'Expected a Callback (an object with onEpochEnd, ...).' }))
    .default([])
    .describe('Callbacks, run in order (default none).'),
  logger: z
    .custom<MetricsLogger>((v) => typeof (v as Partial<MetricsLogger> | null)?.log === 'function', {
      message: 'Expected a MetricsLogger (an object with log(record)).',
    })
    .optional()
    .describe(
      'Receives a record per step (losses/train) and per epoch (charts/...); ' +
        "a resumed run first drops its records after the checkpoint's step (default none).",
    ),
  nanGuard: z.boolean().default(true).describe('Stop with a NumericalError naming the step when the loss becomes NaN/Inf (default true).'),
  checkpoint: z
    .strictObject({
      dir: z.string().min(1).describe('Directory of the checkpoints.'),
      everyEpochs: z.number().int().min(1).default(1).describe('Save every this many epochs (default 1).'),
    })
    .optional()
    .describe(
      'Save a resumable checkpoint (model, optimizer state, epoch) in dir every everyEpochs epochs ' +
        '(LayersModel only; default none). Weights holding a NaN or an infinity are never saved: ' +
        'training stops with a NumericalError and the last good checkpoint stays.',
    ),
  augment: z
    .custom<(xs: tf.Tensor, position: { epoch: number; step: number }) => tf.Tensor>((v) => typeof v === 'function', {
      message: 'Expected a function (xs, { epoch, step }) => tensor.',
    })
    .optional()
    .describe(
      'Applied to every training batch before the step (augmentation), not to validation data; ' +
        'draw its randomness from step and a resumed run augments exactly as an uninterrupted one (default none).',
    ),
  initialEpoch: z.number().int().min(0).default(0).describe('Epochs already done (set by resumeFit; default 0).'),
  initialStep: z
    .number()
    .int()
    .min(0)
    .optional()
    .describe('Steps already done (set by resumeFit; default: initialEpoch full epochs of an in-memory dataset).'),
  initialHistory: z
    .array(z.custom<EpochLogs>(isObject))
    .optional()
    .describe('Logs of the epochs already done (set by resumeFit), kept in later checkpoints.'),
});

/**
 * Configuration of {@link fit}, inferred from its schema (the one place its fields are described):
 * `epochs` and `batchSize` (integers >= 1, required), `shuffle` (default true), `seed` (default 0),
 * `validation` (a dataset evaluated after every epoch), `shuffleBuffer` (default 1024) and
 * `prefetch` (default 2) for a StreamDataset, `callbacks` (default none), `logger`, `nanGuard`
 * (default true), `checkpoint: { dir, everyEpochs = 1 }` (LayersModel only), `augment`
 * (`(xs, { epoch, step }) => xs`, training batches only), and `initialEpoch`, `initialStep`,
 * `initialHistory` (set by {@link resumeFit}). Unknown keys are refused with the nearest known one.
 *
 * @category Training
 */
export type FitConfig = z.input<typeof fitConfigSchema>;

/**
 * What {@link fit} returns: each epoch's logs.
 *
 * @category Training
 */
export interface FitHistory {
  epochs: EpochLogs[];
  /** True when a callback stopped training early. */
  stopped: boolean;
}

function isLayersModel(target: tf.LayersModel | CustomModel): target is tf.LayersModel {
  return target instanceof tf.LayersModel;
}

type Data = TensorDataset | StreamDataset;

/** The batches of one pass over `data`. */
function batchesOf(
  data: Data,
  config: { batchSize: number; shuffle?: boolean; seed?: number; epoch?: number; shuffleBuffer?: number; prefetch?: number },
): Iterable<Batch> | AsyncIterable<Batch> {
  const { batchSize, shuffle = false, seed = 0, epoch = 0, shuffleBuffer = 1024, prefetch = 2 } = config;
  return data instanceof TensorDataset
    ? data.batches({ batchSize, shuffle, seed, epoch })
    : data.batches({ batchSize, shuffleBuffer: shuffle ? shuffleBuffer : 0, seed, epoch, prefetch });
}

/** Validates `config` (InvalidArgumentError naming `FitConfig.<field>`) and fills its defaults. */
function resolveFitConfig(config: FitConfig, data: Data) {
  const resolved = parseConfig(fitConfigSchema, config, 'FitConfig');
  if (data instanceof TensorDataset && data.size === 0)
    throw new InvalidArgumentError({ parameter: 'data', value: 0, message: 'The training dataset is empty.' });
  return { ...resolved, everyEpochs: resolved.checkpoint?.everyEpochs ?? 1 };
}

/** One optimizer step on a batch; returns the loss (and the compiled metrics of a LayersModel). */
async function trainStep(target: tf.LayersModel | CustomModel, xs: tf.Tensor, ys: tf.Tensor): Promise<{ loss: number; metrics: number[] }> {
  if (isLayersModel(target)) {
    const out = await target.trainOnBatch(xs, ys);
    const values = Array.isArray(out) ? out : [out];
    return { loss: values[0], metrics: values.slice(1) };
  }
  const loss = target.optimizer.minimize(() => target.loss(ys, target.forward(xs, true)), true, target.variables)!;
  // Read asynchronously: a GPU backend (webgpu) cannot read synchronously in Node.
  const value = (await loss.data().finally(() => loss.dispose()))[0];
  return { loss: value, metrics: [] };
}

/** Loss (and accuracy and macro F1, for classes) of `target` on `data`, batch by batch. */
async function evaluate(target: tf.LayersModel | CustomModel, data: Data, batchSize: number): Promise<EpochLogs> {
  let lossSum = 0;
  let seen = 0;
  const classes = data.options.classes;
  const confusion = classes === undefined ? undefined : Array.from({ length: classes }, () => new Array<number>(classes).fill(0));
  for await (const { xs, ys } of batchesOf(data, { batchSize })) {
    // Computed on the device, then read back in one asynchronous round (no dataSync: see trainStep).
    const [loss, truth, guess] = tf.tidy(() => {
      const predictions = isLayersModel(target) ? (target.predict(xs) as tf.Tensor) : target.forward(xs, false);
      // tfjs-layers keeps a compiled model's loss function to itself, so its loss comes from evaluate
      // (a second forward pass for LayersModels).
      let loss: tf.Scalar;
      if (isLayersModel(target)) {
        const out = target.evaluate(xs, ys, { batchSize: xs.shape[0] }) as tf.Scalar | tf.Scalar[];
        loss = Array.isArray(out) ? out[0] : out;
      } else {
        loss = target.loss(ys, predictions);
      }
      if (!confusion) return [loss];
      if (predictions.rank !== 2) {
        throw new ShapeError({ parameter: 'predictions', expected: '[n, classes] scores', actual: predictions.shape });
      }
      return [loss, ys.rank === 2 ? tf.argMax(ys, 1) : ys.toInt(), tf.argMax(predictions, 1)];
    });
    try {
      const [lossValue, truthValues, guessValues] = await Promise.all([loss, truth, guess].map((t) => t?.data()));
      lossSum += lossValue![0] * xs.shape[0];
      seen += xs.shape[0];
      if (confusion) countConfusion(confusion, truthValues!, guessValues!);
    } finally {
      tf.dispose([xs, ys, loss, ...(truth ? [truth, guess!] : [])]);
    }
  }
  if (seen === 0) throw new InvalidArgumentError({ parameter: 'config.validation', value: 0, message: 'The validation dataset is empty.' });
  const logs: EpochLogs = { valLoss: lossSum / seen };
  if (confusion) {
    logs['valAccuracy'] = confusion.reduce((sum, row, c) => sum + row[c], 0) / seen;
    logs['valMacroF1'] = precisionRecallF1(confusion).macro.f1;
  }
  return logs;
}

/** Adds each (true, predicted) class pair to `confusion` (`confusion[t][p]`), refusing labels outside the classes. */
function countConfusion(confusion: number[][], truth: ArrayLike<number>, guess: ArrayLike<number>): void {
  const classes = confusion.length;
  if (truth.length !== guess.length) {
    throw new ShapeError({ parameter: 'labels', expected: `${guess.length} labels (one per prediction)`, actual: [truth.length] });
  }
  for (let i = 0; i < truth.length; i++) {
    if (truth[i] < 0 || truth[i] >= classes) {
      throw new InvalidArgumentError({ parameter: `labels[${i}]`, value: truth[i], message: `Classes are 0-${classes - 1}.` });
    }
    confusion[truth[i]][guess[i]]++;
  }
}

/** The learning rate of `step`, when the optimizer has one to tell (bigmodel's schedules, or tf.train's field). */
function learningRateOf(optimizer: tf.Optimizer, step: number): number | undefined {
  // tf.Optimizer's Symbol.hasInstance makes every optimizer an `instanceof BigModelOptimizer`; look at the method.
  const method = (optimizer as Partial<BigModelOptimizer>).learningRate;
  if (typeof method === 'function') return method.call(optimizer, step);
  const field = (optimizer as unknown as { learningRate?: unknown }).learningRate;
  return typeof field === 'number' ? field : undefined;
}

/**
 * Throws a NumericalError naming the first weight of `model` that holds a NaN or an infinity (at
 * `step`). Checked on the device and read back asynchronously (a GPU backend cannot read synchronously).
 */
async function checkFiniteWeights(model: tf.LayersModel, step: number): Promise<void> {
  const weights = model.weights.filter((weight) => weight.dtype === 'float32');
  if (weights.length === 0) return;
  const finite = tf.tidy(() => tf.stack(weights.map((weight) => tf.all(tf.isFinite(weight.read())).toFloat())));
  const flags = await finite.data();
  finite.dispose();
  const first = flags.findIndex((flag) => flag === 0);
  if (first < 0) return;
  const values = await weights[first].read().data();
  const bad = values.findIndex((value) => !Number.isFinite(value));
  throw new NumericalError({
    quantity: `weight ${weights[first].name}[${bad}]`,
    value: values[bad],
    step,
    hint:
      'No checkpoint was written (the last good one is kept). ' +
      'Lower the learning rate, clip gradients, or check the inputs for NaN/Inf.',
  });
}

/**
 * Trains `target` on `data` for `config.epochs` epochs; see the file header.
 *
 * @example
 * ```ts
 * const model = createReferenceCnn({ seed: 0 });
 * model.compile({ optimizer: new Adam({ learningRate: 1e-3 }), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
 * const history = await fit(model, train, {
 *   epochs: 5, batchSize: 64, seed: 1, validation,
 *   callbacks: [earlyStopping({ monitor: 'valAccuracy', patience: 2 })],
 *   logger: new JsonlLogger('runs/cnn/metrics.jsonl'),
 *   checkpoint: { dir: 'runs/cnn/checkpoint' },
 * });
 * ```
 * @category Training
 */
export async function fit(
  target: tf.LayersModel | CustomModel,
  data: TensorDataset | StreamDataset,
  config: FitConfig,
): Promise<FitHistory> {
  const resolved = resolveFitConfig(config, data);
  if (isLayersModel(target) && !target.optimizer) {
    throw new InvalidArgumentError({
      parameter: 'model',
      value: target.name,
      message: 'Compile the model (optimizer and loss) before fit.',
    });
  }
  if (resolved.checkpoint && !isLayersModel(target)) {
    throw new InvalidArgumentError({
      parameter: 'config.checkpoint',
      value: resolved.checkpoint.dir,
      message: 'Checkpoints need a LayersModel.',
    });
  }
  const callbacks = [...(resolved.nanGuard ? [terminateOnNaN()] : []), ...resolved.callbacks];
  const context: TrainingContext = isLayersModel(target)
    ? { model: target, variables: target.weights.map((w) => w.read() as tf.Variable), optimizer: target.optimizer }
    : { variables: target.variables, optimizer: target.optimizer };
  const metricNames = isLayersModel(target) ? target.metricsNames.slice(1) : [];
  const history: FitHistory = { epochs: [], stopped: false };
  let step =
    resolved.initialStep ?? (data instanceof TensorDataset ? resolved.initialEpoch * Math.ceil(data.size / resolved.batchSize) : 0);

  // A resumed run redoes the steps logged after its checkpoint (before a kill): log them once.
  if (resolved.initialEpoch > 0 || resolved.initialStep !== undefined) resolved.logger?.truncateAfter?.(step);
  for (const callback of callbacks) await callback.onTrainBegin?.(context);
  for (let epoch = resolved.initialEpoch; epoch < resolved.epochs; epoch++) {
    let lossSum = 0;
    let seen = 0;
    const metricSums = metricNames.map(() => 0);
    for await (const { xs, ys } of batchesOf(data, { ...resolved, epoch })) {
      step++;
      try {
        for (const callback of callbacks) await callback.onBatchBegin?.(step, context);
        const input = resolved.augment ? resolved.augment(xs, { epoch, step }) : xs;
        const { loss, metrics } = await trainStep(target, input, ys).finally(() => input !== xs && input.dispose());
        lossSum += loss * xs.shape[0];
        metrics.forEach((m, i) => (metricSums[i] += m * xs.shape[0]));
        seen += xs.shape[0];
        const lr = learningRateOf(context.optimizer, step);
        resolved.logger?.log({ step, epoch, 'losses/train': loss, ...(lr === undefined ? {} : { 'schedule/learningRate': lr }) });
        for (const callback of callbacks) await callback.onBatchEnd?.(step, { loss }, context);
      } finally {
        tf.dispose([xs, ys]);
      }
    }
    if (seen === 0) throw new InvalidArgumentError({ parameter: 'data', value: 0, message: 'The training dataset is empty.' });
    const logs: EpochLogs = { loss: lossSum / seen };
    metricNames.forEach((name, i) => (logs[name] = metricSums[i] / seen));
    if (resolved.validation) Object.assign(logs, await evaluate(target, resolved.validation, resolved.batchSize));
    history.epochs.push(logs);
    resolved.logger?.log({ step, epoch, ...Object.fromEntries(Object.entries(logs).map(([k, v]) => [`charts/${k}`, v])) });
    if (resolved.checkpoint && (epoch + 1) % resolved.everyEpochs === 0) {
      const whole = [...(resolved.initialHistory ?? []), ...history.epochs];
      // A checkpoint with NaN weights would replace the last good one: refuse it.
      await checkFiniteWeights(target as tf.LayersModel, step);
      await writeFitCheckpoint(resolved.checkpoint.dir, target as tf.LayersModel, {
        epoch: epoch + 1,
        step,
        seed: resolved.seed,
        history: whole,
      });
    }
    let stop = false;
    for (const callback of callbacks) stop = (await callback.onEpochEnd?.(epoch, logs, context)) === 'stop' || stop;
    if (stop) {
      history.stopped = true;
      break;
    }
  }
  for (const callback of callbacks) await callback.onTrainEnd?.(context);
  return history;
}

/**
 * Continues a run that {@link fit} checkpointed in `dir` (model, optimizer state and epoch), with
 * the same batches an uninterrupted run would have seen. Returns the loaded model and the history
 * of the whole run. A model compiled with a loss function needs `config.loss` (and `metrics`)
 * again, as tfjs saves loss names only.
 *
 * @example
 * ```ts
 * const { model, history } = await resumeFit('runs/cnn/checkpoint', train, { epochs: 10, batchSize: 64, seed: 1 });
 * ```
 * @category Training
 */
export async function resumeFit(
  dir: string,
  data: TensorDataset | StreamDataset,
  config: FitConfig & LoadModelOptions,
): Promise<{ model: tf.LayersModel; history: FitHistory }> {
  const state = await readFitCheckpoint(dir, { loss: config.loss, metrics: config.metrics });
  const { model } = state;
  if (config.seed !== undefined && config.seed !== state.seed) {
    model.dispose();
    throw new InvalidArgumentError({
      parameter: 'config.seed',
      value: config.seed,
      message: `The checkpoint was made with seed ${state.seed}; resume with the same seed.`,
    });
  }
  const { loss: _loss, metrics: _metrics, ...fitConfig } = config;
  const rest = await fit(model, data, {
    ...fitConfig,
    seed: state.seed,
    initialEpoch: state.epoch,
    initialStep: state.step,
    initialHistory: state.history,
    checkpoint: config.checkpoint ?? { dir },
  });
  return { model, history: { epochs: [...state.history, ...rest.epochs], stopped: rest.stopped } };
}
