/**
 * The environment registry (Gymnasium's `register` / `make`): an id names a constructor, default
 * keyword arguments, a time limit and a reward threshold; `make` builds the environment and applies
 * order enforcement and the time limit.
 */
import { InvalidArgumentError } from '@bigmodel/core';

import { Acrobot } from '../envs/acrobot';
import { CartPole } from '../envs/cart-pole';
import { CliffWalking } from '../envs/cliff-walking';
import { ContinuousMountainCar } from '../envs/continuous-mountain-car';
import { FrozenLake } from '../envs/frozen-lake';
import { LunarLander } from '../envs/lunar-lander';
import { MaskedCorridor } from '../envs/masked-corridor';
import { MountainCar } from '../envs/mountain-car';
import { Pendulum } from '../envs/pendulum';
import { OrderEnforcing } from '../wrappers/order-enforcing';
import { TimeLimit } from '../wrappers/time-limit';
import type { Env } from './env';
import type { EnvSpec } from './env-spec';

/**
 * What {@link register} records for an id.
 *
 * @category Registry
 */
export interface RegistryEntry {
  /** Builds the environment from keyword arguments. */
  entryPoint: (kwargs: Record<string, unknown>) => Env;
  /** Default time limit (none when undefined). */
  maxEpisodeSteps?: number;
  /** The mean return over 100 episodes that counts as solved. */
  rewardThreshold?: number;
  /** Default keyword arguments, overridden by those given to {@link make}. */
  kwargs?: Record<string, unknown>;
}

/**
 * Every registered id, with its entry.
 * @category Registry
 */
export const registry = new Map<string, RegistryEntry>();

/**
 * Registers (or replaces) an environment id.
 * @example
 * ```ts
 * register('GridWorld-v0', { entryPoint: () => new GridWorld(), maxEpisodeSteps: 50, rewardThreshold: 0.9 });
 * ```
 * @category Registry
 */
export function register(id: string, entry: RegistryEntry): void {
  if (typeof id !== 'string' || id.length === 0)
    throw new InvalidArgumentError({ parameter: 'id', value: id, message: 'Expected a non-empty id such as "MyEnv-v0".' });
  registry.set(id, entry);
}

/**
 * Options of {@link make} beyond the environment's keyword arguments.
 *
 * @category Registry
 */
export interface MakeOptions {
  /** Overrides the registered time limit; `null` applies none. */
  maxEpisodeSteps?: number | null;
}

/**
 * Builds a registered environment with order enforcement and its time limit, `spec` set.
 * @example
 * ```ts
 * const env = make('CartPole-v1');
 * env.spec?.rewardThreshold; // 475
 * const { observation } = env.reset({ seed: 42 });
 * ```
 * @category Registry
 */
export function make<Obs = unknown, Act = unknown>(
  id: string,
  kwargs: Record<string, unknown> = {},
  options: MakeOptions = {},
): Env<Obs, Act> {
  const entry = registry.get(id);
  if (!entry) {
    throw new InvalidArgumentError({
      parameter: 'id',
      value: id,
      message: `No environment has this id. Registered: ${[...registry.keys()].join(', ')}.`,
    });
  }
  const allKwargs = { ...entry.kwargs, ...kwargs };
  const maxEpisodeSteps = options.maxEpisodeSteps === undefined ? entry.maxEpisodeSteps : (options.maxEpisodeSteps ?? undefined);
  const spec: EnvSpec = { id, maxEpisodeSteps, rewardThreshold: entry.rewardThreshold, kwargs: allKwargs };
  const base = entry.entryPoint(allKwargs);
  base.spec = spec;
  let env: Env = new OrderEnforcing(base);
  if (maxEpisodeSteps !== undefined) env = new TimeLimit(env, maxEpisodeSteps);
  return env as Env<Obs, Act>;
}

/**
 * The spec `make(id)` would give.
 * @category Registry
 */
export function spec(id: string): EnvSpec {
  const entry = registry.get(id);
  if (!entry)
    throw new InvalidArgumentError({
      parameter: 'id',
      value: id,
      message: `No environment has this id. Registered: ${[...registry.keys()].join(', ')}.`,
    });
  return { id, maxEpisodeSteps: entry.maxEpisodeSteps, rewardThreshold: entry.rewardThreshold, kwargs: { ...entry.kwargs } };
}

register('CartPole-v0', { entryPoint: (k) => new CartPole(k), maxEpisodeSteps: 200, rewardThreshold: 195.0 });
register('CartPole-v1', { entryPoint: (k) => new CartPole(k), maxEpisodeSteps: 500, rewardThreshold: 475.0 });
register('MountainCar-v0', { entryPoint: (k) => new MountainCar(k), maxEpisodeSteps: 200, rewardThreshold: -110.0 });
register('MountainCarContinuous-v0', { entryPoint: (k) => new ContinuousMountainCar(k), maxEpisodeSteps: 999, rewardThreshold: 90.0 });
register('Pendulum-v1', { entryPoint: (k) => new Pendulum(k), maxEpisodeSteps: 200 });
register('Acrobot-v1', { entryPoint: (k) => new Acrobot(k), maxEpisodeSteps: 500, rewardThreshold: -100.0 });
register('FrozenLake-v1', { entryPoint: (k) => new FrozenLake(k), maxEpisodeSteps: 100, rewardThreshold: 0.7, kwargs: { mapName: '4x4' } });
register('FrozenLake8x8-v1', {
  entryPoint: (k) => new FrozenLake(k),
  maxEpisodeSteps: 200,
  rewardThreshold: 0.85,
  kwargs: { mapName: '8x8' },
});
register('CliffWalking-v0', { entryPoint: () => new CliffWalking() });
register('LunarLander-v3', { entryPoint: (k) => new LunarLander(k), maxEpisodeSteps: 1000, rewardThreshold: 200 });
register('LunarLanderContinuous-v3', {
  entryPoint: (k) => new LunarLander(k),
  maxEpisodeSteps: 1000,
  rewardThreshold: 200,
  kwargs: { continuous: true },
});
register('MaskedCorridor-v0', { entryPoint: (k) => new MaskedCorridor(k), maxEpisodeSteps: 32, rewardThreshold: 7.5 });
