/**
 * Classification metrics from labels and predictions. Labels may be class indices `[n]` or one-hot
 * `[n, classes]`; predictions are scores `[n, classes]` (probabilities or logits; the arg-max is
 * the predicted class).
 */
import * as tf from '@tensorflow/tfjs';

import { InvalidArgumentError, ShapeError } from '../errors';

/** Labels as a tensor of class indices `[n]` (the caller disposes it; `owned` says whether it is a new tensor). */
function labelTensor(labels: tf.Tensor | ArrayLike<number>): { indices: tf.Tensor; owned: boolean } {
  if (!(labels instanceof tf.Tensor)) return { indices: tf.tidy(() => tf.tensor(Array.from(labels)).toInt()), owned: true };
  if (labels.rank === 2) return { indices: tf.tidy(() => tf.argMax(labels, 1)), owned: true };
  const indices = labels.toInt();
  return { indices, owned: indices !== labels };
}

function checkLabelCount(labels: tf.Tensor | ArrayLike<number>, count: number, n: number): void {
  if (count !== n) {
    const actual = labels instanceof tf.Tensor ? labels.shape : [labels.length];
    throw new ShapeError({ parameter: 'labels', expected: `${n} labels (one per prediction)`, actual });
  }
}

/** Reads the label indices and `tensor` (computed from the scores) synchronously or asynchronously. */
function readBoth(labels: tf.Tensor | ArrayLike<number>, n: number, compute: () => tf.Tensor, sync: true): [Int32Array, Int32Array];
function readBoth(
  labels: tf.Tensor | ArrayLike<number>,
  n: number,
  compute: () => tf.Tensor,
  sync: false,
): Promise<[Int32Array, Int32Array]>;
function readBoth(
  labels: tf.Tensor | ArrayLike<number>,
  n: number,
  compute: () => tf.Tensor,
  sync: boolean,
): [Int32Array, Int32Array] | Promise<[Int32Array, Int32Array]> {
  const { indices, owned } = labelTensor(labels);
  let computed: tf.Tensor | undefined;
  const release = () => {
    if (owned) indices.dispose();
    computed?.dispose();
  };
  try {
    computed = tf.tidy(compute);
  } catch (error) {
    release();
    throw error;
  }
  const finish = (truth: ArrayLike<number>, values: ArrayLike<number>): [Int32Array, Int32Array] => {
    checkLabelCount(labels, truth.length, n);
    return [Int32Array.from(truth), Int32Array.from(values)];
  };
  if (sync) {
    try {
      return finish(indices.dataSync(), computed.dataSync());
    } finally {
      release();
    }
  }
  return Promise.all([indices.data(), computed.data()])
    .then(([truth, values]) => finish(truth, values))
    .finally(release);
}

function scores(predictions: tf.Tensor): tf.Tensor2D {
  if (predictions.rank !== 2)
    throw new ShapeError({ parameter: 'predictions', expected: '[n, classes] scores', actual: predictions.shape });
  return predictions as tf.Tensor2D;
}

function checkK(p: tf.Tensor2D, k: number): void {
  const classes = p.shape[1];
  if (!Number.isInteger(k) || k < 1 || k > classes)
    throw new InvalidArgumentError({ parameter: 'k', value: k, message: `Must be an integer in [1, ${classes}].` });
}

function topKHits(truth: Int32Array, picked: Int32Array, k: number): number {
  let hits = 0;
  for (let i = 0; i < truth.length; i++) {
    for (let j = 0; j < k; j++) if (picked[i * k + j] === truth[i]) hits++;
  }
  return truth.length === 0 ? 0 : hits / truth.length;
}

/**
 * Fraction of examples whose true class is among the `k` highest scores (k = 1: accuracy).
 * Reads synchronously, which the webgpu backend cannot do: there use {@link topKAccuracyAsync}.
 * @example
 * ```ts
 * topKAccuracy([2, 0], tf.tensor2d([[0.1, 0.3, 0.6], [0.5, 0.4, 0.1]]), 1); // 1
 * ```
 * @category Metrics
 */
export function topKAccuracy(labels: tf.Tensor | ArrayLike<number>, predictions: tf.Tensor, k = 1): number {
  const p = scores(predictions);
  checkK(p, k);
  const [truth, picked] = readBoth(labels, p.shape[0], () => tf.topk(p, k).indices, true);
  return topKHits(truth, picked, k);
}

/**
 * {@link topKAccuracy}, read asynchronously (works on every backend, webgpu included).
 * @example
 * ```ts
 * await topKAccuracyAsync([2, 0], tf.tensor2d([[0.1, 0.3, 0.6], [0.5, 0.4, 0.1]]), 2); // 1
 * ```
 * @category Metrics
 */
