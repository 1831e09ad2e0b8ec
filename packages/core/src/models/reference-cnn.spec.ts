import * as tf from '@tensorflow/tfjs';

import { loadMnist, mnistToTensors } from '../data';
import { useWasm } from '../testing/backend-comparison';
import { createReferenceCnn } from './reference-cnn';

beforeAll(useWasm);

describe('createReferenceCnn', () => {
  it('has the parameter count of the Keras MNIST CNN', () => {
    const model = createReferenceCnn();
    // conv 3*3*1*32+32, conv 3*3*32*64+64, dense 1600*128+128, dense 128*10+10
    expect(model.countParams()).toBe(320 + 18496 + 204928 + 1290);
    expect(model.outputs[0].shape).toEqual([null, 10]);
    model.dispose();
  });

  it('is reproducible from its seed', () => {
    const a = createReferenceCnn({ seed: 3 });
    const b = createReferenceCnn({ seed: 3 });
    const wa = a.getWeights().map((w) => Array.from(w.dataSync()));
    const wb = b.getWeights().map((w) => Array.from(w.dataSync()));
    expect(wa).toEqual(wb);
    a.dispose();
    b.dispose();
  });

  it('trains to the same weights from the same seed (same backend, same numbers)', async () => {
    const { train } = loadMnist();
    const { xs, ys } = mnistToTensors({
      ...train,
      count: 128,
      images: train.images.subarray(0, 128 * 784),
      labels: train.labels.subarray(0, 128),
    });
    const run = async () => {
      const model = createReferenceCnn({ seed: 7 });
      model.compile({ optimizer: tf.train.adam(1e-3), loss: 'categoricalCrossentropy' });
      for (let step = 0; step < 4; step++) {
        const [x, y] = [xs.slice(step * 32, 32), ys.slice(step * 32, 32)];
        await model.trainOnBatch(x, y);
        tf.dispose([x, y]);
      }
      const weights = model.getWeights().map((w) => Array.from(w.dataSync()));
      model.dispose();
      return weights;
    };
    expect(await run()).toEqual(await run());
    tf.dispose([xs, ys]);
  });

  it('learns MNIST on wasm: >= 90% test accuracy after 120 Adam steps of 64, tensors stable', async () => {
    const { train, test } = loadMnist();
    const trainSet = mnistToTensors(train);
    const testSet = mnistToTensors(test);
    const model = createReferenceCnn({ seed: 0 });
    model.compile({ optimizer: tf.train.adam(1e-3), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
    const counts: number[] = [];
    for (let step = 0; step < 120; step++) {
      const start = (step * 64) % (train.count - 64);
      const [x, y] = [trainSet.xs.slice(start, 64), trainSet.ys.slice(start, 64)];
      await model.trainOnBatch(x, y);
      tf.dispose([x, y]);
      if (step >= 1) counts.push(tf.memory().numTensors);
    }
    expect(new Set(counts).size).toBe(1);
    const [, accuracy] = model.evaluate(testSet.xs, testSet.ys, { batchSize: 256 }) as tf.Scalar[];
    expect(accuracy.dataSync()[0]).toBeGreaterThanOrEqual(0.9);
    tf.dispose([trainSet.xs, trainSet.ys, testSet.xs, testSet.ys, accuracy]);
    model.dispose();
  });
});
