import * as tf from '@tensorflow/tfjs';

import { useWasm } from '../testing/backend-comparison';
import {
  accuracy,
  accuracyAsync,
  confusionMatrix,
  confusionMatrixAsync,
  precisionRecallF1,
  topKAccuracy,
  topKAccuracyAsync,
} from './classification-metrics';

beforeAll(useWasm);

// 6 examples, 3 classes. Predicted classes: 0, 2, 1, 1, 0, 2; true: 0, 1, 1, 2, 0, 2.
const labels = [0, 1, 1, 2, 0, 2];
const predictions = () =>
  tf.tensor2d([
    [0.8, 0.1, 0.1],
    [0.1, 0.3, 0.6],
    [0.2, 0.7, 0.1],
    [0.3, 0.5, 0.2],
    [0.6, 0.3, 0.1],
    [0.1, 0.2, 0.7],
  ]);

describe('classification metrics', () => {
  it('accuracy and top-k match a hand count, with index or one-hot labels', () => {
    const p = predictions();
    expect(accuracy(labels, p)).toBeCloseTo(4 / 6, 12);
    const oneHot = tf.oneHot(tf.tensor1d(labels, 'int32'), 3);
    expect(accuracy(oneHot, p)).toBeCloseTo(4 / 6, 12);
    // Top two: ex1 {2, 1} holds its class 1 (hit); ex3 {1, 0} misses its class 2 (lowest score).
    expect(topKAccuracy(labels, p, 2)).toBeCloseTo(5 / 6, 12);
    expect(topKAccuracy(labels, p, 3)).toBe(1);
    tf.dispose([p, oneHot]);
  });

  it('confusion matrix and precision/recall/F1 match scikit-learn definitions (hand-worked)', () => {
    const p = predictions();
    const matrix = confusionMatrix(labels, p);
    expect(matrix).toEqual([
      [2, 0, 0],
      [0, 1, 1],
      [0, 1, 1],
    ]);
    const scores = precisionRecallF1(matrix);
    expect(scores.precision).toEqual([1, 0.5, 0.5]);
    expect(scores.recall).toEqual([1, 0.5, 0.5]);
    expect(scores.f1).toEqual([1, 0.5, 0.5]);
    expect(scores.macro.f1).toBeCloseTo(2 / 3, 12);
    expect(
      precisionRecallF1([
        [0, 0],
        [1, 0],
      ]).precision,
    ).toEqual([0, 0]);
    p.dispose();
  });

  it('reject mismatched label counts and bad k with typed errors', () => {
    const p = predictions();
    expect(() => accuracy([0, 1], p)).toThrow(/labels: expected 6 labels/);
    expect(() => topKAccuracy(labels, p, 4)).toThrow(/Invalid argument for k: 4/);
    p.dispose();
  });

  it('read asynchronously, give the hand-counted values and keep no tensor', async () => {
    const p = predictions();
    const oneHot = tf.tidy(() => tf.oneHot(tf.tensor1d(labels, 'int32'), 3));
    const before = tf.memory().numTensors;
    expect(await accuracyAsync(labels, p)).toBeCloseTo(4 / 6, 12); // hits: examples 0, 2, 4, 5
    expect(await accuracyAsync(oneHot, p)).toBeCloseTo(4 / 6, 12);
    expect(await confusionMatrixAsync(labels, p)).toEqual([
      [2, 0, 0],
      [0, 1, 1],
      [0, 1, 1],
    ]);
    expect(await topKAccuracyAsync(labels, p, 2)).toBeCloseTo(5 / 6, 12);
    await expect(accuracyAsync([0, 1], p)).rejects.toThrow(/labels: expected 6 labels/);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([p, oneHot]);
  });
});
