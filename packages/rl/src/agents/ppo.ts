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
import { Adam, InvalidArgumentError, shuffleInPlace } from '@bigmodel/core';

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
import { CONFIG_SIZE_LIMITS, checkChoice, checkInteger, checkKnownKeys, checkLayers, checkRange } from './config-checks';
import type { Policy } from './evaluate';
import type { LearnOptions } from './common/learn-options';
import { read, runAsync, runSync, type Reads } from './common/reads';
import { standardize } from './common/standardize';
import { encodeObservation, prepareEnv } from './common/prepare-env';
import { RolloutCollector, computeGae, type Rollout } from './common/rollout';

// ---- Config -------------------------------------------------------------------------------------

/**
 * PPO's hyperparameters; defaults are Stable-Baselines3's except where noted.
 *
 * @category Agents
 */
export interface PpoConfig {
  /** The registered environment id (default `CartPole-v1`). */
  env: string;
  /** Keyword arguments for `make(env, envKwargs)`. */
  envKwargs: Record<string, unknown>;
  /** Parallel environments, sub-environment i seeded with seed + i (default 1). */
  nEnvs: number;
  /** Steps per environment per rollout (default 2048). */
  nSteps: number;
  /** Minibatch size (default 64); must not exceed nSteps * nEnvs. */
  batchSize: number;
  /** Passes over each rollout (default 10). */
  nEpochs: number;
  /** Adam's learning rate (default 3e-4). */
  learningRate: number;
  /** `constant` (default) or `linear` decay of the learning rate to 0 over the run. */
  learningRateSchedule: 'constant' | 'linear';
  /** Discount in [0, 1] (default 0.99). */
  gamma: number;
  /** GAE lambda in [0, 1] (default 0.95). */
  gaeLambda: number;
  /** Clip range of the probability ratio (default 0.2). */
  clipRange: number;
  /** `constant` (default) or `linear` decay of the clip range to 0 over the run. */
  clipRangeSchedule: 'constant' | 'linear';
  /** Clip range of the value change, or null for none (default null). */
  clipRangeVf: number | null;
  /** Normalize advantages per minibatch (default true). */
  normalizeAdvantage: boolean;
  /** Entropy bonus coefficient (default 0). */
  entCoef: number;
  /** Value-loss coefficient (default 0.5). */
  vfCoef: number;
  /** Global gradient-norm clip (default 0.5). */
  maxGradNorm: number;
  /** Stop an update's epochs once the approximate KL exceeds 1.5 x this, or null (default null). */
  targetKl: number | null;
  /** Hidden sizes of the policy network (default [64, 64]). */
  piArch: number[];
  /** Hidden sizes of the value network (default [64, 64]). */
  vfArch: number[];
  /** Hidden activation (default `tanh`). */
  activation: 'tanh' | 'relu';
  /** Initial log standard deviation of the Gaussian policy (default 0). */
  logStdInit: number;
  /** Running normalization of observations (default false). */
  normalizeObservation: boolean;
  /** Running normalization of rewards by the discounted return's std (default false). */
  normalizeReward: boolean;
  /**
   * Action masking for Discrete actions (default `auto`): `auto` masks when the environment gives
   * `info.actionMask` on reset (see {@link actionMaskOf}), `on` requires it to, `off` ignores masks.
   * Masked, invalid actions have probability exactly 0 when acting, and the update computes
   * log-probabilities and entropy on the masked distribution with the masks stored in the rollout
   * (sb3-contrib's MaskablePPO).
   */
  actionMasking: 'auto' | 'on' | 'off';
  /**
   * `sync` (default) steps the environments in this thread ({@link SyncVectorEnv}); `async` steps
   * each in a worker thread ({@link AsyncVectorEnv}), for environments whose step is expensive; the
   * results are the same. `async` needs a registered `env` (no `envFn`), and its checkpoints do not
   * keep the episodes in progress: a loaded agent starts new ones.
   */
  vectorization: 'sync' | 'async';
  /** Seed of the networks, the sampling, the minibatches and the environments (default 0). */
  seed: number;
}

const PPO_DEFAULTS: PpoConfig = {
  env: 'CartPole-v1',
  envKwargs: {},
  nEnvs: 1,
  nSteps: 2048,
  batchSize: 64,
  nEpochs: 10,
  learningRate: 3e-4,
  learningRateSchedule: 'constant',
  gamma: 0.99,
  gaeLambda: 0.95,
  clipRange: 0.2,
  clipRangeSchedule: 'constant',
  clipRangeVf: null,
  normalizeAdvantage: true,
  entCoef: 0,
  vfCoef: 0.5,
  maxGradNorm: 0.5,
  targetKl: null,
  piArch: [64, 64],
  vfArch: [64, 64],
  activation: 'tanh',
  logStdInit: 0,
  normalizeObservation: false,
  normalizeReward: false,
  actionMasking: 'auto',
  vectorization: 'sync',
  seed: 0,
};

