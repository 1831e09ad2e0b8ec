import * as tf from '@tensorflow/tfjs';
import { InvalidArgumentError } from '@bigmodel/core';

import type { GanTrainer, GeneratorNetwork } from '../training/gan-trainer';
import { STREAMS } from '../internal/random-streams';

/**
 * Options of {@link generateSamples}.
 *
 * @category Metrics
 */
export interface GenerateSamplesOptions {
  /** For the conditional GAN, each sample's class (default: classes in turn, 0, 1, ..., 9, 0, ...). */
  labels?: ArrayLike<number>;
  /** Samples per forward pass (default 250). */
  batchSize?: number;
  /** Which weights draw the samples (default: the average when the trainer keeps one); see {@link GanTrainer.generate}. */
  network?: GeneratorNetwork;
}

/**
 * `count` generator samples as images in [0, 1] (batch norm in inference mode), from noise drawn
 * with `seed`.
 *
 * @example
 * ```ts
 * const images = generateSamples(trainer, 1000, 0); // [1000, 28, 28, 1]
 * const fours = generateSamples(cganTrainer, 100, 0, { labels: new Array(100).fill(4) });
 * ```
 * @category Metrics
 */
export function generateSamples(trainer: GanTrainer, count: number, seed: number, options: GenerateSamplesOptions = {}): tf.Tensor4D {
  const { labels, batchSize = 250, network } = options;
  if (!Number.isInteger(count) || count <= 0)
    throw new InvalidArgumentError({ parameter: 'count', value: count, message: 'Must be an integer > 0.' });
  const { kind, classes } = trainer.config;
  if (labels !== undefined && labels.length !== count)
    throw new InvalidArgumentError({ parameter: 'labels', value: `${labels.length} labels`, message: `Need one per sample (${count}).` });
  const classOf = (i: number) => (labels !== undefined ? labels[i] : i % classes);
  if (kind === 'cgan') {
    for (let i = 0; i < count; i++) {
      const c = classOf(i);
      if (!Number.isInteger(c) || c < 0 || c >= classes)
        throw new InvalidArgumentError({ parameter: 'labels', value: c, message: `Classes are integers in [0, ${classes - 1}].` });
    }
  }
  const parts: tf.Tensor4D[] = [];
  for (let start = 0, part = 0; start < count; start += batchSize, part++) {
    const size = Math.min(batchSize, count - start);
    const z = trainer.noise(size, STREAMS.sample, seed, part);
    const batchLabels = kind === 'cgan' ? Uint8Array.from({ length: size }, (_, i) => classOf(start + i)) : undefined;
    parts.push(tf.tidy(() => tf.div(tf.add(trainer.generate(z, batchLabels, network), 1), 2) as tf.Tensor4D));
    z.dispose();
  }
  const images = tf.concat(parts, 0);
  tf.dispose(parts);
  return images;
}
