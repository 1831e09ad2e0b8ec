/**
 * REINFORCE with a learned state-value baseline (Williams 1992; Sutton & Barto 2018, section
 * 13.4): whole episodes are played with the current policy, each step's return `G_t` is computed
 * backwards, and one gradient step minimizes `-(G_t - V(s_t)) log π(a_t|s_t) + vfCoef (G_t - V(s_t))²`
 * over the batch of episodes. An episode cut by the time limit is not over: its return is
 * bootstrapped with `V` of the final observation; a terminated one ends with 0.
 */
import { Adam, parseConfig, z } from '@bigmodel/core';

import type { Env } from '../env/env';
import { make } from '../env/registry';
import type { Box } from '../spaces/box';
import { Rng } from '../utils/rng';
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
import { captureEnvState, restoreEnvState } from './common/env-state';
import { encodeObservation, prepareEnv } from './common/prepare-env';
import { type LearnOptions, checkTotalTimesteps } from './common/learn-options';
import type { Reads } from './common/reads';
import { AgentBase } from './common/agent-base';
import { agentConfigSchema, choiceOf, envFields, hiddenLayers, integerIn, numberIn } from './common/config-fields';
import { standardize } from './common/standardize';

// ---- Config -------------------------------------------------------------------------------------

/**
 * The schema of {@link ReinforceConfig}: each field's check, default and description (the one
 * place the fields are documented; docs/schemas/rl/ReinforceConfig.schema.json carries the
 * descriptions).
 *
 * @category Agents
 */
export const reinforceConfigSchema = agentConfigSchema(
  z.strictObject({
    ...envFields('CartPole-v1'),
    learningRate: numberIn(0, Infinity, true).default(1e-3).describe("Adam's learning rate, > 0 (default 1e-3)."),
    gamma: numberIn(0, 1).default(0.99).describe('Discount in [0, 1] (default 0.99).'),
    episodesPerUpdate: integerIn(1).default(4).describe('Episodes per gradient step (default 4).'),
    vfCoef: numberIn(0, Infinity).default(0.5).describe('Value-loss coefficient, >= 0 (default 0.5).'),
    entCoef: numberIn(0, Infinity).default(0).describe('Entropy bonus coefficient, >= 0 (default 0).'),
    normalizeAdvantage: z.boolean().default(true).describe('Standardize the advantages of each batch (default true).'),
    maxGradNorm: numberIn(0, Infinity, true).default(1).describe('Global gradient-norm clip, > 0 (default 1).'),
    piArch: hiddenLayers().default([64, 64]).describe('Hidden sizes of the policy network (default [64, 64]).'),
    vfArch: hiddenLayers().default([64, 64]).describe('Hidden sizes of the baseline network (default [64, 64]).'),
    activation: choiceOf(['tanh', 'relu']).default('tanh').describe('Hidden activation, `tanh` (default) or `relu`.'),
    logStdInit: numberIn(-20, 20).default(0).describe('Initial log standard deviation of a Gaussian policy, in [-20, 20] (default 0).'),
    seed: integerIn(0).default(0).describe('Seed (default 0).'),
  }),
);

/**
 * REINFORCE's hyperparameters, resolved (every field present). Inferred from
 * {@link reinforceConfigSchema}, whose descriptions document each field and its default: `env`
 * (`CartPole-v1`), `envKwargs`, `learningRate` (1e-3), `gamma` (0.99), `episodesPerUpdate` (4),
 * `vfCoef` (0.5), `entCoef` (0), `normalizeAdvantage` (true), `maxGradNorm` (1), `piArch` and
 * `vfArch` ([64, 64]), `activation` (`tanh`), `logStdInit` (0), `seed` (0).
 *
 * @category Agents
 */
export type ReinforceConfig = z.output<typeof reinforceConfigSchema>;

/**
 * Fills REINFORCE's defaults and validates through {@link reinforceConfigSchema}; throws
 * InvalidArgumentError naming the path (`ReinforceConfig.gamma`) and the value, an unknown key
 * with the nearest known one.
 * @category Agents
 */
export function resolveReinforceConfig(config: Partial<ReinforceConfig> = {}): ReinforceConfig {
  return parseConfig(reinforceConfigSchema, config, 'ReinforceConfig');
}

/**
 * Discounted returns of one episode's rewards, `G_t = r_t + gamma G_{t+1}`, starting from
 * `bootstrap` after the last step (0 when the episode terminated).
 * @category Agents
 */
export function discountedReturns(rewards: ArrayLike<number>, gamma: number, bootstrap = 0): Float32Array {
  const out = new Float32Array(rewards.length);
  let g = bootstrap;
  for (let t = rewards.length - 1; t >= 0; t--) {
    g = rewards[t] + gamma * g;
    out[t] = g;
  }
  return out;
}

// ---- The agent ----------------------------------------------------------------------------------

/**
 * A REINFORCE agent with a learned baseline, for Box or Discrete (one-hot) observations and Discrete or Box actions.
 * @example
 * ```ts
 * const agent = new Reinforce({ env: 'CartPole-v1', seed: 0 });
 * agent.learn(200_000);
 * ```
 * @category Agents
 */
export class Reinforce extends AgentBase<number | Float32Array> {
  readonly algorithm = 'reinforce';
  readonly config: ReinforceConfig;
  readonly env: Env<Float32Array, unknown>;
  readonly policy: ActorCritic;
  readonly optimizer: Adam;
  readonly rng: Rng;
  /** Environment steps taken. */
  numTimesteps = 0;
  /** Episodes finished. */
  episodes = 0;
  /** Updates done. */
  updates = 0;
  private seeded = false;

