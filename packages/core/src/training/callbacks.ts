/**
 * Callbacks for {@link fit}: early stopping, best-model checkpoints, the NaN/Inf guard, and
 * learning-rate schedules for optimizers without one built in.
 */
import * as tf from '@tensorflow/tfjs';

import { InvalidArgumentError, NumericalError } from '../errors';
import { saveModel } from '../io';
import type { LearningRateSchedule } from '../optimizers';

/**
 * Metrics of one epoch: `loss` (training), `valLoss` and `valAccuracy` when there is validation data, and any compiled metrics.
 *
 * @category Training
 */
export type EpochLogs = Record<string, number>;

/**
 * What a training loop passes to callbacks about itself.
 *
 * @category Training
 */
export interface TrainingContext {
  /** The model being trained (a LayersModel, or the custom model's variables). */
  readonly model?: tf.LayersModel;
  /** Every variable of the model, trainable or not (batch-norm statistics too), e.g. to restore weights. */
  readonly variables: tf.Variable[];
  /** The optimizer. */
  readonly optimizer: tf.Optimizer;
}

/**
 * Hooks into {@link fit}. Returning `'stop'` from `onEpochEnd` ends training after that epoch.
 *
 * @category Training
 */
export interface Callback {
  onTrainBegin?(context: TrainingContext): void | Promise<void>;
  onBatchBegin?(step: number, context: TrainingContext): void | Promise<void>;
  onBatchEnd?(step: number, logs: { loss: number }, context: TrainingContext): void | Promise<void>;
  onEpochEnd?(epoch: number, logs: EpochLogs, context: TrainingContext): void | 'stop' | Promise<void | 'stop'>;
  onTrainEnd?(context: TrainingContext): void | Promise<void>;
}

/**
 * Stops with a NumericalError naming the step as soon as the training loss is NaN or infinite.
 * {@link fit} adds it unless `nanGuard: false`.
 * @example
 * ```ts
 * await fit(model, data, { epochs: 5, batchSize: 64, nanGuard: false, callbacks: [terminateOnNaN()] });
 * ```
 * @category Training
 */
export function terminateOnNaN(): Callback {
  return {
    onBatchEnd(step, { loss }) {
      if (!Number.isFinite(loss)) throw new NumericalError({ quantity: 'training loss', value: loss, step });
    },
  };
}

function improves(mode: 'min' | 'max', value: number, best: number, minDelta: number): boolean {
  return mode === 'min' ? value < best - minDelta : value > best + minDelta;
}

function modeFor(monitor: string, mode?: 'min' | 'max'): 'min' | 'max' {
  return mode ?? (/acc|f1|precision|recall/i.test(monitor) ? 'max' : 'min');
}

/**
 * Stops when `monitor` (default `valLoss`) has not improved by `minDelta` for `patience` epochs,
 * and optionally restores the best epoch's weights.
 * @example
 * ```ts
 * earlyStopping({ monitor: 'valAccuracy', patience: 3, restoreBestWeights: true });
 * ```
 * @category Training
 */
export function earlyStopping(
  options: { monitor?: string; patience?: number; minDelta?: number; mode?: 'min' | 'max'; restoreBestWeights?: boolean } = {},
): Callback {
  const { monitor = 'valLoss', patience = 0, minDelta = 0, restoreBestWeights = false } = options;
  if (!Number.isInteger(patience) || patience < 0)
    throw new InvalidArgumentError({ parameter: 'options.patience', value: patience, message: 'Must be an integer >= 0.' });
  const mode = modeFor(monitor, options.mode);
  let best = mode === 'min' ? Infinity : -Infinity;
  let wait = 0;
  let bestWeights: tf.Tensor[] | undefined;
  return {
    onTrainBegin() {
      best = mode === 'min' ? Infinity : -Infinity;
      wait = 0;
      tf.dispose(bestWeights ?? []);
      bestWeights = undefined;
    },
    onEpochEnd(_epoch, logs, context) {
      const value = logs[monitor];
      if (value === undefined)
        throw new InvalidArgumentError({
          parameter: 'options.monitor',
          value: monitor,
          message: `Not in the epoch logs (${Object.keys(logs).join(', ')}).`,
        });
      if (improves(mode, value, best, minDelta)) {
        best = value;
        wait = 0;
        if (restoreBestWeights) {
          tf.dispose(bestWeights ?? []);
          bestWeights = context.variables.map((v) => tf.keep(tf.clone(v)));
        }
        return undefined;
      }
      wait++;
      return wait > patience ? 'stop' : undefined;
    },
    onTrainEnd(context) {
      if (bestWeights) {
        context.variables.forEach((v, i) => v.assign(bestWeights![i]));
        tf.dispose(bestWeights);
        bestWeights = undefined;
      }
    },
  };
}

/**
 * Saves the model (with its optimizer state) to `dir` whenever `monitor` improves.
 * @example
 * ```ts
 * bestCheckpoint({ dir: 'runs/cnn/best', monitor: 'valAccuracy' });
 * ```
 * @category Training
 */
export function bestCheckpoint(options: { dir: string; monitor?: string; mode?: 'min' | 'max' }): Callback {
  const { dir, monitor = 'valLoss' } = options;
  const mode = modeFor(monitor, options.mode);
  let best = mode === 'min' ? Infinity : -Infinity;
  return {
    async onEpochEnd(_epoch, logs, context) {
      if (!context.model)
        throw new InvalidArgumentError({ parameter: 'bestCheckpoint', value: dir, message: 'Saving needs a LayersModel.' });
      const value = logs[monitor];
      if (value === undefined)
        throw new InvalidArgumentError({
          parameter: 'options.monitor',
          value: monitor,
          message: `Not in the epoch logs (${Object.keys(logs).join(', ')}).`,
        });
      if (improves(mode, value, best, 0)) {
        best = value;
        await saveModel(context.model, dir, { includeOptimizer: true });
      }
      return undefined;
    },
  };
}

/**
 * Sets the learning rate before every step from `schedule` (for tf.train optimizers, which have a
 * `learningRate` field; bigmodel's optimizers take a schedule as `learningRate` directly).
 * @example
 * ```ts
 * learningRateScheduler(cosineWithWarmup({ peak: 1e-3, warmupSteps: 100, totalSteps: 2000 }));
 * ```
 * @category Training
 */
export function learningRateScheduler(schedule: LearningRateSchedule): Callback {
  return {
    onBatchBegin(step, { optimizer }) {
      const target = optimizer as unknown as { learningRate?: number };
      if (typeof target.learningRate !== 'number') {
        throw new InvalidArgumentError({
          parameter: 'optimizer',
          value: optimizer.getClassName(),
          message: 'Has no learningRate field; give bigmodel optimizers the schedule as learningRate.',
        });
      }
      target.learningRate = schedule.at(step);
    },
  };
}
