/**
 * The epoch loop around {@link GanTrainer}: seeded batch order, checkpoints every N steps, a
 * fixed-noise sample grid per epoch, losses to the metrics log. A run continues exactly from a
 * checkpoint because the batch order of an epoch and every draw of a step derive from (seed,
 * epoch) and (seed, step); its log drops the records after the checkpoint's step, so that it reads
 * as one run. A non-finite loss stops the run with a NumericalError naming the step (nothing of
 * that step is logged or checkpointed), and no checkpoint is written with non-finite weights.
 */
import { join } from 'node:path';

import * as tf from '@tensorflow/tfjs';
import { InvalidArgumentError, NumericalError, type MetricsLogger } from '@bigmodel/core';

import { ganCheckpointState, saveGanCheckpoint } from '../io/gan-checkpoint';
import type { GanData } from './gan-data';
import type { RealBatch } from './gan-step';
import type { GanTrainer } from './gan-trainer';
import { writeSampleGrid } from './sample-grid';
import { readStepLosses, type StepLosses, type StepLossTensors } from './step-losses';
import { STREAMS, streamRandom } from '../internal/random-streams';

/**
 * Options of {@link trainGan}.
 *
 * @category Training
 */
export interface TrainGanOptions {
  /** Train until this many epochs are done in total (a resumed trainer counts its earlier ones). */
  epochs: number;
  /** Run directory: `samples/epoch-<n>.png` and `checkpoint/` go here (default: nothing written). */
  out?: string;
  /** Write a checkpoint every this many steps, and at the end (default 500; needs `out`). */
  checkpointEvery?: number;
  /**
   * Receives `losses/discriminator`, `losses/generator` per step, `charts/*` and `images/samples` per epoch.
   * A resumed trainer (step > 0) first drops the logger's records after its step (`truncateAfter`), which the run redoes.
   */
  logger?: MetricsLogger;
  /**
   * Called for each step once its losses are read (see `readLossesEvery`; awaited if it returns a
   * promise). When `step` is a multiple of `readLossesEvery`, the trainer is still at that step.
   */
  onStep?: (progress: { step: number; totalSteps: number; epoch: number; losses: StepLosses }) => void | Promise<void>;
  /** Stop (after a checkpoint) once this many seconds have passed in this call (default: no limit). */
  timeBudgetSeconds?: number;
  /** Stop (after a checkpoint) once the trainer has done this many steps in total (default: no limit). */
  stopAtStep?: number;
  /**
   * Read the losses back after every step that is a multiple of this, those of all steps since the
   * last read in one asynchronous read (default 10: no host round trip per step on a GPU). Losses
   * are also read at every epoch end, checkpoint and stop. Logging, `onStep` and the non-finite
   * check run when the losses are read, so they lag the training by up to this many steps.
   */
  readLossesEvery?: number;
}

/**
 * What {@link trainGan} returns.
 *
 * @category Training
 */
export interface TrainGanResult {
  /** Steps done in total (generator updates). */
  steps: number;
  /** Epochs completed in total (fractional when stopped mid-epoch). */
  epochs: number;
  /** Steps per epoch for this data and batch size. */
  stepsPerEpoch: number;
  /** Seconds spent in this call. */
  seconds: number;
  /** Path of the last sample grid written, if any. */
  lastGrid?: string;
}

/**
 * Generator updates per epoch: the full batches of one pass, `criticSteps` per update.
 *
 * @category Training
 */
export function stepsPerEpoch(count: number, batchSize: number, criticSteps: number): number {
  return Math.floor(Math.floor(count / batchSize) / criticSteps);
}

function checkData(trainer: GanTrainer, data: GanData): void {
  const { imageShape, kind, classes, batchSize, criticSteps } = trainer.config;
  if (!tf.util.arraysEqual(data.imageShape, imageShape)) {
    throw new InvalidArgumentError({
      parameter: 'data.imageShape',
      value: data.imageShape,
      message: `The GAN is configured for images of shape [${imageShape.join(', ')}].`,
    });
  }
  if (stepsPerEpoch(data.count, batchSize, criticSteps) === 0) {
    throw new InvalidArgumentError({
      parameter: 'data.count',
      value: data.count,
      message: `Need at least batchSize * criticSteps = ${batchSize * criticSteps} images for one step.`,
    });
  }
  if (kind === 'cgan') {
    if (data.labels === undefined)
      throw new InvalidArgumentError({
        parameter: 'data.labels',
        value: undefined,
        message: 'The conditional GAN needs a class for every image.',
      });
    const bad = data.labels.findIndex((l) => l >= classes);
    if (bad >= 0)
      throw new InvalidArgumentError({
        parameter: 'data.labels',
        value: data.labels[bad],
        message: `Labels must be in [0, ${classes - 1}] (classes = ${classes}).`,
      });
  }
}

