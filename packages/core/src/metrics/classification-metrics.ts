/**
 * Classification metrics from labels and predictions. Labels may be class indices `[n]` or one-hot
 * `[n, classes]`; predictions are scores `[n, classes]` (probabilities or logits; the arg-max is
 * the predicted class).
 */
import * as tf from '@tensorflow/tfjs';

import { InvalidArgumentError, ShapeError } from '../errors';

function labelIndices(labels: tf.Tensor | ArrayLike<number>, n: number): Int32Array {
  const t = labels instanceof tf.Tensor ? labels : tf.tensor(Array.from(labels));
  try {
    const indices = t.rank === 2 ? tf.tidy(() => tf.argMax(t, 1)) : t.toInt();
    const out = Int32Array.from(indices.dataSync());
    if (indices !== t) indices.dispose();
    if (out.length !== n) throw new ShapeError({ parameter: 'labels', expected: `${n} labels (one per prediction)`, actual: t.shape });
    return out;
  } finally {
    if (!(labels instanceof tf.Tensor)) t.dispose();
  }
}

function scores(predictions: tf.Tensor): tf.Tensor2D {
  if (predictions.rank !== 2)
    throw new ShapeError({ parameter: 'predictions', expected: '[n, classes] scores', actual: predictions.shape });
  return predictions as tf.Tensor2D;
}

/**
 * Fraction of examples whose true class is among the `k` highest scores (k = 1: accuracy).
 * @example
 * ```ts
 * topKAccuracy([2, 0], tf.tensor2d([[0.1, 0.3, 0.6], [0.5, 0.4, 0.1]]), 1); // 1
 * ```
 * @category Metrics
 */
export function topKAccuracy(labels: tf.Tensor | ArrayLike<number>, predictions: tf.Tensor, k = 1): number {
  const p = scores(predictions);
  const classes = p.shape[1];
  if (!Number.isInteger(k) || k < 1 || k > classes)
    throw new InvalidArgumentError({ parameter: 'k', value: k, message: `Must be an integer in [1, ${classes}].` });
  const truth = labelIndices(labels, p.shape[0]);
  const top = tf.tidy(() => tf.topk(p, k).indices);
  const picked = top.dataSync();
  top.dispose();
  let hits = 0;
  for (let i = 0; i < truth.length; i++) {
    for (let j = 0; j < k; j++) if (picked[i * k + j] === truth[i]) hits++;
  }
  return truth.length === 0 ? 0 : hits / truth.length;
}

/**
 * Fraction of examples whose highest score is the true class.
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
 * The confusion matrix: `matrix[t][p]` counts examples of true class t predicted as p.
 * @example
 * ```ts
 * confusionMatrix([0, 1, 1], tf.tensor2d([[0.9, 0.1], [0.6, 0.4], [0.2, 0.8]])); // [[1, 0], [1, 1]]
 * ```
 * @category Metrics
 */
export function confusionMatrix(labels: tf.Tensor | ArrayLike<number>, predictions: tf.Tensor): number[][] {
  const p = scores(predictions);
  const classes = p.shape[1];
  const truth = labelIndices(labels, p.shape[0]);
  const predicted = tf.tidy(() => tf.argMax(p, 1));
  const guess = predicted.dataSync();
  predicted.dispose();
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
