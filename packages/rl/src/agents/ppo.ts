/**
 * PPO with the clipped surrogate objective (Schulman et al. 2017), following Stable-Baselines3's
 * `PPO` (sb3 2.x ppo.py, on_policy_algorithm.py) and CleanRL's ppo.py: vectorized rollouts of
 * `nSteps` per environment, GAE advantages, `nEpochs` passes of shuffled minibatches, advantage
 * normalization per minibatch, optional value clipping (sb3's form), an entropy bonus, global
 * gradient clipping, linear learning-rate and clip-range schedules, and optional running
 * normalization of observations and rewards (sb3's VecNormalize). Categorical actions for Discrete
 * spaces, a diagonal Gaussian for Box spaces. Truncated episodes bootstrap from the value of their
 * final observation.
 */
import * as tf from '@tensorflow/tfjs';
import { Adam, InvalidArgumentError, shuffleInPlace, parseConfig, z } from '@bigmodel/core';

import { actionMaskOf, type ActionMask } from '../env/action-mask';
import type { Env } from '../env/env';
import { make } from '../env/registry';
import type { Box } from '../spaces/box';
import { Rng } from '../utils/rng';
import { AsyncVectorEnv } from '../vector/async-vector-env';
import type { EnvSource } from '../vector/env-from-spec';
import { SyncVectorEnv } from '../vector/sync-vector-env';
import type { VectorEnv } from '../vector/vector-env';
import { ActorCritic, actionHeadFor, envAction } from './common/actor-critic';
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
import { read, type Reads } from './common/reads';
import { AgentBase } from './common/agent-base';
import {
  CONFIG_SIZE_LIMITS,
  LEARNING_RATE_SCHEDULES,
  choiceOf,
  envFields,
  hiddenLayers,
  integerIn,
  numberIn,
  agentConfigSchema,
} from './common/config-fields';
import { standardize } from './common/standardize';
import { encodeObservation, prepareEnv } from './common/prepare-env';
import { RolloutCollector, computeGae, type Rollout } from './common/rollout';

// ---- Config -------------------------------------------------------------------------------------

/**
 * The schema of {@link PpoConfig}: each field's check, default and description (the one place the
 * fields are documented; docs/schemas/rl/PpoConfig.schema.json carries the descriptions).
 *
 * @category Agents
 */
