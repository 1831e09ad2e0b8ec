/**
 * A2C, the synchronous advantage actor-critic (Mnih et al. 2016, "Asynchronous methods for deep
 * reinforcement learning", run synchronously), following Stable-Baselines3's `A2C` (sb3 2.x
 * a2c.py): `nSteps`-step rollouts of `nEnvs` environments, GAE advantages (lambda 1 by default:
 * n-step returns), one RMSprop step per rollout on `-A log π + vfCoef (R - V)² - entCoef H`,
 * gradients clipped to `maxGradNorm`. Truncated episodes bootstrap from the value of their final
 * observation.
 */
import { Rmsprop, parseConfig, z } from '@bigmodel/core';

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
import { type LearnOptions, checkTotalTimesteps } from './common/learn-options';
import type { Reads } from './common/reads';
import { AgentBase } from './common/agent-base';
import { CONFIG_SIZE_LIMITS, agentConfigSchema, choiceOf, envFields, hiddenLayers, integerIn, numberIn } from './common/config-fields';
import { standardize } from './common/standardize';
import { encodeObservation, prepareEnv } from './common/prepare-env';
import { RolloutCollector, computeGae } from './common/rollout';

// ---- Config -------------------------------------------------------------------------------------

/**
 * The schema of {@link A2cConfig}: each field's check, default and description (the one place the
 * fields are documented; docs/schemas/rl/A2cConfig.schema.json carries the descriptions).
 *
 * @category Agents
 */
export const a2cConfigSchema = agentConfigSchema(
  z.strictObject({
    ...envFields('CartPole-v1'),
    nEnvs: integerIn(1, CONFIG_SIZE_LIMITS.nEnvs).default(1).describe('Parallel environments (default 1).'),
    nSteps: integerIn(1, CONFIG_SIZE_LIMITS.nSteps).default(5).describe('Steps per environment per update (default 5).'),
    learningRate: numberIn(0, Infinity, true).default(7e-4).describe("RMSprop's learning rate, > 0 (default 7e-4)."),
    rmspropAlpha: numberIn(0, 1 - Number.EPSILON)
      .default(0.99)
      .describe("RMSprop's squared-gradient decay, in [0, 1) (default 0.99)."),
    rmspropEps: numberIn(0, Infinity, true).default(1e-5).describe("RMSprop's epsilon, > 0 (default 1e-5)."),
    gamma: numberIn(0, 1).default(0.99).describe('Discount in [0, 1] (default 0.99).'),
    gaeLambda: numberIn(0, 1).default(1).describe('GAE lambda in [0, 1] (default 1: plain n-step returns).'),
    entCoef: numberIn(0, Infinity).default(0).describe('Entropy bonus coefficient, >= 0 (default 0).'),
    vfCoef: numberIn(0, Infinity).default(0.5).describe('Value-loss coefficient, >= 0 (default 0.5).'),
    maxGradNorm: numberIn(0, Infinity, true).default(0.5).describe('Global gradient-norm clip, > 0 (default 0.5).'),
    normalizeAdvantage: z.boolean().default(false).describe('Normalize advantages per update (default false).'),
    piArch: hiddenLayers().default([64, 64]).describe('Hidden sizes of the policy network (default [64, 64]).'),
    vfArch: hiddenLayers().default([64, 64]).describe('Hidden sizes of the value network (default [64, 64]).'),
    activation: choiceOf(['tanh', 'relu']).default('tanh').describe('Hidden activation, `tanh` (default) or `relu`.'),
    logStdInit: numberIn(-20, 20).default(0).describe('Initial log standard deviation of a Gaussian policy, in [-20, 20] (default 0).'),
    normalizeObservation: z.boolean().default(false).describe('Running normalization of observations (default false).'),
    normalizeReward: z.boolean().default(false).describe('Running normalization of rewards (default false).'),
    seed: integerIn(0).default(0).describe('Seed (default 0).'),
  }),
);

/**
 * A2C's hyperparameters, resolved (every field present); defaults are Stable-Baselines3's.
 * Inferred from {@link a2cConfigSchema}, whose descriptions document each field and its default:
 * `env` (`CartPole-v1`), `envKwargs`, `nEnvs` (1), `nSteps` (5), `learningRate` (7e-4),
 * `rmspropAlpha` (0.99), `rmspropEps` (1e-5), `gamma` (0.99), `gaeLambda` (1), `entCoef` (0),
 * `vfCoef` (0.5), `maxGradNorm` (0.5), `normalizeAdvantage` (false), `piArch` and `vfArch`
 * ([64, 64]), `activation` (`tanh`), `logStdInit` (0), `normalizeObservation` and
 * `normalizeReward` (false), `seed` (0).
 *
 * @category Agents
 */
export type A2cConfig = z.output<typeof a2cConfigSchema>;

/**
 * rl-zoo's A2C hyperparameters (rl-baselines3-zoo `hyperparams/a2c.yml`).
 * @category Agents
 */
export const A2C_PRESETS: Record<string, Partial<A2cConfig>> = {
  'CartPole-v1': { nEnvs: 8, entCoef: 0 },
};

/**
 * Fills A2C's defaults and validates through {@link a2cConfigSchema}; throws InvalidArgumentError
 * naming the path (`A2cConfig.gamma`) and the value, an unknown key with the nearest known one.
 * @category Agents
 */
export function resolveA2cConfig(config: Partial<A2cConfig> = {}): A2cConfig {
  return parseConfig(a2cConfigSchema, config, 'A2cConfig');
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
export class A2c extends AgentBase<number | Float32Array> {
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
    super();
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
    this.optimizer = new Rmsprop({ learningRate: c.learningRate, rho: c.rmspropAlpha, epsilon: c.rmspropEps, clipNorm: c.maxGradNorm });
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
  protected *predictReads(observation: Float32Array | number, deterministic: boolean): Reads<number | Float32Array> {
    const x = encodeObservation(observation, this.envs.envs[0] as Env<Float32Array, unknown>);
    const { actions } = yield* this.policy.actReads(this.collector.normalize(x), 1, this.rng, deterministic);
    return envAction(this.policy.head, actions);
  }

  /** Trains for about `totalTimesteps` more environment steps. */
  protected *learnReads(totalTimesteps: number, options: LearnOptions): Reads<this> {
    const c = this.config;
    const { logger, onStep } = options;
    checkTotalTimesteps(totalTimesteps);
    const end = this.numTimesteps + totalTimesteps;
    while (this.numTimesteps < end) {
      // ---- rollout
      // the seed is used only when the collector resets (first rollout, or after loading)
      const rollout = yield* this.collector.collectReads(c.nSteps, this.rng, c.seed + this.updates, logger);
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
