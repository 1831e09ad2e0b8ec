import * as tf from '@tensorflow/tfjs';

import { InvalidArgumentError, ShapeError } from '../errors';
import { useWasm } from '../testing/backend-comparison';
import { loadMnist } from './mnist';
import { TensorDataset } from './tensor-dataset';

beforeAll(useWasm);

/** 100 examples of shape [2]: example i is [i, -i], label i % 4 (25 per class). */
function toy() {
  const examples = Float32Array.from({ length: 200 }, (_, k) => (k % 2 === 0 ? k / 2 : -(k - 1) / 2));
  const labels = Uint8Array.from({ length: 100 }, (_, i) => i % 4);
  return new TensorDataset(examples, [2], labels, { classes: 4 });
}

describe('TensorDataset', () => {
  it('batches in order with a smaller last batch, or drops it', () => {
    const sizes = [...toy().batches({ batchSize: 32 })].map(({ xs, ys }) => {
      const size = [xs.shape, ys.shape];
      tf.dispose([xs, ys]);
      return size;
    });
    expect(sizes).toEqual([
      [
        [32, 2],
        [32, 4],
      ],
      [
        [32, 2],
        [32, 4],
      ],
      [
        [32, 2],
        [32, 4],
      ],
      [
        [4, 2],
        [4, 4],
      ],
    ]);
    expect([...toy().batches({ batchSize: 32, dropRemainder: true })].map((b) => (tf.dispose([b.xs, b.ys]), 0))).toHaveLength(3);
  });

  it('shuffles reproducibly per seed and epoch, visiting every example once', () => {
    const order = (seed: number, epoch: number) =>
      [...toy().batches({ batchSize: 30, shuffle: true, seed, epoch })].flatMap(({ xs, ys }) => {
        const first = Array.from(xs.slice([0, 0], [-1, 1]).dataSync());
        tf.dispose([xs, ys]);
        return first;
      });
    expect(order(3, 0)).toEqual(order(3, 0));
    expect(order(3, 1)).not.toEqual(order(3, 0));
    expect([...order(3, 1)].sort((a, b) => a - b)).toEqual([...Array(100).keys()]);
  });

  it('keeps labels with their examples and one-hot encodes them', () => {
    for (const { xs, ys } of toy().batches({ batchSize: 16, shuffle: true, seed: 9 })) {
      const ids = xs.slice([0, 0], [-1, 1]).dataSync();
      const classes = tf.argMax(ys, 1).dataSync();
      ids.forEach((id, k) => expect(classes[k]).toBe(id % 4));
      tf.dispose([xs, ys]);
    }
  });

  it('splits with stratification: every part keeps the class proportions, nothing shared', () => {
    const { train, validation, test } = toy().split({ train: 0.6, validation: 0.2, test: 0.2, seed: 1 });
    expect([train.classCounts(), validation.classCounts(), test.classCounts()]).toEqual([
      [15, 15, 15, 15],
      [5, 5, 5, 5],
      [5, 5, 5, 5],
    ]);
    const ids = (d: TensorDataset) => Array.from({ length: d.size }, (_, i) => d.examples[2 * i]);
    const all = [...ids(train), ...ids(validation), ...ids(test)].sort((a, b) => a - b);
    expect(all).toEqual([...Array(100).keys()]);
    expect(toy().split({ train: 0.6, validation: 0.2, test: 0.2, seed: 1 }).test.examples).toEqual(test.examples);
  });

  it('stratifies MNIST: each part within one digit of the full class proportions', () => {
    const { train } = loadMnist();
    const dataset = new TensorDataset(train.images, [28, 28, 1], train.labels, { classes: 10 });
    const full = dataset.classCounts();
    const { validation } = dataset.split({ train: 0.9, validation: 0.1, seed: 4 });
    validation.classCounts().forEach((count, c) => expect(Math.abs(count - full[c] * 0.1)).toBeLessThanOrEqual(1));
  });

  it('rejects bad input with typed errors naming the parameter', () => {
    expect(() => new TensorDataset(new Float32Array(5), [2], new Uint8Array(2), { classes: 2 })).toThrow(ShapeError);
    expect(() => new TensorDataset(new Float32Array(4), [2], new Uint8Array([0, 7]), { classes: 2 })).toThrow(/labels\[1\]: 7/);
    expect(() => toy().split({ train: 0.9, test: 0.2 })).toThrow(InvalidArgumentError);
    expect(() => [...toy().batches({ batchSize: 0 })]).toThrow(/options\.batchSize/);
    const empty = new TensorDataset(new Float32Array(0), [2], new Uint8Array(0), { classes: 2 });
    expect(() => [...empty.batches({ batchSize: 4 })]).toThrow(/dataset is empty/);
  });
});