export const ppoConfigSchema = agentConfigSchema(
  z
    .strictObject({
      ...envFields('CartPole-v1'),
      nEnvs: integerIn(1, CONFIG_SIZE_LIMITS.nEnvs)
        .default(1)
        .describe('Parallel environments, sub-environment i seeded with seed + i (default 1).'),
      nSteps: integerIn(1, CONFIG_SIZE_LIMITS.nSteps).default(2048).describe('Steps per environment per rollout (default 2048).'),
      batchSize: integerIn(1, CONFIG_SIZE_LIMITS.batchSize)
        .default(64)
        .describe('Minibatch size (default 64); must not exceed nSteps * nEnvs.'),
      nEpochs: integerIn(1).default(10).describe('Passes over each rollout (default 10).'),
      learningRate: numberIn(0, Infinity, true).default(3e-4).describe("Adam's learning rate, > 0 (default 3e-4)."),
      learningRateSchedule: choiceOf(LEARNING_RATE_SCHEDULES)
        .default('constant')
        .describe('`constant` (default) or `linear` decay of the learning rate to 0 over the run.'),
      gamma: numberIn(0, 1).default(0.99).describe('Discount in [0, 1] (default 0.99).'),
      gaeLambda: numberIn(0, 1).default(0.95).describe('GAE lambda in [0, 1] (default 0.95).'),
      clipRange: numberIn(0, Infinity, true).default(0.2).describe('Clip range of the probability ratio, > 0 (default 0.2).'),
      clipRangeSchedule: choiceOf(LEARNING_RATE_SCHEDULES)
        .default('constant')
        .describe('`constant` (default) or `linear` decay of the clip range to 0 over the run.'),
      clipRangeVf: numberIn(0, Infinity, true)
        .nullable()
        .default(null)
        .describe('Clip range of the value change, > 0, or null for none (default null).'),
      normalizeAdvantage: z.boolean().default(true).describe('Normalize advantages per minibatch (default true).'),
      entCoef: numberIn(0, Infinity).default(0).describe('Entropy bonus coefficient, >= 0 (default 0).'),
      vfCoef: numberIn(0, Infinity).default(0.5).describe('Value-loss coefficient, >= 0 (default 0.5).'),
      maxGradNorm: numberIn(0, Infinity, true).default(0.5).describe('Global gradient-norm clip, > 0 (default 0.5).'),
      targetKl: numberIn(0, Infinity, true)
        .nullable()
        .default(null)
        .describe("Stop an update's epochs once the approximate KL exceeds 1.5 x this, or null (default null)."),
      piArch: hiddenLayers().default([64, 64]).describe('Hidden sizes of the policy network (default [64, 64]).'),
      vfArch: hiddenLayers().default([64, 64]).describe('Hidden sizes of the value network (default [64, 64]).'),
      activation: choiceOf(['tanh', 'relu']).default('tanh').describe('Hidden activation, `tanh` (default) or `relu`.'),
      logStdInit: numberIn(-20, 20).default(0).describe('Initial log standard deviation of the Gaussian policy, in [-20, 20] (default 0).'),
      normalizeObservation: z.boolean().default(false).describe('Running normalization of observations (default false).'),
      normalizeReward: z
        .boolean()
        .default(false)
        .describe("Running normalization of rewards by the discounted return's std (default false)."),
      actionMasking: choiceOf(['auto', 'on', 'off'])
        .default('auto')
        .describe(
          'Action masking for Discrete actions (default `auto`): `auto` masks when the environment gives `info.actionMask` on reset, ' +
            '`on` requires it to, `off` ignores masks. Masked, invalid actions have probability exactly 0 when acting, and the update ' +
            'computes log-probabilities and entropy on the masked distribution with the masks stored in the rollout (MaskablePPO).',
        ),
      vectorization: choiceOf(['sync', 'async'])
        .default('sync')
        .describe(
          '`sync` (default) steps the environments in this thread (SyncVectorEnv); `async` steps each in a worker thread ' +
            '(AsyncVectorEnv), for environments whose step is expensive; the results are the same. `async` needs a registered `env` ' +
            '(no `envFn`), and its checkpoints do not keep the episodes in progress: a loaded agent starts new ones.',
        ),
      seed: integerIn(0).default(0).describe('Seed of the networks, the sampling, the minibatches and the environments (default 0).'),
    })
    .superRefine((c, context) => {
      if (c.batchSize > c.nSteps * c.nEnvs) {
        const message = `Must be an integer in [1, ${c.nSteps * c.nEnvs}] (nSteps * nEnvs).`;
        context.addIssue({ code: 'custom', path: ['batchSize'], input: c.batchSize, message });
      }
    }),
);

/**
 * PPO's hyperparameters, resolved (every field present); defaults are Stable-Baselines3's except
 * where noted. Inferred from {@link ppoConfigSchema}, whose descriptions document each field and
 * its default: `env`, `envKwargs`, `nEnvs` (1), `nSteps` (2048), `batchSize` (64), `nEpochs` (10),
 * `learningRate` (3e-4), `learningRateSchedule` (`constant`), `gamma` (0.99), `gaeLambda` (0.95),
 * `clipRange` (0.2), `clipRangeSchedule` (`constant`), `clipRangeVf` (null), `normalizeAdvantage`
 * (true), `entCoef` (0), `vfCoef` (0.5), `maxGradNorm` (0.5), `targetKl` (null), `piArch` and
 * `vfArch` ([64, 64]), `activation` (`tanh`), `logStdInit` (0), `normalizeObservation` and
 * `normalizeReward` (false), `actionMasking` (`auto`, see {@link actionMaskOf}), `vectorization`
 * (`sync`, see {@link SyncVectorEnv} and {@link AsyncVectorEnv}), `seed` (0).
 *
 * @category Agents
 */
export type PpoConfig = z.output<typeof ppoConfigSchema>;

/**
 * rl-zoo's tuned PPO hyperparameters (rl-baselines3-zoo `hyperparams/ppo.yml`; Pendulum without
 * gSDE, which this package implements for SAC only).
 * @category Agents
 */
export const PPO_PRESETS: Record<string, Partial<PpoConfig>> = {
  'CartPole-v1': {
    nEnvs: 8,
    nSteps: 32,
    batchSize: 256,
    gaeLambda: 0.8,
    gamma: 0.98,
    nEpochs: 20,
    entCoef: 0,
    learningRate: 1e-3,
    learningRateSchedule: 'linear',
    clipRange: 0.2,
    clipRangeSchedule: 'linear',
  },
  'Pendulum-v1': {
    nEnvs: 4,
    nSteps: 1024,
    batchSize: 64,
    gaeLambda: 0.95,
    gamma: 0.9,
    nEpochs: 10,
    entCoef: 0,
    learningRate: 1e-3,
    clipRange: 0.2,
    normalizeObservation: true,
    normalizeReward: true,
  },
  // rl-zoo's LunarLander-v2 entry, the rest at SB3's defaults (learning rate 3e-4, clip range 0.2).
  'LunarLander-v3': {
    nEnvs: 16,
    nSteps: 1024,
    batchSize: 64,
    gaeLambda: 0.98,
    gamma: 0.999,
    nEpochs: 4,
    entCoef: 0.01,
  },
};

