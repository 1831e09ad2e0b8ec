/**
 * The noise of a step's fake batches, drawn from (seed, step, update): a resumed run draws what an
 * uninterrupted one would have.
 */
import type * as tf from '@tensorflow/tfjs';

import { STREAMS, streamNoise } from '../internal/random-streams';
import type { GanState } from './gan-step';

/** Noise `[count, nz]` for the fake batch of discriminator update `k` of the current step (the generator update reuses `k = 0`'s). */
export function stepNoise(gan: GanState, count: number, k: number): tf.Tensor2D {
  return streamNoise(gan.seed, gan.config.nz, count, STREAMS.noise, gan.step, k);
}
