/**
 * Counter-based randomness: every draw of a training step comes from a generator seeded by
 * (run seed, purpose, step, sub-step), so the "RNG state" of a run is its seed and its step
 * counter, and a resumed run draws exactly what an uninterrupted one would have.
 */
import { mulberry32 } from '@bigmodel/core';

/**
 * The purposes random draws are made for; each gets its own stream.
 *
 * @category Training
 */
export const STREAMS = { noise: 1, labels: 2, epsilon: 3, order: 4, fixed: 5, sample: 6, translation: 7 } as const;

/**
 * Mixes integers into one 32-bit seed (a few rounds of a 32-bit hash).
 *
 * @category Training
 */
export function mixSeed(...values: number[]): number {
  let h = 0x9e3779b9;
  for (const value of values) {
    h = Math.imul(h ^ (value >>> 0), 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 16;
  }
  return h >>> 0;
}

/**
 * A uniform generator for (seed, stream, ...counters).
 *
 * @category Training
 */
export function streamRandom(seed: number, stream: number, ...counters: number[]): () => number {
  return mulberry32(mixSeed(seed, stream, ...counters));
}

/**
 * `count` standard normal draws (Box-Muller) from `random`.
 *
 * @category Training
 */
export function normalArray(count: number, random: () => number): Float32Array {
  const out = new Float32Array(count);
  for (let i = 0; i < count; i += 2) {
    const u = 1 - random(); // (0, 1]: log(u) is finite
    const v = random();
    const r = Math.sqrt(-2 * Math.log(u));
    out[i] = r * Math.cos(2 * Math.PI * v);
    if (i + 1 < count) out[i + 1] = r * Math.sin(2 * Math.PI * v);
  }
  return out;
}
