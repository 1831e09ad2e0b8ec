/**
 * Trains the MNIST classifier the metrics use and saves it into the package's classifier/ directory.
 * Reproducible: same seed, same backend, same weights.
 *
 *   BIGMODEL_WASM_THREADS=1 npx ts-node -T packages/gan/scripts/train-classifier.ts [--epochs 20] [--seed 0] [--out packages/gan/classifier]
 */
import { join } from 'node:path';

import * as tf from '@tensorflow/tfjs';
import { JsonlLogger, formatBackendInfo, initBackend } from '@bigmodel/core';

import { progressBar } from '../src/cli/progress';
import { trainMnistClassifier } from '../src/metrics/mnist-classifier';

async function main() {
  const argv = process.argv.slice(2);
  const flag = (name: string, fallback: string) => {
    const at = argv.indexOf(name);
    return at >= 0 ? argv[at + 1] : fallback;
  };
  tf.env().set('PROD', true);
  const info = await initBackend();
  const out = flag('--out', join(__dirname, '..', 'classifier'));
  const epochs = Number(flag('--epochs', '20'));
  const seed = Number(flag('--seed', '0'));
  console.error(`backend ${formatBackendInfo(info)}`);
  let bar: ReturnType<typeof progressBar> | undefined;
  const started = performance.now();
  const { model, testAccuracy } = await trainMnistClassifier({
    epochs,
    seed,
    out,
    logger: new JsonlLogger(flag('--log', join('runs', 'gan-classifier', 'metrics.jsonl'))),
    onStep: (step, total, loss) => (bar ??= progressBar('classifier', total)).update(step, `loss ${loss.toFixed(4)}`),
  });
  bar?.done();
  model.dispose();
  console.log(JSON.stringify({ testAccuracy, epochs, seed, seconds: (performance.now() - started) / 1000, out }));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
