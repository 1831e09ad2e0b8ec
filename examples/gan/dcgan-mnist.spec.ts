import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import * as tf from '@tensorflow/tfjs';

import { runDcganMnist } from './dcgan-mnist';

describe('examples/gan/dcgan-mnist', () => {
  it('trains for a tiny budget, writes grids, losses and a checkpoint, scores samples, and resumes', async () => {
    tf.env().set('PROD', true);
    const out = join(mkdtempSync(join(tmpdir(), 'bigmodel-example-')), 'run');
    const summary = await runDcganMnist({ epochs: 1, limit: 128, ngf: 8, ndf: 8, scoreSamples: 100, out, progress: false });
    expect(summary.steps).toBe(2); // 128 digits, batch 64
    expect(existsSync(join(out, 'samples', 'epoch-1.png'))).toBe(true);
    expect(existsSync(summary.interpolation)).toBe(true);
    expect(existsSync(join(out, 'checkpoint', 'manifest.json'))).toBe(true);
    const lines = readFileSync(join(out, 'metrics.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines[0]).toEqual(
      expect.objectContaining({ step: 1, 'losses/discriminator': expect.any(Number), 'losses/generator': expect.any(Number) }),
    );
    expect(lines[2]).toEqual(expect.objectContaining({ epoch: 1, 'images/samples': join('samples', 'epoch-1.png') }));
    // Untrained samples score near 1 (one class); real digits score near 10 and are all classes.
    expect(summary.samples!.classifierScore).toBeGreaterThanOrEqual(1);
    expect(summary.samples!.classifierScore).toBeLessThan(summary.real!.classifierScore);
    expect(summary.real!.classifierScore).toBeGreaterThan(9);
    expect(summary.real!.classesCovered).toBe(10);
    expect(summary.real!.frechetDistance).toBeLessThan(summary.samples!.frechetDistance);
    const resumed = await runDcganMnist({ epochs: 2, limit: 128, ngf: 8, ndf: 8, scoreSamples: 0, out, progress: false });
    expect(resumed.steps).toBe(4);
  });

  it('passes the optimizer and discriminator options on, and scores the average and the generator itself every scoreEvery steps, into the summary and the dashboard log (batch 32: 4 steps per epoch of 128 digits)', async () => {
    tf.env().set('PROD', true);
    const out = join(mkdtempSync(join(tmpdir(), 'bigmodel-example-')), 'run');
    const summary = await runDcganMnist({
      epochs: 1,
      limit: 128,
      ngf: 8,
      ndf: 8,
      learningRate: 4e-4,
      generatorLearningRate: 1e-3,
      discriminatorLearningRate: 1e-4,
      beta2: 0.99,
      dNorm: 'spectral',
      pack: 2,
      mbstd: 4,
      batchSize: 32,
      ema: 0.9,
      scoreEvery: 2,
      scoreSamples: 50,
      out,
      progress: false,
    });
    expect(summary.scores.map((s) => s.step)).toEqual([2, 4]);
    const { config } = JSON.parse(readFileSync(join(out, 'checkpoint', 'manifest.json'), 'utf8'));
    expect(config).toEqual(
      expect.objectContaining({
        generatorLearningRate: 1e-3,
        discriminatorLearningRate: 1e-4,
        beta2: 0.99,
        discriminatorNormalization: 'spectral',
        discriminatorPacking: 2,
        minibatchStddev: 4,
      }),
    );
    for (const { samples, generator } of summary.scores) {
      expect(samples.count).toBe(50);
      expect(generator!.count).toBe(50);
      // After a step or two the average still differs from the generator, so do their samples' features.
      expect(samples.frechetDistance).not.toBe(generator!.frechetDistance);
    }
    const charts = readFileSync(join(out, 'metrics.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l))
      .filter((l) => 'charts/classifierScore' in l);
    expect(charts).toEqual([
      expect.objectContaining({
        step: 2,
        epoch: 0.5,
        'charts/classifierScore': summary.scores[0].samples.classifierScore,
        'charts/generator/classifierScore': summary.scores[0].generator!.classifierScore,
      }),
      expect.objectContaining({ step: 4, epoch: 1, 'charts/classifierScore': summary.scores[1].samples.classifierScore }),
    ]);
  });
});
