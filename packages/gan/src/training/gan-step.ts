/**
 * What a step function is given and what it returns. A step function (`dcganStep`, `acganStep`,
 * `wganGpStep`) runs one training step of its algorithm: its discriminator updates, then its
 * generator update, on the networks and optimizers of a {@link GanState}.
 */
import type * as tf from '@tensorflow/tfjs';
import type { Adam } from '@bigmodel/core';

import type { ResolvedGanConfig } from '../models/gan-config';

/**
 * One real batch: images in [-1, 1] (NHWC) and, for the conditional GAN, their classes.
 *
 * @category Training
 */
export interface RealBatch {
  images: tf.Tensor4D;
  labels?: Uint8Array;
}

/**
 * The networks, optimizers and counters a step function trains ({@link GanTrainer} is one).
 *
 * @category Algorithms
 */
export interface GanState {
  /** The resolved configuration the networks were built from. */
  readonly config: ResolvedGanConfig;
  /** The run's seed: with `step`, it fixes every random draw of the step. */
  readonly seed: number;
  /** Generator updates done before this step. */
  readonly step: number;
  /** The generator, z (plus the one-hot class for `cgan`) to images in [-1, 1]. */
  readonly generator: tf.Sequential;
  /** The discriminator (the WGAN-GP critic). */
  readonly discriminator: tf.Sequential;
  /** The generator's Adam. */
  readonly generatorOptimizer: Adam;
  /** The discriminator's Adam. */
  readonly discriminatorOptimizer: Adam;
  /** The generator's trainable variables, the only ones its optimizer updates. */
  readonly generatorVariables: tf.Variable[];
  /** The discriminator's trainable variables, the only ones its optimizer updates. */
  readonly discriminatorVariables: tf.Variable[];
}

/**
 * One training step of an algorithm on `batches` (`config.criticSteps` real batches, one per
 * discriminator update). Runs inside the caller's `tf.tidy`, updates the networks through their
 * optimizers, and returns the step's losses as scalars (keyed like {@link StepLosses}).
 *
 * @category Algorithms
 */
export type GanStep = (gan: GanState, batches: RealBatch[]) => Record<string, tf.Scalar>;
