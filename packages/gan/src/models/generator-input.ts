/**
 * What the generator takes: noise z, with the one-hot class appended for the conditional GAN.
 */
import * as tf from '@tensorflow/tfjs';
import { InvalidArgumentError } from '@bigmodel/core';

import type { ResolvedGanConfig } from './gan-config';

/**
 * One-hot rows of `labels` as float32 (built in JavaScript; wasm's OneHot ignores the dtype).
 *
 * @category Models
 */
export function oneHotFloat(labels: ArrayLike<number>, classes: number): tf.Tensor2D {
  const values = new Float32Array(labels.length * classes);
  for (let i = 0; i < labels.length; i++) values[i * classes + labels[i]] = 1;
  return tf.tensor2d(values, [labels.length, classes]);
}

/**
 * The conditional generator's input: each noise row of `z` followed by its class, one-hot.
 *
 * @category Models
 */
export function conditionalInput(z: tf.Tensor2D, labels: ArrayLike<number>, classes: number): tf.Tensor2D {
  return tf.concat([z, oneHotFloat(labels, classes)], 1);
}

/**
 * The generator's input for `config`: `z` itself, or for the conditional GAN (`cgan`) `z` with the
 * one-hot `labels` appended (one label per row, else an InvalidArgumentError naming `labels`).
 *
 * @category Models
 */
export function generatorInput(config: ResolvedGanConfig, z: tf.Tensor2D, labels?: ArrayLike<number>): tf.Tensor2D {
  if (config.kind !== 'cgan') return z;
  if (labels === undefined || labels.length !== z.shape[0]) {
    throw new InvalidArgumentError({
      parameter: 'labels',
      value: labels === undefined ? undefined : `${labels.length} labels`,
      message: `The conditional GAN needs one class per noise row (${z.shape[0]}).`,
    });
  }
  return conditionalInput(z, labels, config.classes);
}