/**
 * Fills PPO's defaults and validates through {@link ppoConfigSchema}; throws InvalidArgumentError
 * naming the path (`PpoConfig.gamma`) and the value, an unknown key with the nearest known one.
 * @category Agents
 */
export function resolvePpoConfig(config: Partial<PpoConfig> = {}): PpoConfig {
  return parseConfig(ppoConfigSchema, config, 'PpoConfig');
}

// ---- The agent ----------------------------------------------------------------------------------

/**
 * A PPO agent for Box or Discrete (one-hot encoded) observations and Discrete or Box actions.
 * @example
 * ```ts
 * const agent = new Ppo({ env: 'CartPole-v1', ...PPO_PRESETS['CartPole-v1'], seed: 0 });
 * agent.learn(100_000);
 * evaluate(agent, make('CartPole-v1'), { episodes: 100 });
 * ```
 * @category Agents
 */
export class Ppo extends AgentBase<number | Float32Array> {
  readonly algorithm: string = 'ppo';
  readonly config: PpoConfig;
  readonly envs: VectorEnv<unknown>;
  readonly policy: ActorCritic;
  readonly optimizer: Adam;
  readonly collector: RolloutCollector;
  readonly rng: Rng;
  /** The run length the schedules span (set by the first `learn`). */
  totalTimesteps = 0;
  /** Updates done. */
  updates = 0;
  private currentLr: number;
  /** A sub-environment (or, with async vectorization, a copy) that encodes observations for predict. */
  private readonly predictEnv: Env<Float32Array, unknown>;

  constructor(config: Partial<PpoConfig> = {}, envFn?: () => Env<Float32Array, unknown>) {
    super();
    this.config = resolvePpoConfig(config);
    const c = this.config;
    const makeEnv = () => prepareEnv('PPO', envFn?.() ?? make<unknown, unknown>(c.env, c.envKwargs), ['Discrete', 'Box']);
    if (c.vectorization === 'async') {
      if (envFn)
        throw new InvalidArgumentError({
          parameter: 'vectorization',
          value: 'async',
          message: "Worker threads build environments from a registered id (config.env), not from envFn; use 'sync' with envFn.",
        });
      const source: EnvSource = { id: c.env, kwargs: c.envKwargs, prepare: { algorithm: 'PPO', actions: ['Discrete', 'Box'] } };
      this.envs = new AsyncVectorEnv(
        Array.from({ length: c.nEnvs }, () => source),
        { autoresetMode: 'same-step' },
      );
      this.predictEnv = makeEnv() as Env<Float32Array, unknown>;
    } else {
      const envs = new SyncVectorEnv(
        Array.from({ length: c.nEnvs }, () => makeEnv as () => Env<Float32Array, unknown>),
        { autoresetMode: 'same-step' },
      );
      this.envs = envs;
      this.predictEnv = envs.envs[0] as Env<Float32Array, unknown>;
    }
    const obsSize = (this.envs.singleObservationSpace as unknown as Box).size;
    this.policy = new ActorCritic(obsSize, actionHeadFor(this.envs.singleActionSpace), {
      piArch: c.piArch,
      vfArch: c.vfArch,
      activation: c.activation,
      logStdInit: c.logStdInit,
      seed: c.seed,
    });
    this.currentLr = c.learningRate;
    this.optimizer = new Adam({
      learningRate: { at: () => this.currentLr, getConfig: () => ({ kind: 'constant', lr: this.currentLr }) },
      epsilon: 1e-5,
      clipNorm: c.maxGradNorm,
    });
    this.collector = new RolloutCollector(this.envs, this.policy, {
      gamma: c.gamma,
      normalizeObservation: c.normalizeObservation,
      normalizeReward: c.normalizeReward,
      actionMasking: c.actionMasking,
    });
    this.rng = new Rng(c.seed);
  }

  /** Environment steps taken so far (all sub-environments). */
  get numTimesteps(): number {
    return this.collector.numTimesteps;
  }