  constructor(config: Partial<ReinforceConfig> = {}, env?: Env<Float32Array, unknown>) {
    super();
    this.config = resolveReinforceConfig(config);
    const c = this.config;
    this.env = prepareEnv('REINFORCE', env ?? make<unknown, unknown>(c.env, c.envKwargs), ['Discrete', 'Box']);
    const obsSize = (this.env.observationSpace as unknown as Box).size;
    this.policy = new ActorCritic(obsSize, actionHeadFor(this.env.actionSpace), {
      piArch: c.piArch,
      vfArch: c.vfArch,
      activation: c.activation,
      logStdInit: c.logStdInit,
      seed: c.seed,
    });
    this.optimizer = new Adam({ learningRate: c.learningRate, clipNorm: c.maxGradNorm });
    this.rng = new Rng(c.seed);
  }

  /** The action for one observation; Box actions are clipped to the bounds. */
  protected *predictReads(observation: Float32Array | number, deterministic: boolean): Reads<number | Float32Array> {
    const { actions } = yield* this.policy.actReads(encodeObservation(observation, this.env), 1, this.rng, deterministic);
    return envAction(this.policy.head, actions);
  }

  /** Trains for at least `totalTimesteps` more environment steps (whole batches of episodes). */
  protected *learnReads(totalTimesteps: number, options: LearnOptions): Reads<this> {
    const c = this.config;
    const { logger, onStep } = options;
    checkTotalTimesteps(totalTimesteps);
    const end = this.numTimesteps + totalTimesteps;
    while (this.numTimesteps < end) {
      // ---- rollout: whole episodes
      const observations: number[] = [];
      const actions: number[] = [];
      const returns: number[] = [];
      const baselines: number[] = [];
      for (let episode = 0; episode < c.episodesPerUpdate; episode++) {
        // A new or resumed agent seeds its first reset (seed + episodes so far); later resets continue the env's generator.
        let { observation } = this.env.reset(this.seeded ? {} : { seed: c.seed + this.episodes });
        this.seeded = true;
        const rewards: number[] = [];
        let bootstrap = 0;
        for (;;) {
          const { actions: sampled, values } = yield* this.policy.actReads(observation, 1, this.rng);
          const result = this.env.step(envAction(this.policy.head, sampled));
          observations.push(...observation);
          actions.push(...sampled);
          baselines.push(values[0]);
          rewards.push(result.reward);
          this.numTimesteps += 1;
          observation = result.observation;
          if (result.terminated || result.truncated) {
            // Truncation: the episode would go on; value its final observation.
            if (!result.terminated) bootstrap = (yield* this.policy.valuesReads(result.observation, 1))[0];
            break;
          }
        }
        returns.push(...discountedReturns(rewards, c.gamma, bootstrap));
        this.episodes += 1;
        logger?.log({
          step: this.numTimesteps,
          epoch: this.numTimesteps,
          'charts/episodicReturn': rewards.reduce((s, r) => s + r, 0),
          'charts/episodicLength': rewards.length,
        });
      }
      // ---- learning: one gradient step over the batch
      const differences = Float32Array.from(returns, (g, i) => g - baselines[i]);
      const advantages = c.normalizeAdvantage ? standardize(differences) : differences;
      const losses = yield* actorCriticStep(this.policy, this.optimizer, { observations, actions, advantages, returns }, c);
      this.updates += 1;
      checkFiniteLosses({ ...losses }, this.numTimesteps);
      logger?.log({ step: this.numTimesteps, ...losses });
      if (onStep?.(this.numTimesteps) === false) break;
    }
    return this;
  }

  /**
   * Saves networks, Adam's state, counters, the generator's state and the environment's (its
   * generator goes on between episodes), so that a loaded agent trains on bitwise.
   * `extra` is kept as the checkpoint's `extra` field (a training loop's own position).
   */
  async save(dir: string, extra?: Record<string, unknown>): Promise<void> {
    writeCheckpoint(dir, {
      algorithm: this.algorithm,
      config: this.config,
      numTimesteps: this.numTimesteps,
      episodes: this.episodes,
      updates: this.updates,
      rng: this.rng.state,
      weights: (await readWeights(this.policy.variables)).map(encodeArray),
      optimizer: await encodeOptimizer(this.optimizer),
      env: this.seeded ? captureEnvState(this.env as Env<unknown, unknown>) : null,
      ...(extra === undefined ? {} : { extra }),
    });
  }

  /** Restores an agent saved by {@link Reinforce.save}. */
  static async load(dir: string, env?: Env<Float32Array, unknown>): Promise<Reinforce> {
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
      'reinforce',
      fields,
      (saved) => new Reinforce(saved['config'], env),
      async (agent, saved) => {
        agent.policy.setWeights(decodeWeights(saved['weights'], sizesOf(agent.policy.variables), 'weights'));
        await restoreOptimizer(agent.optimizer, saved['optimizer']);
        agent.numTimesteps = saved['numTimesteps'];
        agent.episodes = saved['episodes'];
        agent.updates = saved['updates'];
        agent.rng.state = saved['rng'];
        if (saved['env']) {
          restoreEnvState(agent.env as Env<unknown, unknown>, saved['env'], checkpointPath(dir));
          agent.seeded = true;
        }
      },
    );
  }

  /** Frees the networks and the optimizer's state. */
  dispose(): void {
    this.policy.dispose();
    this.optimizer.dispose();
  }
}
