/**
 * The classic small CNN on CIFAR-10 read from the official binary batches at a path you give:
 * conv 64 3x3, conv 128 3x3, max-pool 2, dropout 0.25, dense 256, dense 10; Adam 1e-3; with
 * random-crop and flip augmentation. Nothing is downloaded (see loadCifar10 for where to get the data).
 *
 *   npx ts-node -T examples/core/cifar10-cnn.ts --data /path/to/cifar-10-batches-bin [--epochs 10]
 */
import { join } from 'node:path';

import * as tf from '@tensorflow/tfjs';
import { Adam, JsonlLogger, fit, initBackend, loadCifar10, mulberry32, randomCrop, randomHorizontalFlip } from '@bigmodel/core';

import { progressBar } from '../progress';

/** The network; its layer shapes are printed by the CLI (32x32x3 -> 32x32x64 -> 32x32x128 -> 16x16x128 -> 256 -> 10). */
export function cifarCnn(seed = 0): tf.Sequential {
  const init = (k: number) => tf.initializers.glorotUniform({ seed: seed * 10 + k });
  return tf.sequential({
    layers: [
      tf.layers.conv2d({
        inputShape: [32, 32, 3],
        filters: 64,
        kernelSize: 3,
        padding: 'same',
        activation: 'relu',
        kernelInitializer: init(1),
      }),
      tf.layers.conv2d({ filters: 128, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: init(2) }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.dropout({ rate: 0.25, seed }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 256, activation: 'relu', kernelInitializer: init(3) }),
      tf.layers.dense({ units: 10, activation: 'softmax', kernelInitializer: init(4) }),
    ],
  });
}

export async function runCifar10Cnn(options: { data: string; epochs?: number; seed?: number; out?: string; progress?: boolean }) {
  const { data, epochs = 10, seed = 0, progress = true } = options;
  const out = options.out ?? join('runs', `${new Date().toISOString().replace(/[:.]/g, '-')}-core-cifar10-cnn`);
  await initBackend();
  const { train, test } = loadCifar10(data);
  const model = cifarCnn(seed);
  model.compile({ optimizer: new Adam({ learningRate: 1e-3 }), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  const bar = progress ? progressBar('cifar10-cnn', epochs * Math.ceil(train.size / 64)) : undefined;
  const history = await fit(model, train, {
    // Randomness from (seed, step): a resumed run would augment exactly as an uninterrupted one.
    augment: (xs, { step }) => {
      const random = mulberry32(seed * 1_000_003 + step);
      return tf.tidy(() => randomHorizontalFlip(randomCrop(xs as tf.Tensor4D, { padding: 4, random }), { random }));
    },
    epochs,
    batchSize: 64,
    seed,
    validation: test,
    logger: new JsonlLogger(join(out, 'metrics.jsonl')),
    callbacks: [{ onBatchEnd: (step, { loss }) => bar?.update(step, `loss ${loss.toFixed(3)}`) }],
  });
  bar?.done();
  const shapes = model.layers.map((l) => `${l.name}: ${JSON.stringify(l.outputShape)}`);
  model.dispose();
  return {
    example: 'core/cifar10-cnn',
    epochs: history.epochs.length,
    testAccuracy: history.epochs[history.epochs.length - 1]['valAccuracy'],
    shapes,
    out,
  };
}

if (require.main === module) {
  const argv = process.argv.slice(2);
  const flag = (name: string) => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : undefined);
  tf.env().set('PROD', true);
  const data = flag('--data');
  if (!data) {
    console.error('Usage: cifar10-cnn.ts --data /path/to/cifar-10-batches-bin [--epochs 10] [--seed 0]');
    process.exit(2);
  }
  runCifar10Cnn({ data, epochs: Number(flag('--epochs') ?? 10), seed: Number(flag('--seed') ?? 0), out: flag('--out') })
    .then((s) => {
      s.shapes.forEach((line) => console.log(line));
      console.log(JSON.stringify(s));
    })
    .catch((error) => {
      console.error(error);
      process.exit(1);
    });
}
