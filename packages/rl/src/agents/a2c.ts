/**
 * A2C, the synchronous advantage actor-critic (Mnih et al. 2016, "Asynchronous methods for deep
 * reinforcement learning", run synchronously), following Stable-Baselines3's `A2C` (sb3 2.x
 * a2c.py): `nSteps`-step rollouts of `nEnvs` environments, GAE advantages (lambda 1 by default:
 * n-step returns), one RMSprop step per rollout on `-A log π + vfCoef (R - V)² - entCoef H`,
 * gradients clipped to `maxGradNorm`. Truncated episodes bootstrap from the value of their final
 * observation.
 */
import { Rmsprop } from '@bigmodel/core';

import type { Env } from '../env/env';
import { make } from '../env/registry';
import type { Box } from '../spaces/box';
import { Rng } from '../utils/rng';
import { SyncVectorEnv } from '../vector/sync-vector-env';
import { ActorCritic, actionHeadFor, envAction } from './common/actor-critic';
import { actorCriticStep } from './common/actor-critic-step';
import { checkFiniteLosses } from './common/check-finite-losses';
import {
  checkpointPath,
  decodeWeights,
  encodeArray,
  encodeOptimizer,
  loadCheckpoint,
  readWeights,
  restoreOptimizer,
  sizesOf,
  writeCheckpoint,
} from './checkpoint';
import { CONFIG_SIZE_LIMITS, checkChoice, checkInteger, checkKnownKeys, checkLayers, checkRange } from './config-checks';
import type { LearnOptions } from './common/learn-options';
import { runAsync, runSync, type Reads } from './common/reads';
import { standardize } from './common/standardize';
import type { Policy } from './evaluate';
import { encodeObservation, prepareEnv } from './common/prepare-env';
import { RolloutCollector, computeGae } from './common/rollout';

// ---- Config -------------------------------------------------------------------------------------

/**
 * A2C's hyperparameters; defaults are Stable-Baselines3's.
 *
 * @category Agents
 */
export interface A2cConfig {
  /** The registered environment id (default `CartPole-v1`). */
  env: string;
  /** Keyword arguments for `make(env, envKwargs)`. */
  envKwargs: Record<string, unknown>;
  /** Parallel environments (default 1). */
  nEnvs: number;
  /** Steps per environment per update (default 5). */
  nSteps: number;
  /** RMSprop's learning rate (default 7e-4). */
  learningRate: number;
  /** RMSprop's squared-gradient decay (default 0.99). */
  rmspropAlpha: number;
  /** RMSprop's epsilon (default 1e-5). */
  rmspropEps: number;
  /** Discount in [0, 1] (default 0.99). */
  gamma: number;
  /** GAE lambda in [0, 1] (default 1: plain n-step returns). */
  gaeLambda: number;
  /** Entropy bonus coefficient (default 0). */
  entCoef: number;
  /** Value-loss coefficient (default 0.5). */
  vfCoef: number;
  /** Global gradient-norm clip (default 0.5). */
  maxGradNorm: number;
  /** Normalize advantages per update (default false). */
  normalizeAdvantage: boolean;
  /** Hidden sizes of the policy network (default [64, 64]). */
  piArch: number[];
  /** Hidden sizes of the value network (default [64, 64]). */
  vfArch: number[];
  /** Hidden activation (default `tanh`). */
  activation: 'tanh' | 'relu';
  /** Initial log standard deviation of a Gaussian policy (default 0). */
  logStdInit: number;
  /** Running normalization of observations (default false). */
  normalizeObservation: boolean;
  /** Running normalization of rewards (default false). */
  normalizeReward: boolean;
  /** Seed (default 0). */
  seed: number;
}

const A2C_DEFAULTS: A2cConfig = {
  env: 'CartPole-v1',
  envKwargs: {},
  nEnvs: 1,
  nSteps: 5,
  learningRate: 7e-4,
  rmspropAlpha: 0.99,
  rmspropEps: 1e-5,
  gamma: 0.99,
  gaeLambda: 1.0,
  entCoef: 0,
  vfCoef: 0.5,
  maxGradNorm: 0.5,
  normalizeAdvantage: false,
  piArch: [64, 64],
  vfArch: [64, 64],
  activation: 'tanh',
  logStdInit: 0,
  normalizeObservation: false,
  normalizeReward: false,
  seed: 0,
};

/**
 * rl-zoo's A2C hyperparameters (rl-baselines3-zoo `hyperparams/a2c.yml`).
 * @category Agents
 */
