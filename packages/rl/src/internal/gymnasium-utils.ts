/**
 * Small helpers of Gymnasium's environments (`gymnasium.envs.classic_control.utils`,
 * `gymnasium.envs.toy_text.utils`), not part of the public API.
 */
import type { Rng } from '@bigmodel/core';

/**
 * Gymnasium's `wrap`: shifts `x` by multiples of `max - min` into [min, max].
 */
export function wrap(x: number, min: number, max: number): number {
  const diff = max - min;
  while (x > max) x -= diff;
  while (x < min) x += diff;
  return x;
}

/**
 * Gymnasium's `bound`: clamps `x` to [min, max].
 */
export function bound(x: number, min: number, max: number): number {
  return Math.min(Math.max(x, min), max);
}

/**
 * Gymnasium's `categorical_sample`: the first index whose cumulative probability exceeds one uniform draw.
 */
export function categoricalSample(probabilities: readonly number[], rng: Rng): number {
  const u = rng.random();
  let cumulative = 0;
  for (let i = 0; i < probabilities.length; i++) {
    cumulative += probabilities[i];
    if (cumulative > u) return i;
  }
  return 0;
}

/** Pendulum's `angle_normalize`: `((x + π) mod 2π) - π` with a floored modulo, as numpy's `%`. */
export function angleNormalize(x: number): number {
  const period = 2 * Math.PI;
  let r = (x + Math.PI) % period;
  if (r < 0) r += period;
  return r - Math.PI;
}