export async function topKAccuracyAsync(labels: tf.Tensor | ArrayLike<number>, predictions: tf.Tensor, k = 1): Promise<number> {
  const p = scores(predictions);
  checkK(p, k);
  const [truth, picked] = await readBoth(labels, p.shape[0], () => tf.topk(p, k).indices, false);
  return topKHits(truth, picked, k);
}

/**
 * Fraction of examples whose highest score is the true class. Reads synchronously, which the
 * webgpu backend cannot do: there use {@link accuracyAsync}.
 * @example
 * ```ts
 * accuracy(tf.tensor2d([[0, 1], [1, 0]]), tf.tensor2d([[0.2, 0.8], [0.3, 0.7]])); // 0.5
 * ```
 * @category Metrics
 */
export function accuracy(labels: tf.Tensor | ArrayLike<number>, predictions: tf.Tensor): number {
  return topKAccuracy(labels, predictions, 1);
}

/**
 * {@link accuracy}, read asynchronously (works on every backend, webgpu included).
 * @example
 * ```ts
 * await accuracyAsync([1, 1], tf.tensor2d([[0.2, 0.8], [0.3, 0.7]])); // 1
 * ```
 * @category Metrics
 */
export function accuracyAsync(labels: tf.Tensor | ArrayLike<number>, predictions: tf.Tensor): Promise<number> {
  return topKAccuracyAsync(labels, predictions, 1);
}

/**
 * The confusion matrix: `matrix[t][p]` counts examples of true class t predicted as p. Reads
 * synchronously, which the webgpu backend cannot do: there use {@link confusionMatrixAsync}.
 * @example
 * ```ts
 * confusionMatrix([0, 1, 1], tf.tensor2d([[0.9, 0.1], [0.6, 0.4], [0.2, 0.8]])); // [[1, 0], [1, 1]]
 * ```
 * @category Metrics
 */
export function confusionMatrix(labels: tf.Tensor | ArrayLike<number>, predictions: tf.Tensor): number[][] {
  const p = scores(predictions);
  const [truth, guess] = readBoth(labels, p.shape[0], () => tf.argMax(p, 1), true);
  return countConfusions(truth, guess, p.shape[1]);
}

/**
 * {@link confusionMatrix}, read asynchronously (works on every backend, webgpu included).
 * @example
 * ```ts
 * await confusionMatrixAsync([0, 1, 1], tf.tensor2d([[0.9, 0.1], [0.6, 0.4], [0.2, 0.8]])); // [[1, 0], [1, 1]]
 * ```
 * @category Metrics
 */
export async function confusionMatrixAsync(labels: tf.Tensor | ArrayLike<number>, predictions: tf.Tensor): Promise<number[][]> {
  const p = scores(predictions);
  const [truth, guess] = await readBoth(labels, p.shape[0], () => tf.argMax(p, 1), false);
  return countConfusions(truth, guess, p.shape[1]);
}

function countConfusions(truth: Int32Array, guess: Int32Array, classes: number): number[][] {
  const matrix = Array.from({ length: classes }, () => new Array<number>(classes).fill(0));
  for (let i = 0; i < truth.length; i++) {
    if (truth[i] < 0 || truth[i] >= classes)
      throw new InvalidArgumentError({ parameter: `labels[${i}]`, value: truth[i], message: `Classes are 0-${classes - 1}.` });
    matrix[truth[i]][guess[i]]++;
  }
  return matrix;
}

/**
 * Per-class and macro-averaged precision, recall and F1.
 *
 * @category Metrics
 */
export interface PrecisionRecallF1 {
  precision: number[];
  recall: number[];
  f1: number[];
  macro: { precision: number; recall: number; f1: number };
}

/**
 * Precision, recall and F1 per class from a confusion matrix (0 where undefined, as scikit-learn's
 * `zero_division=0`), and their unweighted (macro) means.
 * @example
 * ```ts
 * precisionRecallF1(confusionMatrix(labels, predictions)).macro.f1;
 * ```
 * @category Metrics
 */
export function precisionRecallF1(matrix: number[][]): PrecisionRecallF1 {
  const classes = matrix.length;
  const precision: number[] = [];
  const recall: number[] = [];
  const f1: number[] = [];
  for (let c = 0; c < classes; c++) {
    const tp = matrix[c][c];
    const predicted = matrix.reduce((s, row) => s + row[c], 0);
    const actual = matrix[c].reduce((s, v) => s + v, 0);
    const p = predicted > 0 ? tp / predicted : 0;
    const r = actual > 0 ? tp / actual : 0;
    precision.push(p);
    recall.push(r);
    f1.push(p + r > 0 ? (2 * p * r) / (p + r) : 0);
  }
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
  return { precision, recall, f1, macro: { precision: mean(precision), recall: mean(recall), f1: mean(f1) } };
}