/** Whether `value` (read from a checkpoint) is an epoch's running loss sums. */
function isEpochLosses(value: unknown, perEpoch: number): value is { discriminator: number; generator: number; count: number } {
  const v = value as { discriminator?: unknown; generator?: unknown; count?: unknown } | null;
  return (
    typeof v === 'object' &&
    v !== null &&
    Number.isFinite(v.discriminator) &&
    Number.isFinite(v.generator) &&
    Number.isInteger(v.count) &&
    (v.count as number) >= 0 &&
    (v.count as number) < perEpoch
  );
}

/** The permutation of the data for `epoch`. */
function epochOrder(seed: number, epoch: number, count: number): Uint32Array {
  const order = Uint32Array.from({ length: count }, (_, i) => i);
  const random = streamRandom(seed, STREAMS.order, epoch);
  for (let i = count - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  return order;
}

function makeBatch(data: GanData, order: Uint32Array, start: number, batchSize: number): RealBatch {
  const [h, w, c] = data.imageShape;
  const size = h * w * c;
  const pixels = new Float32Array(batchSize * size);
  const labels = data.labels ? new Uint8Array(batchSize) : undefined;
  for (let i = 0; i < batchSize; i++) {
    const index = order[start + i];
    pixels.set(data.images.subarray(index * size, (index + 1) * size), i * size);
    if (labels) labels[i] = data.labels![index];
  }
  return { images: tf.tensor4d(pixels, [batchSize, h, w, c]), labels };
}

/**
 * Trains `trainer` on `data` up to `options.epochs` epochs in total, continuing from
 * `trainer.step` (so a trainer loaded from a checkpoint resumes where it stopped).
 *
 * @example
 * ```ts
 * const trainer = GanTrainer.create({ ngf: 32, ndf: 32 }, 0);
 * await trainGan(trainer, mnistGanData(), { epochs: 5, out: 'runs/dcgan', logger: new JsonlLogger('runs/dcgan/metrics.jsonl') });
 * ```
 * @category Training
 */
export async function trainGan(trainer: GanTrainer, data: GanData, options: TrainGanOptions): Promise<TrainGanResult> {
  const { epochs, out, logger, checkpointEvery = 500, readLossesEvery = 10 } = options;
  if (!Number.isInteger(epochs) || epochs <= 0)
    throw new InvalidArgumentError({ parameter: 'epochs', value: epochs, message: 'Must be an integer > 0.' });
  if (!Number.isInteger(checkpointEvery) || checkpointEvery <= 0)
    throw new InvalidArgumentError({ parameter: 'checkpointEvery', value: checkpointEvery, message: 'Must be an integer > 0.' });
  if (!Number.isInteger(readLossesEvery) || readLossesEvery <= 0)
    throw new InvalidArgumentError({ parameter: 'readLossesEvery', value: readLossesEvery, message: 'Must be an integer > 0.' });
  checkData(trainer, data);
  const { batchSize, criticSteps } = trainer.config;
  const perEpoch = stepsPerEpoch(data.count, batchSize, criticSteps);
  const totalSteps = epochs * perEpoch;
  const stopAt = Math.min(totalSteps, options.stopAtStep ?? Infinity);
  const started = performance.now();
  const elapsed = () => (performance.now() - started) / 1000;
  // The epoch's running loss sums go into each checkpoint, so that a resumed epoch's averages are those of an uninterrupted one.
  const checkpoint = async () => {
    if (out !== undefined) await saveGanCheckpoint(trainer, join(out, 'checkpoint'), { epochLosses });
  };
  let lastGrid: string | undefined;
  let order: Uint32Array | undefined;
  let orderEpoch = -1;
  let epochLosses = { discriminator: 0, generator: 0, count: 0 };
  if (trainer.step > 0) {
    // A run resumed from a checkpoint redoes the steps logged after it (before a kill): log them once,
    // and continue the epoch's loss sums from the checkpoint it was loaded from.
    logger?.truncateAfter?.(trainer.step);
    const saved = out === undefined ? undefined : ganCheckpointState(join(out, 'checkpoint'));
    if (saved?.step === trainer.step && isEpochLosses(saved.extra['epochLosses'], perEpoch)) epochLosses = saved.extra['epochLosses'];
  }

  // ---- logging: the losses of the steps since the last read, read back in one asynchronous read
  let pending: { step: number; epoch: number; losses: StepLossTensors }[] = [];
  const readLosses = async () => {
    const steps = pending;
    pending = [];
    let values: StepLosses[];
    try {
      values = await readStepLosses(steps.map((p) => p.losses));
    } catch (error) {
      tf.dispose(steps.flatMap((p) => Object.values(p.losses) as tf.Scalar[]));
      throw error;
    }
    for (const [i, { step, epoch }] of steps.entries()) {
      const losses = values[i];
      // A non-finite loss ends the run, before it is logged or checkpointed.
      for (const [name, value] of Object.entries(losses)) {
        if (value !== undefined && !Number.isFinite(value)) throw new NumericalError({ quantity: `losses/${name}`, value, step });
      }
      epochLosses = {
        discriminator: epochLosses.discriminator + losses.discriminator,
        generator: epochLosses.generator + losses.generator,
        count: epochLosses.count + 1,
      };
      const record: Record<string, number> = { step, 'losses/discriminator': losses.discriminator, 'losses/generator': losses.generator };
      if (losses.gradientPenalty !== undefined) record['losses/gradientPenalty'] = losses.gradientPenalty;
      if (losses.wassersteinDistance !== undefined) record['losses/wassersteinDistance'] = losses.wassersteinDistance;
      logger?.log(record);
      await options.onStep?.({ step, totalSteps, epoch, losses });
    }
  };

  try {
    while (trainer.step < stopAt) {
      // ---- data: this step's batches, in the epoch's seeded order
      const epoch = Math.floor(trainer.step / perEpoch);
      if (epoch !== orderEpoch) {
        order = epochOrder(trainer.seed, epoch, data.count);
        orderEpoch = epoch;
      }
      const first = (trainer.step % perEpoch) * criticSteps;
      const batches = Array.from({ length: criticSteps }, (_, k) => makeBatch(data, order!, (first + k) * batchSize, batchSize));

      // ---- learning (the losses stay on the device until the next read)
      const losses = trainer.trainStepTensors(batches);
      tf.dispose(batches.map((b) => b.images));
      const step = trainer.step;
      pending.push({ step, epoch, losses });

      const epochEnd = step % perEpoch === 0;
      const outOfTime = options.timeBudgetSeconds !== undefined && elapsed() >= options.timeBudgetSeconds;
      const checkpointDue = step % checkpointEvery === 0 || step === stopAt || outOfTime;
      if (epochEnd || checkpointDue || step % readLossesEvery === 0) await readLosses();

      if (epochEnd) {
        const done = step / perEpoch;
        const epochRecord: Record<string, number | string> = {
          epoch: done,
          step,
          'charts/discriminatorLoss': epochLosses.discriminator / epochLosses.count,
          'charts/generatorLoss': epochLosses.generator / epochLosses.count,
        };
        epochLosses = { discriminator: 0, generator: 0, count: 0 };
        if (out !== undefined) {
          const relative = join('samples', `epoch-${done}.png`);
          await writeSampleGrid(trainer, join(out, relative));
          lastGrid = join(out, relative);
          epochRecord['images/samples'] = relative;
        }
        logger?.log(epochRecord);
      }
      if (checkpointDue) await checkpoint();
      if (outOfTime) break;
    }
  } finally {
    tf.dispose(pending.flatMap((p) => Object.values(p.losses) as tf.Scalar[]));
  }
  return { steps: trainer.step, epochs: trainer.step / perEpoch, stepsPerEpoch: perEpoch, seconds: elapsed(), lastGrid };
}
