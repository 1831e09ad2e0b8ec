/**
 * Normalization with statistics fitted on one dataset (the training split) and applied unchanged
 * to others (validation, test, inference), so nothing about held-out data leaks into training.
 */
import * as tf from '@tensorflow/tfjs';

import { InvalidArgumentError } from '../errors';
import { TensorDataset } from './tensor-dataset';

/**
 * Fitted statistics: per channel (the last axis of an example) or one for all values.
 *
 * @category Data
 */
export interface NormalizerConfig {
  kind: 'standardize' | 'minmax';
  /** What is subtracted: the mean (standardize) or the minimum (minmax), one per channel. */
  shift: number[];
  /** What the shifted values are divided by: the standard deviation or max - min (1 where 0). */
  scale: number[];
}

/**
 * A fitted normalization; see {@link fitNormalizer}.
 *
 * @category Data
 */
export class Normalizer {
  constructor(readonly config: NormalizerConfig) {}

  /** Normalizes a tensor whose last axis holds the channels (or any tensor, with global statistics). */
  transform(x: tf.Tensor): tf.Tensor {
    const { shift, scale } = this.config;
    return tf.tidy(() => tf.div(tf.sub(x, tf.tensor1d(shift)), tf.tensor1d(scale)));
  }

  /** A new dataset with normalized examples (labels shared). */
  apply(dataset: TensorDataset): TensorDataset {
    const { shift, scale } = this.config;
    const channels = shift.length;
    const out = new Float32Array(dataset.examples.length);
    for (let i = 0; i < out.length; i++) {
      const c = channels === 1 ? 0 : i % channels;
      out[i] = (dataset.examples[i] - shift[c]) / scale[c];
    }
    return new TensorDataset(out, dataset.exampleShape, dataset.labels, dataset.options);
  }
}

/**
 * Fits `standardize` (zero mean, unit variance) or `minmax` (to [0, 1]) statistics on `dataset`,
 * per channel (the last axis of an example) or over all values.
 *
 * @example
 * ```ts
 * const { train, test } = dataset.split({ train: 0.8, test: 0.2, seed: 1 });
 * const normalizer = fitNormalizer(train, { kind: 'standardize', perChannel: true });
 * const [trainN, testN] = [normalizer.apply(train), normalizer.apply(test)];
 * ```
 * @category Data
 */
export function fitNormalizer(dataset: TensorDataset, options: { kind: 'standardize' | 'minmax'; perChannel?: boolean }): Normalizer {
  const { kind, perChannel = false } = options;
  if (kind !== 'standardize' && kind !== 'minmax') {
    throw new InvalidArgumentError({ parameter: 'options.kind', value: kind, message: 'Expected "standardize" or "minmax".' });
  }
  if (dataset.size === 0)
    throw new InvalidArgumentError({ parameter: 'dataset', value: 0, message: 'Cannot fit statistics on an empty dataset.' });
  const channels = perChannel ? (dataset.exampleShape[dataset.exampleShape.length - 1] ?? 1) : 1;
  const values = dataset.examples;
  const count = new Float64Array(channels);
  const sum = new Float64Array(channels);
  const min = new Float64Array(channels).fill(Infinity);
  const max = new Float64Array(channels).fill(-Infinity);
  for (let i = 0; i < values.length; i++) {
    const c = channels === 1 ? 0 : i % channels;
    const v = values[i];
    count[c]++;
    sum[c] += v;
    if (v < min[c]) min[c] = v;
    if (v > max[c]) max[c] = v;
  }
  const mean = Array.from(sum, (s, c) => s / count[c]);
  if (kind === 'minmax') {
    return new Normalizer({ kind, shift: Array.from(min), scale: Array.from(max, (m, c) => (m - min[c] > 0 ? m - min[c] : 1)) });
  }
  const squares = new Float64Array(channels);
  for (let i = 0; i < values.length; i++) {
    const c = channels === 1 ? 0 : i % channels;
    squares[c] += (values[i] - mean[c]) ** 2;
  }
  const std = Array.from(squares, (s, c) => Math.sqrt(s / count[c]));
  return new Normalizer({ kind, shift: mean, scale: std.map((s) => (s > 0 ? s : 1)) });
}
