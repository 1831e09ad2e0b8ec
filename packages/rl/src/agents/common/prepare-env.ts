/**
 * The spaces an agent supports, checked when it is built (as Stable-Baselines3's
 * `supported_action_spaces` and `preprocess_obs`): observations Box (flattened) or Discrete
 * (one-hot encoded); actions Discrete for DQN, Discrete or Box for the policy-gradient agents, Box
 * for SAC and TD3.
 */
import { InvalidArgumentError } from '@bigmodel/core';

import type { Env } from '../../env/env';
import { Box } from '../../spaces/box';
import { Discrete } from '../../spaces/discrete';
import type { Space } from '../../spaces/space';
import { TransformObservation } from '../../wrappers/transform-observation';

/**
 * Action space kinds an agent may accept.
 * @category Agents
 */
export type ActionSpaceKind = 'Discrete' | 'Box';

/**
 * `n`-way one-hot vector of the Discrete observation `x` (which counts from `space.start`).
 *
 * @category Agents
 */
export function oneHot(x: number, space: Discrete): Float32Array {
  const out = new Float32Array(space.n);
  out[x - space.start] = 1;
  return out;
}

/** A space as Gymnasium prints it, or its class name when it has no repr. */
function describe(space: Space<unknown>): string {
  const text = String(space);
  return text === '[object Object]' ? space.constructor.name : text;
}

/** The one-hot encoding of Discrete observations that {@link prepareEnv} wraps around an environment. */
class OneHotObservation<Act> extends TransformObservation<Float32Array, Act, number> {
  constructor(env: Env<number, Act>, space: Discrete) {
    super(env, (x: number) => oneHot(x, space), new Box({ low: 0, high: 1, shape: [space.n] }));
  }
}

/**
 * An observation as the agent's networks take it: a Float32Array as it is; a Discrete observation
 * (an integer, as an environment not prepared by {@link prepareEnv} returns it) one-hot encoded like
 * `prepared` encodes it.
 * @category Agents
 */
export function encodeObservation(observation: Float32Array | number, prepared: Env<Float32Array, unknown>): Float32Array {
  if (typeof observation !== 'number') return observation;
  if (prepared instanceof OneHotObservation) return prepared.fn(observation);
  const message = `Expected a Float32Array: the agent was trained on ${String(prepared.observationSpace)} observations.`;
  throw new InvalidArgumentError({ parameter: 'observation', value: observation, message });
}

/**
 * Checks that `algorithm` supports `env`'s spaces, and returns `env` with Float32Array
 * observations: as it is for a Box observation space, wrapped in a one-hot encoding for a Discrete
 * one. Throws InvalidArgumentError naming the unsupported space otherwise.
 * @example
 * ```ts
 * const env = prepareEnv('PPO', make('FrozenLake-v1'), ['Discrete', 'Box']); // observations: 16-way one-hot
 * prepareEnv('DQN', make('Pendulum-v1'), ['Discrete']); // throws: DQN needs a Discrete action space
 * ```
 * @category Agents
 */
export function prepareEnv<Act>(algorithm: string, env: Env<unknown, Act>, actions: readonly ActionSpaceKind[]): Env<Float32Array, Act> {
  const id = env.spec?.id ?? 'the environment';
  const actionSpace = env.actionSpace as Space<unknown>;
  const kind = actionSpace instanceof Discrete ? 'Discrete' : actionSpace instanceof Box ? 'Box' : null;
  if (kind === null || !actions.includes(kind)) {
    throw new InvalidArgumentError({
      parameter: 'actionSpace',
      value: describe(actionSpace),
      message:
        `${algorithm} supports ${actions.join(' or ')} action spaces; ${id} has ${describe(actionSpace)}.` +
        (actions.includes('Box') ? '' : ' Use PPO, A2C, REINFORCE, SAC or TD3 for Box actions.') +
        (actions.includes('Discrete') ? '' : ' Use DQN, PPO, A2C or REINFORCE for Discrete actions.'),
    });
  }
  const observationSpace = env.observationSpace as Space<unknown>;
  if (observationSpace instanceof Box) return env as Env<Float32Array, Act>;
  if (observationSpace instanceof Discrete) return new OneHotObservation(env as Env<number, Act>, observationSpace);
  throw new InvalidArgumentError({
    parameter: 'observationSpace',
    value: describe(observationSpace),
    message: `${algorithm} supports Box and Discrete (one-hot encoded) observation spaces; ${id} has ${describe(observationSpace)}.`,
  });
}