export const A2C_PRESETS: Record<string, Partial<A2cConfig>> = {
  'CartPole-v1': { nEnvs: 8, entCoef: 0 },
};

/**
 * Fills A2C's defaults and validates; throws InvalidArgumentError naming the parameter.
 * @category Agents
 */
export function resolveA2cConfig(config: Partial<A2cConfig> = {}): A2cConfig {
  checkKnownKeys(config, A2C_DEFAULTS, 'A2C');
  const c: A2cConfig = { ...A2C_DEFAULTS, ...config };
  checkInteger('nEnvs', c.nEnvs, 1, CONFIG_SIZE_LIMITS.nEnvs);
  checkInteger('nSteps', c.nSteps, 1, CONFIG_SIZE_LIMITS.nSteps);
  checkRange('learningRate', c.learningRate, 0, Infinity, true);
  checkRange('rmspropAlpha', c.rmspropAlpha, 0, 1 - Number.EPSILON);
  checkRange('rmspropEps', c.rmspropEps, 0, Infinity, true);
  checkRange('gamma', c.gamma, 0, 1);
  checkRange('gaeLambda', c.gaeLambda, 0, 1);
  checkRange('entCoef', c.entCoef, 0, Infinity);
  checkRange('vfCoef', c.vfCoef, 0, Infinity);
  checkRange('maxGradNorm', c.maxGradNorm, 0, Infinity, true);
  checkLayers('piArch', c.piArch);
  checkLayers('vfArch', c.vfArch);
  checkChoice('activation', c.activation, ['tanh', 'relu'] as const);
  checkRange('logStdInit', c.logStdInit, -20, 20);
  checkInteger('seed', c.seed, 0);
  return c;
}

// ---- The agent ----------------------------------------------------------------------------------

/**
 * An A2C agent for Box or Discrete (one-hot encoded) observations and Discrete or Box actions.
 * @example
 * ```ts
 * const agent = new A2c({ env: 'CartPole-v1', ...A2C_PRESETS['CartPole-v1'], seed: 0 });
 * agent.learn(200_000);
 * ```
 * @category Agents
 */
export class A2c implements Policy<number | Float32Array> {
  readonly algorithm = 'a2c';
  readonly config: A2cConfig;
  readonly envs: SyncVectorEnv<unknown>;
  readonly policy: ActorCritic;
  readonly optimizer: Rmsprop;
  readonly collector: RolloutCollector;
  readonly rng: Rng;
  /** Updates done. */
  updates = 0;

  constructor(config: Partial<A2cConfig> = {}, envFn?: () => Env<Float32Array, unknown>) {
    this.config = resolveA2cConfig(config);
    const c = this.config;
    const makeEnv = () => prepareEnv('A2C', envFn?.() ?? make<unknown, unknown>(c.env, c.envKwargs), ['Discrete', 'Box']);
    this.envs = new SyncVectorEnv(
      Array.from({ length: c.nEnvs }, () => makeEnv as () => Env<Float32Array, unknown>),
      { autoresetMode: 'same-step' },
    );
    const obsSize = (this.envs.singleObservationSpace as unknown as Box).size;
    this.policy = new ActorCritic(obsSize, actionHeadFor(this.envs.singleActionSpace), {
      piArch: c.piArch,
      vfArch: c.vfArch,
      activation: c.activation,
      logStdInit: c.logStdInit,
      seed: c.seed,
    });
    this.optimizer = new Rmsprop({ lr: c.learningRate, rho: c.rmspropAlpha, epsilon: c.rmspropEps, clipNorm: c.maxGradNorm });
    this.collector = new RolloutCollector(this.envs, this.policy, {
      gamma: c.gamma,
      normalizeObservation: c.normalizeObservation,
      normalizeReward: c.normalizeReward,
    });
    this.rng = new Rng(c.seed);
  }

  /** Environment steps taken so far (all sub-environments). */
  get numTimesteps(): number {
    return this.collector.numTimesteps;
  }

  /** The action for one raw observation; Box actions are clipped to the bounds. */
  predict(observation: Float32Array | number, deterministic = true): number | Float32Array {
    return runSync(this.predictReads(observation, deterministic));
  }

  /** {@link A2c.predict} on any backend, webgpu included. */
  predictAsync(observation: Float32Array | number, deterministic = true): Promise<number | Float32Array> {
    return runAsync(this.predictReads(observation, deterministic));
  }