  /**
   * The action for one raw observation (normalized with frozen statistics); Box actions are clipped
   * to the bounds. `actionMask` (the step's `info.actionMask`) restricts a Discrete action to the
   * valid ones unless `actionMasking` is `off`.
   */
  protected *predictReads(
    observation: Float32Array | number,
    deterministic: boolean,
    actionMask?: ActionMask | null,
  ): Reads<number | Float32Array> {
    const x = encodeObservation(observation, this.predictEnv);
    const head = this.policy.head;
    const mask = head.kind === 'categorical' && this.config.actionMasking !== 'off' ? actionMaskOf({ actionMask }, head.n) : null;
    const { actions } = yield* this.policy.actReads(this.collector.normalize(x), 1, this.rng, deterministic, mask);
    return envAction(head, actions);
  }

  /** Trains for about `totalTimesteps` more environment steps (whole rollouts). */
  protected *learnReads(totalTimesteps: number, options: LearnOptions): Reads<this> {
    const c = this.config;
    const { logger, onStep } = options;
    checkTotalTimesteps(totalTimesteps);
    if (this.totalTimesteps === 0) this.totalTimesteps = totalTimesteps;
    const end = this.numTimesteps + totalTimesteps;
    while (this.numTimesteps < end) {
      const progressRemaining = Math.max(0, 1 - this.numTimesteps / this.totalTimesteps);
      this.currentLr = c.learningRateSchedule === 'linear' ? c.learningRate * progressRemaining : c.learningRate;
      const clip = c.clipRangeSchedule === 'linear' ? c.clipRange * progressRemaining : c.clipRange;
      // ---- rollout
      // the seed is used only when the collector resets (first rollout, or after loading)
      const rollout = yield* this.collector.collectReads(c.nSteps, this.rng, c.seed + this.updates, logger);
      const { advantages, returns } = computeGae(rollout, c.nSteps, c.nEnvs, c.gamma, c.gaeLambda);
      // ---- learning
      const stats = yield* this.train(rollout, advantages, returns, clip);
      this.updates += 1;
      checkFiniteLosses({ 'losses/policyLoss': stats[0], 'losses/valueLoss': stats[1], 'losses/entropy': -stats[2] }, this.numTimesteps);
      logger?.log({
        step: this.numTimesteps,
        'losses/policyLoss': stats[0],
        'losses/valueLoss': stats[1],
        'losses/entropy': -stats[2],
        'losses/approxKl': stats[3],
        'losses/clipFraction': stats[4],
        'schedule/learningRate': this.currentLr,
      });
      if (onStep?.(this.numTimesteps) === false) break;
    }
    return this;
  }

