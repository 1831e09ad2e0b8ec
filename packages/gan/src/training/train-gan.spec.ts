import { appendFileSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import * as tf from '@tensorflow/tfjs';
import { JsonlLogger, NumericalError, initBackend, mulberry32 } from '@bigmodel/core';

import { loadGanCheckpoint } from '../io/gan-checkpoint';
import type { GanConfig } from '../models/gan-config';
import { toGanData, type GanData } from './gan-data';
import { GanTrainer } from './gan-trainer';
import { trainGan } from './train-gan';

/** A tiny 8x8 DCGAN: 6 steps per epoch on 48 images. */
const tiny: GanConfig = { kind: 'dcgan', imageShape: [8, 8, 1], nz: 4, ngf: 4, ndf: 4, batchSize: 8 };

function tinyData(count: number): GanData {
  const random = mulberry32(1);
  return toGanData({ data: Float32Array.from({ length: count * 64 }, () => random()), shape: [count, 8, 8, 1] });
}

/** Every file under `dir` with its bytes. */
const filesOf = (dir: string) =>
  Object.fromEntries(
    readdirSync(dir)
      .sort()
      .map((file) => [file, readFileSync(join(dir, file))]),
  );

/** The log's records without their wall-clock time. */
const recordsOf = (path: string) =>
  readFileSync(path, 'utf8')
    .trim()
    .split('\n')
    .map((line) => {
      const { time, ...record } = JSON.parse(line) as Record<string, unknown>;
      expect(typeof time).toBe('number');
      return record;
    });

let dirs: string[] = [];
const temp = () => {
  const dir = mkdtempSync(join(tmpdir(), 'gan-train-'));
  dirs.push(dir);
  return dir;
};

beforeAll(async () => {
  tf.env().set('PROD', true);
  await initBackend({ backend: 'wasm' });
});
afterEach(() => {
  dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true }));
  dirs = [];
});

describe('trainGan reading losses in batches', () => {
  it('logs what per-step reads log (each step its own losses, in order) and keeps no tensor', async () => {
    const logOf = async (readLossesEvery: number) => {
      const out = temp();
      const trainer = GanTrainer.create(tiny, 2);
      const data = tinyData(48);
      await trainGan(trainer, data, { epochs: 2, stopAtStep: 1 }); // creates the optimizers' state
      const before = tf.memory().numTensors;
      const steps: number[] = [];
      await trainGan(trainer, data, {
        epochs: 2,
        stopAtStep: 9,
        readLossesEvery,
        logger: new JsonlLogger(join(out, 'metrics.jsonl')),
        onStep: ({ step }) => void steps.push(step),
      });
      expect(tf.memory().numTensors).toBe(before);
      trainer.dispose();
      return { log: recordsOf(join(out, 'metrics.jsonl')), steps };
    };
    const perStep = await logOf(1);
    const batched = await logOf(4);
    expect(perStep.log.filter((r) => 'losses/generator' in r)).toHaveLength(8);
    expect(batched).toEqual(perStep);
  });
});

describe('trainGan on non-finite numbers', () => {
  /**
   * Trains with a checkpoint every 2 steps, the losses read after every step, and sets a weight to NaN in `onStep` at `poisonAt`;
   * returns the error, the checkpoint files at step 2 and at the end, and the log.
   */
  async function poisoned(poisonAt: number, network: 'generator' | 'discriminator') {
    const out = temp();
    const trainer = GanTrainer.create(tiny, 3);
    const variables = network === 'generator' ? trainer.generatorVariables : trainer.discriminatorVariables;
    let atStep2: Record<string, Buffer> = {};
    const error = await trainGan(trainer, tinyData(48), {
      epochs: 2,
      out,
      checkpointEvery: 2,
      readLossesEvery: 1,
      logger: new JsonlLogger(join(out, 'metrics.jsonl')),
      onStep: ({ step }) => {
        if (step === 3) atStep2 = filesOf(join(out, 'checkpoint')); // written at the end of step 2
        if (step === poisonAt) variables[0].assign(tf.fill(variables[0].shape, NaN));
      },
    }).catch((e: unknown) => e);
    const result = {
      error,
      atStep2,
      atEnd: filesOf(join(out, 'checkpoint')),
      log: recordsOf(join(out, 'metrics.jsonl')),
      stepReached: trainer.step,
    };
    trainer.dispose();
    return result;
  }

  it('stops with a NumericalError naming the step whose loss is NaN, logs nothing of it, and keeps the last checkpoint', async () => {
    // NaN discriminator weights after step 3: step 4's losses are NaN.
    const { error, atStep2, atEnd, log } = await poisoned(3, 'discriminator');
    expect(NumericalError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ quantity: 'losses/discriminator', step: 4 });
    expect(Number.isNaN((error as NumericalError).value)).toBe(true);
    expect(log.map((record) => record['step'])).toEqual([1, 2, 3]);
    expect(JSON.stringify(log)).not.toContain('null');
    expect(JSON.parse(atStep2['manifest.json'].toString('utf8')).counters.step).toBe(2);
    expect(atEnd).toEqual(atStep2);
  });

  it('never writes a checkpoint of non-finite weights: the due checkpoint is refused and the last good one stays', async () => {
    // NaN generator weights right after step 4's losses were read, before its checkpoint.
    const { error, atStep2, atEnd } = await poisoned(4, 'generator');
    expect(NumericalError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ step: 4 });
    expect((error as Error).message).toMatch(/^generator .*\[0\] is NaN at step 4\. No checkpoint was written/);
    expect(JSON.parse(atStep2['manifest.json'].toString('utf8')).counters.step).toBe(2);
    expect(atEnd).toEqual(atStep2);
  });
});

describe('trainGan resumed after a kill', () => {
  it('logs the steps between the last checkpoint and the kill once: the log reads as that of an uninterrupted run', async () => {
    const data = tinyData(48);
    // Uninterrupted: 9 steps (an epoch record at step 6).
    const straightOut = temp();
    const straight = GanTrainer.create(tiny, 5);
    await trainGan(straight, data, {
      epochs: 2,
      out: straightOut,
      checkpointEvery: 4,
      stopAtStep: 9,
      logger: new JsonlLogger(join(straightOut, 'metrics.jsonl')),
    });
    straight.dispose();

    // Killed after logging step 7 (the last checkpoint is step 4), with a line cut short by the kill.
    const out = temp();
    const log = join(out, 'metrics.jsonl');
    const first = GanTrainer.create(tiny, 5);
    const killed = new Error('killed');
    const stopped = await trainGan(first, data, {
      epochs: 2,
      out,
      checkpointEvery: 4,
      logger: new JsonlLogger(log),
      onStep: ({ step }) => {
        if (step === 7) throw killed;
      },
    }).catch((e: unknown) => e);
    expect(stopped).toBe(killed);
    first.dispose();
    appendFileSync(log, '{"time":1,"step":8,"losses/discrim');

    const { trainer } = await loadGanCheckpoint(join(out, 'checkpoint'));
    expect(trainer.step).toBe(4);
    await trainGan(trainer, data, { epochs: 2, out, checkpointEvery: 4, stopAtStep: 9, logger: new JsonlLogger(log) });
    trainer.dispose();
    expect(recordsOf(log)).toEqual(recordsOf(join(straightOut, 'metrics.jsonl')));
  });
});