/**
 * rl-zoo's tuned PPO hyperparameters (rl-baselines3-zoo `hyperparams/ppo.yml`; Pendulum without
 * gSDE, which this package does not implement).
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
 * Fills PPO's defaults and validates; throws InvalidArgumentError naming the parameter.
 * @category Agents
 */
export function resolvePpoConfig(config: Partial<PpoConfig> = {}): PpoConfig {
  checkKnownKeys(config, PPO_DEFAULTS, 'PPO');
  const c: PpoConfig = { ...PPO_DEFAULTS, ...config };
  checkInteger('nEnvs', c.nEnvs, 1, CONFIG_SIZE_LIMITS.nEnvs);
  checkInteger('nSteps', c.nSteps, 1, CONFIG_SIZE_LIMITS.nSteps);
  checkInteger('batchSize', c.batchSize, 1, CONFIG_SIZE_LIMITS.batchSize);
  if (c.batchSize > c.nSteps * c.nEnvs) checkRange('batchSize', c.batchSize, 1, c.nSteps * c.nEnvs);
  checkInteger('nEpochs', c.nEpochs, 1);
  checkRange('learningRate', c.learningRate, 0, Infinity, true);
  checkChoice('learningRateSchedule', c.learningRateSchedule, ['constant', 'linear'] as const);
  checkRange('gamma', c.gamma, 0, 1);
  checkRange('gaeLambda', c.gaeLambda, 0, 1);
  checkRange('clipRange', c.clipRange, 0, Infinity, true);
  checkChoice('clipRangeSchedule', c.clipRangeSchedule, ['constant', 'linear'] as const);
  if (c.clipRangeVf !== null) checkRange('clipRangeVf', c.clipRangeVf, 0, Infinity, true);
  checkRange('entCoef', c.entCoef, 0, Infinity);
  checkRange('vfCoef', c.vfCoef, 0, Infinity);
  checkRange('maxGradNorm', c.maxGradNorm, 0, Infinity, true);
  if (c.targetKl !== null) checkRange('targetKl', c.targetKl, 0, Infinity, true);
  checkLayers('piArch', c.piArch);
  checkLayers('vfArch', c.vfArch);
  checkChoice('activation', c.activation, ['tanh', 'relu'] as const);
  checkRange('logStdInit', c.logStdInit, -20, 20);
  checkChoice('actionMasking', c.actionMasking, ['auto', 'on', 'off'] as const);
  checkChoice('vectorization', c.vectorization, ['sync', 'async'] as const);
  checkInteger('seed', c.seed, 0);
  return c;
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
export class Ppo implements Policy<number | Float32Array> {
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
      lr: { at: () => this.currentLr, getConfig: () => ({ kind: 'constant', lr: this.currentLr }) },
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
  predict(observation: Float32Array | number, deterministic = true, actionMask?: ActionMask | null): number | Float32Array {
    return runSync(this.predictReads(observation, deterministic, actionMask));
  }

  /** {@link Ppo.predict} on any backend, webgpu included. */
  predictAsync(observation: Float32Array | number, deterministic = true, actionMask?: ActionMask | null): Promise<number | Float32Array> {
    return runAsync(this.predictReads(observation, deterministic, actionMask));
  }

  private *predictReads(
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
  learn(totalTimesteps: number, options: LearnOptions = {}): this {
    return runSync(this.learnReads(totalTimesteps, options));
  }

  /**
   * {@link Ppo.learn} on any backend, webgpu included: the device is read asynchronously. Same
   * numbers as `learn`.
   */
  learnAsync(totalTimesteps: number, options: LearnOptions = {}): Promise<this> {
    return runAsync(this.learnReads(totalTimesteps, options));
  }

  private *learnReads(totalTimesteps: number, options: LearnOptions): Reads<this> {
    const c = this.config;
    const { logger, onStep } = options;
    checkInteger('totalTimesteps', totalTimesteps, 1);
    if (this.totalTimesteps === 0) this.totalTimesteps = totalTimesteps;
    const end = this.numTimesteps + totalTimesteps;
    while (this.numTimesteps < end) {
      const progressRemaining = Math.max(0, 1 - this.numTimesteps / this.totalTimesteps);
      this.currentLr = c.learningRateSchedule === 'linear' ? c.learningRate * progressRemaining : c.learningRate;
      const clip = c.clipRangeSchedule === 'linear' ? c.clipRange * progressRemaining : c.clipRange;
      // ---- rollout
      const rollout = yield* this.collector.collectReads(c.nSteps, this.rng, c.seed + this.updates, logger); // the seed is used only when the collector resets (first rollout, or after loading)
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
