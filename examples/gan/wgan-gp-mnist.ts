/**
 * Trains WGAN-GP (gradient penalty 10, 5 critic steps per generator step, Adam 1e-4 with betas
 * 0.5/0.9) on the 10,000 MNIST digits and scores samples with the package's classifier.
 *
 *   BIGMODEL_WASM_THREADS=1 npx ts-node -T examples/gan/wgan-gp-mnist.ts [--minutes 20] [--epochs 100] [--seed 0] [--out runs/DIR]
 */
import { join } from 'node:path';

import * as tf from '@tensorflow/tfjs';
import { writeFileAtomic } from '@bigmodel/core';
import type { SampleQuality } from '@bigmodel/gan';

import { exampleFlags, scoreExampleGan, trainExampleGan, type GanExampleOptions, type TrainedRun } from './run-gan';

export type WganGpMnistOptions = GanExampleOptions;

export interface WganGpMnistSummary extends TrainedRun {
  example: 'gan/wgan-gp-mnist';
  samples?: SampleQuality;
}

export async function runWganGpMnist(options: WganGpMnistOptions = {}): Promise<WganGpMnistSummary> {
  const { scoreSamples = 1663, seed = 0 } = options;
  const { trainer, ...trained } = await trainExampleGan('wgan-gp-mnist', { kind: 'wgan-gp' }, options, 100);
  const summary: WganGpMnistSummary = { example: 'gan/wgan-gp-mnist', ...trained };
  if (scoreSamples > 0) summary.samples = (await scoreExampleGan(trainer, scoreSamples, seed, false)).samples;
  trainer.dispose();
  writeFileAtomic(join(summary.out, 'summary.json'), `${JSON.stringify(summary, null, 2)}\n`);
  return summary;
}

if (require.main === module) {
  const { flag, number } = exampleFlags(process.argv.slice(2));
  tf.env().set('PROD', true);
  runWganGpMnist({
    epochs: number('--epochs'),
    minutes: number('--minutes'),
    seed: number('--seed'),
    ngf: number('--ngf'),
    ndf: number('--ndf'),
    ema: number('--ema'),
    out: flag('--out'),
  })
    .then((s) => {
      console.log(
        `backend ${s.backend}: ${s.steps} steps (${s.epochs.toFixed(2)} epochs) in ${s.trainSeconds.toFixed(0)} s, ${s.msPerStep.toFixed(0)} ms/step`,
      );
      if (s.samples)
        console.log(
          `classifier score ${s.samples.classifierScore.toFixed(3)}, Frechet distance ${s.samples.frechetDistance.toFixed(3)}, classes ${s.samples.classesCovered}/10`,
        );
      console.log(JSON.stringify(s));
    })
    .catch((error) => {
      console.error(error);
      process.exit(1);
    });
}
