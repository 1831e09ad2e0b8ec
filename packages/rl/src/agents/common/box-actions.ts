/**
 * Box actions as the off-policy agents see them (Stable-Baselines3's `scale_action` /
 * `unscale_action`): the networks and the replay buffer work in [-1, 1]^n, the environment gets
 * `low + (a + 1) / 2 * (high - low)`. Bounds must be finite: a tanh-squashed or clipped action
 * cannot cover an unbounded box.
 */
import { InvalidArgumentError } from '@bigmodel/core';

import type { Env } from '../../env/env';
import { Box } from '../../spaces/box';
import { prepareEnv } from './prepare-env';

/**
 * `env` checked for a bounded Box action space (and prepared as {@link prepareEnv} does), with
 * that space. Throws InvalidArgumentError naming the action space otherwise.
 * @example
 * ```ts
 * const { env, space } = prepareBoxEnv('SAC', make('Pendulum-v1')); // space: Box(-2, 2, (1,))
 * prepareBoxEnv('SAC', make('CartPole-v1')); // throws: SAC needs a Box action space
 * ```
 * @category Agents
 */
export function prepareBoxEnv(algorithm: string, env: Env<unknown, Float32Array>): { env: Env<Float32Array, Float32Array>; space: Box } {
  const prepared = prepareEnv(algorithm, env, ['Box']);
  const space = prepared.actionSpace as unknown as Box;
  for (let i = 0; i < space.size; i++) {
    if (!Number.isFinite(space.low[i]) || !Number.isFinite(space.high[i])) {
      throw new InvalidArgumentError({
        parameter: 'actionSpace',
        value: String(space),
        message:
          `${algorithm} rescales actions to the Box's bounds, which must be finite; ` +
          `dimension ${i} is [${space.low[i]}, ${space.high[i]}].`,
      });
    }
  }
  return { env: prepared, space };
}

/**
 * The environment's action for a network action `scaled` in [-1, 1]^n (`unscale_action`).
 *
 * @category Agents
 */
export function unscaleAction(scaled: ArrayLike<number>, space: Box): Float32Array {
  const out = new Float32Array(space.size);
  for (let i = 0; i < space.size; i++) out[i] = space.low[i] + 0.5 * (scaled[i] + 1) * (space.high[i] - space.low[i]);
  return out;
}

/**
 * The network action in [-1, 1]^n for an environment action (`scale_action`).
 *
 * @category Agents
 */
export function scaleAction(action: ArrayLike<number>, space: Box): Float32Array {
  const out = new Float32Array(space.size);
  for (let i = 0; i < space.size; i++) out[i] = (2 * (action[i] - space.low[i])) / (space.high[i] - space.low[i]) - 1;
  return out;
}
