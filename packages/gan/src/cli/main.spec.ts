import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import * as tf from '@tensorflow/tfjs';
import { initBackend } from '@bigmodel/core';

import { decodeNpy } from '../io/npy';
import { loadGanCheckpoint } from '../io/gan-checkpoint';
import { main } from './main';

let tmp: string;
let printed: string[];

/** Runs a command line (it must succeed) and returns the JSON of its last printed line. */
async function run(...argv: string[]): Promise<Record<string, unknown>> {
  let out = '';
  let err = '';
  const code = await main(argv, { stdout: { write: (s: string) => (out += s) }, stderr: { write: (s: string) => (err += s) } });
  if (code !== 0) throw new Error(`exit ${code}: ${err}`);
  printed = out.trim().split('\n');
  return JSON.parse(printed[printed.length - 1]) as Record<string, unknown>;
}

beforeAll(async () => {
  tf.env().set('PROD', true);
  await initBackend({ backend: 'wasm' });
  tmp = mkdtempSync(join(tmpdir(), 'gan-cli-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('bigmodel-gan', () => {
  it('trains a tiny averaged DCGAN with translated inputs to a spectrally normalized discriminator and separate learning rates, then samples, interpolates and scores its run', async () => {
    const out = join(tmp, 'run');
    const summary = await run(
      'train',
      'dcgan',
      '--epochs',
      '1',
      '--seed',
      '3',
      '--limit',
      '128',
      '--ngf',
      '4',
      '--ndf',
      '4',
      '--ema',
      '0.9',
      '--translation',
      '0.125',
      '--learning-rate',
      '4e-4',
      '--generator-learning-rate',
      '1e-3',
      '--lr-d', // the deprecated spelling of --discriminator-learning-rate, still accepted
      '1e-4',
      '--beta1',
      '0.6',
      '--beta2',
      '0.99',
      '--d-norm',
      'spectral',
      '--batch-size',
      '32',
      '--out',
      out,
    );
    expect(summary).toMatchObject({ kind: 'dcgan', steps: 4, epochs: 1 }); // 128 digits / batch 32
    expect(existsSync(join(out, 'samples', 'epoch-1.png'))).toBe(true);
    const { trainer } = await loadGanCheckpoint(join(out, 'checkpoint'));
    expect(trainer.config).toMatchObject({
      ngf: 4,
      ndf: 4,
      generatorEma: 0.9,
      discriminatorTranslation: 0.125,
      learningRate: 4e-4,
      generatorLearningRate: 1e-3,
      discriminatorLearningRate: 1e-4,
      beta1: 0.6,
      beta2: 0.99,
      discriminatorNormalization: 'spectral',
      batchSize: 32,
    });
    expect(trainer.step).toBe(4);
    trainer.dispose();

    const npy = join(tmp, 'samples.npy');
    const sampled = await run('sample', out, '--n', '6', '--seed', '1', '--out', join(tmp, 'grid.png'), '--npy', npy);
    expect(sampled).toMatchObject({ n: 6, seed: 1, npy });
    const { data, shape } = decodeNpy(readFileSync(npy), npy);
    expect(shape).toEqual([6, 28, 28, 1]);
    expect(Math.min(...data)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...data)).toBeLessThanOrEqual(1);
    // Sampling is seeded: the same command gives the same images.
    await run('sample', out, '--n', '6', '--seed', '1', '--out', join(tmp, 'grid2.png'), '--npy', join(tmp, 'again.npy'));
    expect(readFileSync(join(tmp, 'again.npy')).equals(readFileSync(npy))).toBe(true);

    expect(await run('interpolate', out, '--out', join(tmp, 'interp.png'), '--rows', '2', '--steps', '3')).toEqual({
      grid: join(tmp, 'interp.png'),
    });
    expect(existsSync(join(tmp, 'interp.png'))).toBe(true);

    const scored = await run('score', npy);
    expect(scored['count']).toBe(6);
    expect(scored['classifierScore']).toBeGreaterThanOrEqual(1);
    expect(scored['classifierScore']).toBeLessThanOrEqual(10);
    expect((scored['real'] as { classifierScore: number }).classifierScore).toBeGreaterThan(9);
  });
});