  /** nEpochs of minibatch updates; returns the last epoch's mean [policy, value, entropy loss, approx KL, clip fraction]. */
  private *train(rollout: Rollout, advantages: Float32Array, returns: Float32Array, clip: number): Reads<number[]> {
    const { observations: obs, actions, logProbs: oldLogProbs, values: oldValues } = rollout;
    const masks = rollout.actionMasks === null ? null : Float32Array.from(rollout.actionMasks);
    const k = this.policy.head.kind === 'categorical' ? this.policy.head.n : 0;
    const c = this.config;
    const total = c.nSteps * c.nEnvs;
    const obsSize = this.policy.observationSize;
    const a = this.policy.actionSize;
    const indices = Array.from({ length: total }, (_, i) => i);
    let last: number[] = [0, 0, 0, 0, 0];
    for (let epoch = 0; epoch < c.nEpochs; epoch++) {
      shuffleInPlace(indices, () => this.rng.random());
      const sums = [0, 0, 0, 0, 0];
      let batches = 0;
      let stop = false;
      for (let start = 0; start < total; start += c.batchSize) {
        const idx = indices.slice(start, start + c.batchSize);
        const m = idx.length;
        const gather = (source: Float32Array, width: number) => {
          const out = new Float32Array(m * width);
          idx.forEach((i, k) => out.set(source.subarray(i * width, (i + 1) * width), k * width));
          return out;
        };
        let adv: Float32Array = gather(advantages, 1);
        if (c.normalizeAdvantage) adv = standardize(adv);
        const kept = tf.tidy(() => {
          const obsT = tf.tensor2d(gather(obs, obsSize), [m, obsSize]);
          const actT = tf.tensor2d(gather(actions, a), [m, a]);
          const oldLogProbT = tf.tensor1d(gather(oldLogProbs, 1));
          const oldValueT = tf.tensor1d(gather(oldValues, 1));
          const advT = tf.tensor1d(adv);
          const returnT = tf.tensor1d(gather(returns, 1));
          const maskT = masks === null ? null : tf.tensor2d(gather(masks, k), [m, k]);
          let statsT: tf.Tensor | null = null;
          this.optimizer.minimize(
            () => {
              const { logProb, entropy, value } = this.policy.evaluateActions(obsT, actT, maskT);
              const logRatio = tf.sub(logProb, oldLogProbT);
              const ratio = tf.exp(logRatio);
              const policyLoss = tf.neg(tf.mean(tf.minimum(tf.mul(advT, ratio), tf.mul(advT, tf.clipByValue(ratio, 1 - clip, 1 + clip)))));
              const predicted =
                c.clipRangeVf === null ? value : tf.add(oldValueT, tf.clipByValue(tf.sub(value, oldValueT), -c.clipRangeVf, c.clipRangeVf));
              const valueLoss = tf.mean(tf.square(tf.sub(returnT, predicted)));
              const entropyLoss = tf.neg(tf.mean(entropy));
              const approxKl = tf.mean(tf.sub(tf.sub(ratio, 1), logRatio));
              const clipFraction = tf.mean(tf.cast(tf.greater(tf.abs(tf.sub(ratio, 1)), clip), 'float32'));
              statsT = tf.keep(tf.stack([policyLoss, valueLoss, entropyLoss, approxKl, clipFraction]));
              return tf.add(policyLoss, tf.add(tf.mul(entropyLoss, c.entCoef), tf.mul(valueLoss, c.vfCoef))) as tf.Scalar;
            },
            false,
            this.policy.variables,
          );
          // Kept out of minimize's scope to be read below (read() frees it).
          return statsT as unknown as tf.Tensor;
        });
        const values = Array.from((yield* read(kept))[0]);
        values.forEach((v, k) => (sums[k] += v));
        batches += 1;
        if (c.targetKl !== null && values[3] > 1.5 * c.targetKl) {
          stop = true;
          break;
        }
      }
      last = sums.map((s) => s / batches);
      if (stop) break;
    }
    return last;
  }

  /**
   * Saves everything needed to resume: the networks, Adam's state, the normalizers' statistics, the
   * step and update counters (the schedules' position), the generator's state and the episodes in
   * progress (environments included), so that a loaded agent trains on bitwise as if never stopped.
   * `extra` is kept as the checkpoint's `extra` field (a training loop's own position).
   */
  async save(dir: string, extra?: Record<string, unknown>): Promise<void> {
    writeCheckpoint(dir, {
      algorithm: this.algorithm,
      config: this.config,
      numTimesteps: this.numTimesteps,
      totalTimesteps: this.totalTimesteps,
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

  /** Restores an agent saved by {@link Ppo.save} (pass `envFn` when it was trained on a custom environment). */
  static async load(dir: string, envFn?: () => Env<Float32Array, unknown>): Promise<Ppo> {
    const fields = {
      config: 'object',
      weights: 'array',
      optimizer: 'array',
      numTimesteps: 'count',
      episodes: 'count',
      totalTimesteps: 'count',
      updates: 'count',
      rng: 'uint32',
    } as const;
    return loadCheckpoint(
      dir,
      'ppo',
      fields,
      (saved) => new Ppo(saved['config'], envFn),
      (agent, saved) => agent.restore(saved, checkpointPath(dir)),
    );
  }

  /** @internal Restores the state common to PPO-style checkpoints. */
  protected async restore(saved: Record<string, never>, path: string): Promise<void> {
    this.policy.setWeights(decodeWeights(saved['weights'], sizesOf(this.policy.variables), 'weights'));
    await restoreOptimizer(this.optimizer, saved['optimizer']);
    if (saved['obsRms']) this.collector.obsRms?.load(saved['obsRms']);
    if (saved['returnRms']) this.collector.returnRms?.load(saved['returnRms']);
    this.collector.numTimesteps = saved['numTimesteps'];
    this.collector.episodes = saved['episodes'];
    this.totalTimesteps = saved['totalTimesteps'];
    this.updates = saved['updates'];
    this.rng.state = saved['rng'];
    this.collector.restart();
    if (saved['inProgress']) this.collector.setState(saved['inProgress'], path);
  }

  /** Frees the networks and the optimizer's state. */
  dispose(): void {
    this.policy.dispose();
    this.optimizer.dispose();
    if (this.envs instanceof AsyncVectorEnv) this.envs.close();
  }
}
