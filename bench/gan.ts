/**
 * GAN step benchmark: one DCGAN step (a discriminator update on a real and a fake batch, then a
 * generator update; batch 64, 28x28x1, nz 100) of @bigmodel/gan's GanTrainer on bigmodel's default
 * backend, against the same DCGAN in PyTorch (bench/pytorch_reference.py --which dcgan, Debian
 * python3-torch, as many threads as ours). At ngf = ndf = 64 the networks are exactly the
 * reference script's; a 32-wide DCGAN (the width of the 30-minute MNIST run) is timed too. Prints
 * ms/step and the ratio ours / PyTorch; nothing is asserted.
 *
 *   npm run bench:gan                       # builds, then: ts-node -T bench/gan.ts [--steps 5] [--warmup 2]
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

import * as tf from '@tensorflow/tfjs';
import { formatBackendInfo, initBackend, integerOption, runMain } from '@bigmodel/core';
import { GanTrainer, type GanKind } from '@bigmodel/gan';

import { benchProgram, countOption, exampleMain } from '../examples/cli';

/** ms per step of a GanTrainer on random real batches in [-1, 1]. */
function timeTrainer(kind: GanKind, width: number, steps: number, warmup: number): number {
  const trainer = GanTrainer.create({ kind, ngf: width, ndf: width }, 0);
  const batches = Array.from({ length: trainer.config.criticSteps }, (_, k) => ({
    images: tf.randomUniform([64, 28, 28, 1], -1, 1, 'float32', k) as tf.Tensor4D,
    labels: Uint8Array.from({ length: 64 }, (_, i) => i % 10),
  }));
  for (let i = 0; i < warmup; i++) trainer.trainStep(batches);
  const start = performance.now();
  for (let i = 0; i < steps; i++) {
    trainer.trainStep(batches);
    process.stderr.write(`\r  ${kind} ngf=ndf=${width}: step ${i + 1}/${steps}`);
  }
  process.stderr.write('\n');
  const ms = (performance.now() - start) / steps;
  tf.dispose(batches.map((b) => b.images));
  trainer.dispose();
  return ms;
}

async function bench({ steps, warmup }: { steps: number; warmup: number }) {
  const info = await initBackend();
  console.log(`bigmodel backend: ${formatBackendInfo(info)}`);
  const ours64 = timeTrainer('dcgan', 64, steps, warmup);
  const ours32 = timeTrainer('dcgan', 32, steps, warmup);
  const child = spawnSync(
    '/usr/bin/python3',
    [
      join(__dirname, 'pytorch_reference.py'),
      '--which',
      'dcgan',
      '--dcgan-steps',
      String(steps),
      '--warmup',
      String(warmup),
      '--threads',
      String(Math.max(1, info.threads)),
    ],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let torch: { torch?: string; threads?: number; dcgan?: { msPerStep: number } } = {};
  try {
    torch = JSON.parse(child.stdout.trim().split('\n').pop() ?? '');
  } catch {
    console.log('PyTorch run failed; install it with apt-get install python3-torch');
  }
  console.log(`dcgan ngf=ndf=64 (the reference networks), ours:   ${ours64.toFixed(0)} ms/step`);
  console.log(`dcgan ngf=ndf=32 (the 30-minute MNIST run), ours:  ${ours32.toFixed(0)} ms/step`);
  if (torch.dcgan) {
    console.log(`dcgan ngf=ndf=64, PyTorch ${torch.torch} (${torch.threads} threads): ${torch.dcgan.msPerStep.toFixed(0)} ms/step`);
    console.log(`dcgan: ours / PyTorch = ${(ours64 / torch.dcgan.msPerStep).toFixed(2)}`);
  }
  console.log(JSON.stringify({ backend: formatBackendInfo(info), steps, ours64, ours32, torch }));
}

export const main = exampleMain(
  () =>
    benchProgram('gan.ts', "A DCGAN step of @bigmodel/gan's GanTrainer against the same DCGAN in PyTorch.")
      .addOption(countOption('--steps <n>', 'timed steps', 5, 10_000))
      .addOption(integerOption('--warmup <n>', 'untimed steps first', { min: 0, max: 10_000 }, 2)),
  bench,
);

if (require.main === module) runMain(main);
