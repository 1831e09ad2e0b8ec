/**
 * A training run in its own process, for the kill-and-resume test (training/fit.spec.ts):
 *   node -r ts-node/register/transpile-only train-child.ts <dir> <epochs> <fresh|resume> <weights.json>
 * Trains a small MLP on 600 MNIST digits with a checkpoint every epoch, then writes its weights.
 */
import { writeFileSync } from 'node:fs';

import * as tf from '@tensorflow/tfjs';

import { initBackend } from '../backend';
import { TensorDataset, loadMnist } from '../data';
import { Adam } from '../optimizers';
import { fit, resumeFit } from '../training';

export function smallMnist(): TensorDataset {
  const { train } = loadMnist();
  return new TensorDataset(train.images.slice(0, 600 * 784), [784], train.labels.slice(0, 600), { classes: 10 });
}

export function smallModel(): tf.LayersModel {
  const model = tf.sequential({
    layers: [
      tf.layers.dense({ inputShape: [784], units: 64, activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }),
      tf.layers.dense({ units: 10, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }),
    ],
  });
  model.compile({ optimizer: new Adam({ learningRate: 1e-3 }), loss: 'categoricalCrossentropy' });
  return model;
}

async function main() {
  const [dir, epochs, mode, out] = process.argv.slice(2);
  tf.env().set('PROD', true);
  await initBackend({ backend: 'wasm', threads: 1 });
  // The kill test asks for a pause after each epoch, so that it can kill the run mid-way on any machine.
  const pause = Number(process.env['BIGMODEL_TEST_EPOCH_PAUSE_MS'] ?? 0);
  const callbacks = pause > 0 ? [{ onEpochEnd: () => new Promise<void>((resolve) => setTimeout(resolve, pause)) }] : [];
  const config = { epochs: Number(epochs), batchSize: 32, seed: 3, checkpoint: { dir }, callbacks };
  const model = mode === 'resume' ? (await resumeFit(dir, smallMnist(), config)).model : smallModel();
  if (mode !== 'resume') await fit(model, smallMnist(), config);
  writeFileSync(out, JSON.stringify(model.getWeights().map((w) => Array.from(w.dataSync()))));
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  });
}