  private *predictReads(observation: Float32Array | number, deterministic: boolean): Reads<number | Float32Array> {
    const x = encodeObservation(observation, this.envs.envs[0] as Env<Float32Array, unknown>);
    const { actions } = yield* this.policy.actReads(this.collector.normalize(x), 1, this.rng, deterministic);
    return envAction(this.policy.head, actions);
  }

  /** Trains for about `totalTimesteps` more environment steps. */
  learn(totalTimesteps: number, options: LearnOptions = {}): this {
    return runSync(this.learnReads(totalTimesteps, options));
  }

  /**
   * {@link A2c.learn} on any backend, webgpu included: the device is read asynchronously. Same
   * numbers as `learn`.
   */
  learnAsync(totalTimesteps: number, options: LearnOptions = {}): Promise<this> {
    return runAsync(this.learnReads(totalTimesteps, options));
  }

  private *learnReads(totalTimesteps: number, options: LearnOptions): Reads<this> {
    const c = this.config;
    const { logger, onStep } = options;
    checkInteger('totalTimesteps', totalTimesteps, 1);
    const end = this.numTimesteps + totalTimesteps;
    while (this.numTimesteps < end) {
      // ---- rollout
      const rollout = yield* this.collector.collectReads(c.nSteps, this.rng, c.seed + this.updates, logger); // the seed is used only when the collector resets (first rollout, or after loading)
      const { advantages, returns } = computeGae(rollout, c.nSteps, c.nEnvs, c.gamma, c.gaeLambda);
      const adv = c.normalizeAdvantage ? standardize(advantages) : advantages;
      // ---- learning: one gradient step on the whole rollout
      const batchData = { observations: rollout.observations, actions: rollout.actions, advantages: adv, returns };
      const losses = yield* actorCriticStep(this.policy, this.optimizer, batchData, c);
      this.updates += 1;
      checkFiniteLosses({ ...losses }, this.numTimesteps);
      if (this.updates % 100 === 0) logger?.log({ step: this.numTimesteps, ...losses });
      if (onStep?.(this.numTimesteps) === false) break;
    }
    return this;
  }

  /**
   * Saves networks, RMSprop's state, normalizer statistics, counters, the generator's state and the
   * episodes in progress (environments included), so that a loaded agent trains on bitwise.
   * `extra` is kept as the checkpoint's `extra` field (a training loop's own position).
   */
  async save(dir: string, extra?: Record<string, unknown>): Promise<void> {
    writeCheckpoint(dir, {
      algorithm: this.algorithm,
      config: this.config,
      numTimesteps: this.numTimesteps,
      updates: this.updates,
      episodes: this.collector.episodes,
      rng: this.rng.state,
      weights: (await readWeights(this.policy.variables)).map(encodeArray),
      optimizer: await encodeOptimizer(this.optimizer),
      obsRms: this.collector.obsRms?.toJSON() ?? null,
      returnRms: this.collector.returnRms?.toJSON() ?? null,
      inProgress: this.collector.getState(),
      ...(extra === undefined ? {} : { extra }),
    });
  }

  /** Restores an agent saved by {@link A2c.save}. */
  static async load(dir: string, envFn?: () => Env<Float32Array, unknown>): Promise<A2c> {
    const fields = {
      config: 'object',
      weights: 'array',
      optimizer: 'array',
      numTimesteps: 'count',
      episodes: 'count',
      updates: 'count',
      rng: 'uint32',
    } as const;
    return loadCheckpoint(
      dir,
      'a2c',
      fields,
      (saved) => new A2c(saved['config'], envFn),
      async (agent, saved) => {
        agent.policy.setWeights(decodeWeights(saved['weights'], sizesOf(agent.policy.variables), 'weights'));
        await restoreOptimizer(agent.optimizer, saved['optimizer']);
        if (saved['obsRms']) agent.collector.obsRms?.load(saved['obsRms']);
        if (saved['returnRms']) agent.collector.returnRms?.load(saved['returnRms']);
        agent.collector.numTimesteps = saved['numTimesteps'];
        agent.collector.episodes = saved['episodes'];
        agent.updates = saved['updates'];
        agent.rng.state = saved['rng'];
        if (saved['inProgress']) agent.collector.setState(saved['inProgress'], checkpointPath(dir));
      },
    );
  }

  /** Frees the networks and the optimizer's state. */
  dispose(): void {
    this.policy.dispose();
    this.optimizer.dispose();
  }
}
