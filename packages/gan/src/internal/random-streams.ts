/**
 * Counter-based randomness: every draw of a training step comes from a generator seeded by
 * (run seed, purpose, step, sub-step) through core's {@link deriveSeed}, so the "RNG state" of a
 * run is its seed and its step counter, and a resumed run draws exactly what an uninterrupted one
 * would have.
 */
import * as tf from '@tensorflow/tfjs';
import { deriveSeed, fillStandardNormal, mulberry32 } from '@bigmodel/core';

/**
 * The purposes random draws are made for; each gets its own stream.
 */
export const STREAMS = { noise: 1, labels: 2, epsilon: 3, order: 4, fixed: 5, sample: 6, translation: 7 } as const;

/**
 * A uniform generator for (seed, stream, ...counters).
 */
export function streamRandom(seed: number, stream: number, ...counters: number[]): () => number {
  return mulberry32(deriveSeed(seed, stream, ...counters));
}

/**
 * Standard normal noise `[count, nz]` drawn from the stream of (seed, stream, ...counters).
 */
export function streamNoise(seed: number, nz: number, count: number, stream: number, ...counters: number[]): tf.Tensor2D {
  return tf.tensor2d(fillStandardNormal(new Float32Array(count * nz), streamRandom(seed, stream, ...counters)), [count, nz]);
}
