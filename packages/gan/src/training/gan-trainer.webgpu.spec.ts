/**
 * GAN training on the webgpu backend (Mesa's llvmpipe in CI) against the cpu backend: a tiny
 * DCGAN's losses over three steps, read back in one asynchronous read, agree within
 * |v - c| <= 1e-4 * max(1, max |c|) (float32 sums in another order); nothing grows after the first
 * step; trainGan runs with its batched loss reads, sample grid and checkpoint, none of which may read
 * synchronously (a GPU tensor cannot be read synchronously in Node).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import * as tf from '@tensorflow/tfjs';
import { initBackend, mulberry32 } from '@bigmodel/core';

import { loadGanCheckpoint } from '../io/gan-checkpoint';
import type { GanConfig } from '../models/gan-config';
import { toGanData } from './gan-data';
import { GanTrainer } from './gan-trainer';
import { readStepLosses, type StepLossTensors } from './step-losses';
import { trainGan } from './train-gan';

const tiny: GanConfig = { kind: 'dcgan', imageShape: [8, 8, 1], nz: 4, ngf: 4, ndf: 4, batchSize: 4 };

/** Four 8x8 images in [-1, 1], the same on every backend. */
function realBatch(): tf.Tensor4D {
  const random = mulberry32(3);
  return tf.tensor4d(
    Float32Array.from({ length: 4 * 64 }, () => random() * 2 - 1),
    [4, 8, 8, 1],
  );
}

/** Three steps on `backend`: the losses (read once, at the end) and the tensor count after each step. */
async function threeSteps(backend: string) {
  tf.setBackend(backend);
  const trainer = GanTrainer.create(tiny, 1);
  const images = realBatch();
  const pending: StepLossTensors[] = [];
  const counts: number[] = [];
  for (let step = 0; step < 3; step++) {
    pending.push(trainer.trainStepTensors([{ images }]));
    counts.push(tf.memory().numTensors - 2 * pending.length); // the losses kept for the read are not growth
  }
  const losses = await readStepLosses(pending);
  images.dispose();
  trainer.dispose();
  return { losses: losses.flatMap((l) => [l.discriminator, l.generator]), counts };
}

let dir: string;
beforeAll(async () => {
  tf.env().set('PROD', true);
  await initBackend({ backend: 'webgpu' });
  dir = mkdtempSync(join(tmpdir(), 'gan-webgpu-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('GanTrainer on webgpu', () => {
  it('trains three DCGAN steps with the losses cpu gives (within 1e-4), read in one read, without growth', async () => {
    const cpu = await threeSteps('cpu');
    const gpu = await threeSteps('webgpu');
    const scale = Math.max(1, ...cpu.losses.map(Math.abs));
    expect(gpu.losses).toHaveLength(6);
    gpu.losses.forEach((value, i) => expect(Math.abs(value - cpu.losses[i]) / scale).toBeLessThanOrEqual(1e-4));
    expect(gpu.counts[2]).toBe(gpu.counts[1]); // the optimizers' slots are made in step 1
  });

  it('trainGan runs on webgpu: losses logged, the sample grid and a checkpoint that loads back with the same weights', async () => {
    tf.setBackend('webgpu');
    const random = mulberry32(5);
    const data = toGanData({ data: Float32Array.from({ length: 8 * 64 }, () => random()), shape: [8, 8, 8, 1] });
    const trainer = GanTrainer.create(tiny, 2);
    const steps: number[] = [];
    await trainGan(trainer, data, {
      epochs: 1,
      out: dir,
      onStep: ({ step, losses }) => void (Number.isFinite(losses.generator) && steps.push(step)),
    });
    expect(steps).toEqual([1, 2]);
    expect(
      readFileSync(join(dir, 'samples', 'epoch-1.png'))
        .subarray(1, 4)
        .toString(),
    ).toBe('PNG');
    expect(existsSync(join(dir, 'checkpoint', 'manifest.json'))).toBe(true);
    const { trainer: loaded } = await loadGanCheckpoint(join(dir, 'checkpoint'));
    expect(loaded.step).toBe(2);
    const weights = async (t: GanTrainer) => Promise.all(t.generator.weights.map(async (w) => Array.from(await w.read().data())));
    expect(await weights(loaded)).toEqual(await weights(trainer));
    loaded.dispose();
    trainer.dispose();
  });
});
