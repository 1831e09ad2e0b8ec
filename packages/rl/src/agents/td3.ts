/**
 * TD3, Twin Delayed DDPG (Fujimoto et al. 2018, "Addressing Function Approximation Error in
 * Actor-Critic Methods"), with DDPG (Lillicrap et al. 2016, "Continuous control with deep
 * reinforcement learning") as its special case {@link DDPG_OVERRIDES}: one critic, no target
 * smoothing, the actor updated at every critic update. The update follows Stable-Baselines3's `TD3`
 * (sb3 2.x, td3.py, td3/policies.py, off_policy_algorithm.py; sb3's DDPG is this TD3 with those three
 * settings) and CleanRL's td3_continuous_action.py: a deterministic tanh actor, clipped double-Q
 * targets from the target critics at the target actor's action plus clipped Gaussian noise (target
 * policy smoothing), the actor and all target networks updated every `policyDelay` critic updates
 * with Polyak factor `tau`, and Gaussian (or Ornstein-Uhlenbeck) exploration noise added to the
 * actor's [-1, 1]-scaled action and clipped, then rescaled to the Box's bounds.
 */
import * as tf from '@tensorflow/tfjs';
import { Adam, InvalidArgumentError, parseConfig, z } from '@bigmodel/core';

import type { Env } from '../env/env';
import { make } from '../env/registry';
import type { Box } from '../spaces/box';
import { Rng } from '../utils/rng';
import { checkFiniteLosses } from './common/check-finite-losses';
import {
  checkpointPath,
  decodeUint8,
  decodeWeights,
  encodeArray,
  encodeOptimizer,
  loadCheckpoint,
  readCheckpoint,
  readWeights,
  restoreOptimizer,
  sizesOf,
  writeCheckpoint,
} from './checkpoint';
import {
  CONFIG_SIZE_LIMITS,
  LEARNING_RATE_SCHEDULES,
  bufferHoldsBatch,
  choiceOf,
  envFields,
  gradientSteps,
  hiddenLayers,
  integerIn,
  numberIn,
  agentConfigSchema,
} from './common/config-fields';
import { ActionNoise } from './common/action-noise';
import { prepareBoxEnv, unscaleAction } from './common/box-actions';
import { ContinuousCritics } from './common/continuous-critics';
import { OffPolicyRollout } from './common/off-policy-rollout';
import { type LearnOptions, checkTotalTimesteps } from './common/learn-options';
import { read, readSums, runSync, type Reads } from './common/reads';
import { AgentBase } from './common/agent-base';
import { Mlp } from './common/mlp';
import { encodeObservation } from './common/prepare-env';
import { ReplayBuffer } from './common/replay-buffer';

// ---- Config -------------------------------------------------------------------------------------

/**
 * The schema of {@link Td3Config}: each field's check, default and description (the one place the
 * fields are documented; docs/schemas/rl/Td3Config.schema.json carries the descriptions).
 *
 * @category Agents
 */
export const td3ConfigSchema = agentConfigSchema(
  z
    .strictObject({
      ...envFields('Pendulum-v1', ', with a Box action space'),
      learningRate: numberIn(0, Infinity, true)
        .default(1e-3)
        .describe("Adam's learning rate for the actor and the critics, > 0 (default 1e-3)."),
      learningRateSchedule: choiceOf(LEARNING_RATE_SCHEDULES)
        .default('constant')
        .describe("`constant` (default) or `linear`: rl-zoo's `lin_<lr>`, the rate times the fraction of the run remaining."),
      bufferSize: integerIn(1, CONFIG_SIZE_LIMITS.bufferSize)
        .default(1_000_000)
        .describe('Replay capacity in transitions (default 1,000,000); must be >= batchSize.'),
      learningStarts: integerIn(0)
        .default(100)
        .describe('Environment steps of uniformly random actions before learning starts (default 100).'),
      batchSize: integerIn(1, CONFIG_SIZE_LIMITS.batchSize).default(256).describe('Transitions per gradient step (default 256).'),
      tau: numberIn(0, 1, true).default(0.005).describe("Polyak factor of the target networks' updates, in (0, 1] (default 0.005)."),
      gamma: numberIn(0, 1).default(0.99).describe('Discount in [0, 1] (default 0.99).'),
      trainFreq: integerIn(1).default(1).describe('Steps (or episodes, see trainFreqUnit) between training phases (default 1).'),
      trainFreqUnit: choiceOf(['step', 'episode']).default('step').describe('`step` (default) or `episode`: what trainFreq counts.'),
      gradientSteps: gradientSteps()
        .default(1)
        .describe('Gradient steps per training phase; -1: as many as environment steps collected (default 1).'),
      policyDelay: integerIn(1).default(2).describe('Critic updates per actor and target update (default 2; DDPG: 1).'),
      targetPolicyNoise: numberIn(0, Infinity)
        .default(0.2)
        .describe('Standard deviation of the target policy smoothing noise, in scaled actions, >= 0 (default 0.2; DDPG: 0).'),
      targetNoiseClip: numberIn(0, Infinity)
        .default(0.5)
        .describe('The smoothing noise is clipped to [-targetNoiseClip, targetNoiseClip], >= 0 (default 0.5).'),
      nCritics: integerIn(1, CONFIG_SIZE_LIMITS.nCritics)
        .default(2)
        .describe('Number of critics; the target takes their minimum (default 2; DDPG: 1).'),
      actionNoise: choiceOf(['normal', 'ornstein-uhlenbeck', 'none'])
        .default('normal')
        .describe('Exploration noise: `normal` (default), `ornstein-uhlenbeck`, or `none`.'),
      actionNoiseStd: numberIn(0, Infinity)
        .default(0.1)
        .describe("The exploration noise's sigma, in scaled actions, >= 0 (default 0.1, rl-zoo's `noise_std`)."),
      netArch: hiddenLayers()
        .default([400, 300])
        .describe('Hidden-layer sizes of the actor and of each critic, ReLU between them (default [400, 300]).'),
      seed: integerIn(0).default(0).describe('Seed of the networks, the noise, the sampling and the environment (default 0).'),
    })
    .superRefine(bufferHoldsBatch),
);

/**
 * TD3's hyperparameters, resolved (every field present); defaults are Stable-Baselines3's.
 * Inferred from {@link td3ConfigSchema}, whose descriptions document each field and its default:
 * `env` (`Pendulum-v1`), `envKwargs`, `learningRate` (1e-3), `learningRateSchedule` (`constant`),
 * `bufferSize` (1,000,000), `learningStarts` (100), `batchSize` (256), `tau` (0.005), `gamma`
 * (0.99), `trainFreq` (1), `trainFreqUnit` (`step`), `gradientSteps` (1), `policyDelay` (2),
 * `targetPolicyNoise` (0.2), `targetNoiseClip` (0.5), `nCritics` (2), `actionNoise` (`normal`),
 * `actionNoiseStd` (0.1), `netArch` ([400, 300]), `seed` (0).
 *
 * @category Agents
 */
export type Td3Config = z.output<typeof td3ConfigSchema>;

/**
 * The settings that make TD3 DDPG (as sb3's `DDPG` sets them): one critic, no target policy
 * smoothing, the actor and targets updated at every critic update.
 * @example
 * ```ts
 * const ddpg = new Td3({ env: 'Pendulum-v1', ...TD3_PRESETS['Pendulum-v1'], ...DDPG_OVERRIDES });
 * ```
 * @category Agents
 */
export const DDPG_OVERRIDES: Partial<Td3Config> = { nCritics: 1, policyDelay: 1, targetPolicyNoise: 0, targetNoiseClip: 0 };

/**
 * rl-zoo's tuned TD3 hyperparameters (rl-baselines3-zoo `hyperparams/td3.yml`); its `train_freq: [1,
 * "episode"]` is `trainFreq: 1, trainFreqUnit: 'episode'`.
 * @category Agents
 */
export const TD3_PRESETS: Record<string, Partial<Td3Config>> = {
  'Pendulum-v1': {
    gamma: 0.98,
    bufferSize: 200_000,
    learningStarts: 10_000,
    actionNoise: 'normal',
    actionNoiseStd: 0.1,
    gradientSteps: -1,
    trainFreq: 1,
    trainFreqUnit: 'episode',
    learningRate: 1e-3,
    netArch: [400, 300],
  },
  'MountainCarContinuous-v0': { actionNoise: 'ornstein-uhlenbeck', actionNoiseStd: 0.5 },
  'LunarLanderContinuous-v3': {
    gamma: 0.98,
    bufferSize: 200_000,
    learningStarts: 10_000,
    actionNoise: 'normal',
    actionNoiseStd: 0.1,
    gradientSteps: -1,
    trainFreq: 1,
    trainFreqUnit: 'episode',
    learningRate: 1e-3,
    netArch: [400, 300],
  },
};

/**
 * Fills TD3's defaults and validates through {@link td3ConfigSchema}; throws InvalidArgumentError
 * naming the path (`Td3Config.policyDelay`) and the value, an unknown key with the nearest known one.
 * @category Agents
 */
export function resolveTd3Config(config: Partial<Td3Config> = {}): Td3Config {
  return parseConfig(td3ConfigSchema, config, 'Td3Config');
}

// ---- Helpers ------------------------------------------------------------------------------------

/**
 * Target policy smoothing noise: `n` draws of N(0, sigma^2) clipped to [-clip, clip] (all zeros
 * when sigma is 0, drawing nothing, as DDPG).
 * @category Agents
 */
export function smoothingNoise(n: number, sigma: number, clip: number, rng: Rng): Float32Array {
  const out = new Float32Array(n);
  if (sigma === 0) return out;
  for (let i = 0; i < n; i++) out[i] = Math.min(clip, Math.max(-clip, sigma * rng.normal()));
  return out;
}

/**
 * The clipped double-Q target `r + gamma * (1 - terminated) * min_i Q'_i(s', clip(mu'(s') + noise, -1, 1))`
 * given the target actor's actions and the target critics. Call inside `tf.tidy`.
 * @category Agents
 */
export function td3Target(rewards: tf.Tensor1D, terminated: tf.Tensor1D, gamma: number, nextQ: tf.Tensor2D[]): tf.Tensor1D {
  const minQ = tf.squeeze(
    nextQ.reduce((a, b) => tf.minimum(a, b)),
    [1],
  ) as tf.Tensor1D;
  return tf.add(rewards, tf.mul(tf.mul(tf.sub(1, terminated), gamma), minQ));
}

/**
 * Losses of a training phase (means over its updates; the actor's over the delayed updates made).
 *
 * @category Agents
 */
export interface Td3Losses {
  'losses/criticLoss': number;
  /** NaN-free: 0 when the phase made no actor update. */
  'losses/actorLoss': number;
}

// ---- The agent ----------------------------------------------------------------------------------

/**
 * A TD3 (or, with {@link DDPG_OVERRIDES}, DDPG) agent for environments with a bounded Box action
 * space; a Discrete action space is refused with InvalidArgumentError when built.
 * @example
 * ```ts
 * const agent = new Td3({ env: 'Pendulum-v1', ...TD3_PRESETS['Pendulum-v1'], seed: 1 });
 * agent.learn(20_000);
 * evaluate(agent, make('Pendulum-v1'), { episodes: 100, seed: 0 });
 * ```
 * @category Agents
 */
export class Td3 extends AgentBase<Float32Array> {
  /** `ddpg` when built with {@link DDPG_OVERRIDES}' settings. */
  readonly algorithm: 'td3' | 'ddpg';
  readonly config: Td3Config;
  /** The training environment. */
  readonly env: Env<Float32Array, Float32Array>;
  /** The deterministic policy, tanh of its output. */
  readonly actor: Mlp;
  readonly actorTarget: Mlp;
  readonly critics: ContinuousCritics;
  readonly criticTargets: ContinuousCritics;
  readonly actorOptimizer: Adam;
  readonly criticOptimizer: Adam;
  readonly buffer: ReplayBuffer;
  /** Exploration noise (null for `none`). */
  readonly noise: ActionNoise | null;
  /** Noise and sampling generator. */
  readonly rng: Rng;
  /** The total of steps a linear learning-rate schedule spans (set by the first `learn`). */
  totalTimesteps = 0;
  /** Critic updates made (gradient steps). */
  criticUpdates = 0;
  /** Actor (and target) updates made: one per `policyDelay` critic updates. */
  actorUpdates = 0;
  private readonly rollout: OffPolicyRollout;
  private readonly actionSize: number;
  private readonly obsSize: number;
  private currentLr: number;

  constructor(config: Partial<Td3Config> = {}, env?: Env<Float32Array, Float32Array>) {
    super();
    this.config = resolveTd3Config(config);
    const c = this.config;
    const isDdpg = c.nCritics === 1 && c.policyDelay === 1 && c.targetPolicyNoise === 0;
    this.algorithm = isDdpg ? 'ddpg' : 'td3';
    const prepared = prepareBoxEnv(isDdpg ? 'DDPG' : 'TD3', env ?? make<unknown, Float32Array>(c.env, c.envKwargs));
    this.env = prepared.env;
    const space: Box = prepared.space;
    this.obsSize = (this.env.observationSpace as unknown as Box).size;
    this.actionSize = space.size;
    // ---- seeding: each network and the noise generator from the run's seed
    const seeds = new Rng(c.seed);
    const actorSeed = seeds.nextSeed();
    const criticSeeds = Array.from({ length: c.nCritics }, () => seeds.nextSeed());
    this.rng = new Rng(seeds.nextSeed());
    // ---- networks
    const sizes = [this.obsSize, ...c.netArch, this.actionSize];
    this.actor = new Mlp(sizes, { activation: 'relu', init: { kind: 'pytorch' }, seed: actorSeed });
    this.actorTarget = new Mlp(sizes, { activation: 'relu', init: { kind: 'pytorch' }, seed: actorSeed, trainable: false });
    this.actorTarget.updateFrom(this.actor);
    this.critics = new ContinuousCritics(this.obsSize, this.actionSize, c.netArch, criticSeeds);
    this.criticTargets = new ContinuousCritics(this.obsSize, this.actionSize, c.netArch, criticSeeds, false);
    this.criticTargets.updateFrom(this.critics);
    // ---- optimizers and exploration
    this.currentLr = c.learningRate;
    const lr = { at: () => this.currentLr, getConfig: () => ({ kind: 'constant', lr: this.currentLr }) };
    this.actorOptimizer = new Adam({ learningRate: lr });
    this.criticOptimizer = new Adam({ learningRate: lr });
    this.noise = c.actionNoise === 'none' ? null : new ActionNoise(c.actionNoise, c.actionNoiseStd, this.actionSize);
    this.buffer = new ReplayBuffer(c.bufferSize, this.obsSize, this.actionSize);
    this.rollout = new OffPolicyRollout(this.env, space, this.buffer);
  }

  /** Environment steps taken in all `learn` calls. */
  get numTimesteps(): number {
    return this.rollout.numTimesteps;
  }

  /** Episodes finished. */
  get episodes(): number {
    return this.rollout.episodes;
  }

  /** The actor's action in [-1, 1]^n, with exploration noise added and clipped unless deterministic. */
  private *actScaled(observation: Float32Array, deterministic: boolean): Reads<Float32Array> {
    const [action] = yield* read(tf.tidy(() => tf.tanh(this.actor.apply(tf.tensor2d(observation, [1, this.obsSize])))));
    if (deterministic || this.noise === null) return action;
    const noise = this.noise.sample(this.rng);
    return action.map((a, i) => Math.min(1, Math.max(-1, a + noise[i])));
  }

  /** The action in the environment's units: the actor's, plus exploration noise when not deterministic. */
  protected *predictReads(observation: Float32Array | number, deterministic: boolean): Reads<Float32Array> {
    const x = encodeObservation(observation, this.env);
    return unscaleAction(yield* this.actScaled(x, deterministic), this.rollout.space);
  }

  /** Trains for `totalTimesteps` more environment steps. */
  protected *learnReads(totalTimesteps: number, options: LearnOptions): Reads<this> {
    const c = this.config;
    const { logger, onStep } = options;
    checkTotalTimesteps(totalTimesteps);
    if (this.totalTimesteps === 0) this.totalTimesteps = totalTimesteps;
    const rollout = this.rollout;
    rollout.start(c.seed);
    const end = rollout.numTimesteps + totalTimesteps;
    while (rollout.numTimesteps < end) {
      // ---- rollout: uniformly random actions until learningStarts, then the actor's plus noise
      let scaled: Float32Array;
      if (rollout.numTimesteps < c.learningStarts) {
        scaled = Float32Array.from({ length: this.actionSize }, () => this.rng.uniform(-1, 1));
      } else {
        scaled = yield* this.actScaled(rollout.observation as Float32Array, false);
      }
      if (rollout.step(scaled, logger)) this.noise?.reset();
      // ---- learning
      const steps = rollout.gradientStepsDue(c);
      if (steps > 0) {
        // Clamped: a later learn() call runs past the span the first one set (as PPO's schedules are).
        const progressRemaining = Math.max(0, 1 - rollout.numTimesteps / this.totalTimesteps);
        this.currentLr = c.learningRateSchedule === 'linear' ? c.learningRate * progressRemaining : c.learningRate;
        const losses = yield* this.trainReads(steps);
        checkFiniteLosses({ ...losses }, rollout.numTimesteps);
        logger?.log({ step: rollout.numTimesteps, ...losses, 'schedule/learningRate': this.currentLr });
      }
      if (onStep?.(rollout.numTimesteps) === false) break;
    }
    return this;
  }

  /** `steps` critic updates on replayed batches, the actor and targets every `policyDelay`-th; returns the mean losses. */
  train(steps: number): Td3Losses {
    return runSync(this.trainReads(steps));
  }

  /** {@link Td3.train} as {@link Reads}: the losses stay on the device until one read at the end. */
  private *trainReads(steps: number): Reads<Td3Losses> {
    const c = this.config;
    const n = c.batchSize;
    const criticLosses: tf.Tensor[] = [];
    const actorLosses: tf.Tensor[] = [];
    let actorSteps = 0;
    for (let s = 0; s < steps; s++) {
      this.criticUpdates += 1;
      const batch = this.buffer.sample(n, this.rng);
      const noise = smoothingNoise(n * this.actionSize, c.targetPolicyNoise, c.targetNoiseClip, this.rng);
      const [criticLoss, actorLoss] = tf.tidy(() => {
        const obs = tf.tensor2d(batch.observations, [n, this.obsSize]);
        const nextObs = tf.tensor2d(batch.nextObservations, [n, this.obsSize]);
        const actions = tf.tensor2d(batch.actions, [n, this.actionSize]);
        // ---- critics: target policy smoothing, clipped double Q
        const smoothed = tf.add(tf.tanh(this.actorTarget.apply(nextObs)), tf.tensor2d(noise, [n, this.actionSize]));
        const nextActions = tf.clipByValue(smoothed, -1, 1) as tf.Tensor2D;
        const target = td3Target(
          tf.tensor1d(batch.rewards),
          tf.tensor1d(batch.terminated),
          c.gamma,
          this.criticTargets.apply(nextObs, nextActions),
        );
        const criticLoss = this.criticOptimizer.minimize(
          () => {
            const q = this.critics.apply(obs, actions);
            return tf.addN(q.map((qi) => tf.mean(tf.square(tf.sub(tf.squeeze(qi, [1]), target))))) as tf.Scalar;
          },
          true,
          this.critics.variables,
        );
        // ---- delayed actor update: maximize the first critic at the actor's action
        const actorLoss =
          this.criticUpdates % c.policyDelay === 0
            ? this.actorOptimizer.minimize(
                () => tf.neg(tf.mean(this.critics.nets[0].apply(tf.concat([obs, tf.tanh(this.actor.apply(obs))], 1)))) as tf.Scalar,
                true,
                this.actor.variables,
              )
            : null;
        return [criticLoss, ...(actorLoss ? [actorLoss] : [])] as tf.Scalar[];
      });
      criticLosses.push(criticLoss);
      if (actorLoss) actorLosses.push(actorLoss);
      // ---- delayed target updates
      if (this.criticUpdates % c.policyDelay === 0) {
        this.criticTargets.updateFrom(this.critics, c.tau);
        this.actorTarget.updateFrom(this.actor, c.tau);
        this.actorUpdates += 1;
        actorSteps += 1;
      }
    }
    const [criticTotal, actorTotal] = yield* readSums(criticLosses, actorLosses);
    return { 'losses/criticLoss': criticTotal / steps, 'losses/actorLoss': actorSteps > 0 ? actorTotal / actorSteps : 0 };
  }

  /**
   * Saves everything needed to resume bitwise: the actor, the critics and their targets, both Adam
   * states, the replay buffer, the counters, the generator's and the exploration noise's state, and
   * the episode in progress (with the environment's state). `extra` is kept as the checkpoint's `extra`.
   */
  async save(dir: string, extra?: Record<string, unknown>): Promise<void> {
    writeCheckpoint(dir, {
      algorithm: this.algorithm,
      config: this.config,
      numTimesteps: this.rollout.numTimesteps,
      totalTimesteps: this.totalTimesteps,
      episodes: this.rollout.episodes,
      criticUpdates: this.criticUpdates,
      actorUpdates: this.actorUpdates,
      rng: this.rng.state,
      noiseState: encodeArray(new Uint8Array(this.noise?.state.buffer ?? new ArrayBuffer(0))),
      actor: (await readWeights(this.actor.variables)).map(encodeArray),
      actorTarget: (await readWeights(this.actorTarget.variables)).map(encodeArray),
      critics: (await readWeights(this.critics.variables)).map(encodeArray),
      criticTargets: (await readWeights(this.criticTargets.variables)).map(encodeArray),
      actorOptimizer: await encodeOptimizer(this.actorOptimizer),
      criticOptimizer: await encodeOptimizer(this.criticOptimizer),
      buffer: this.buffer.toJSON(),
      episode: this.rollout.toJSON(),
      ...(extra === undefined ? {} : { extra }),
    });
  }

  /** Restores an agent saved by {@link Td3.save} (pass `env` when it was trained on a custom one). */
  static async load(dir: string, env?: Env<Float32Array, Float32Array>): Promise<Td3> {
    const fields = {
      config: 'object',
      actor: 'array',
      actorTarget: 'array',
      critics: 'array',
      criticTargets: 'array',
      actorOptimizer: 'array',
      criticOptimizer: 'array',
      buffer: 'object',
      numTimesteps: 'count',
      totalTimesteps: 'count',
      episodes: 'count',
      criticUpdates: 'count',
      actorUpdates: 'count',
      rng: 'uint32',
    } as const;
    // A DDPG checkpoint is a TD3 one under its own name.
    const { algorithm } = readCheckpoint<object>(dir, undefined, { jsonOnly: true });
    return loadCheckpoint(
      dir,
      algorithm === 'ddpg' ? 'ddpg' : 'td3',
      fields,
      (saved) => new Td3(saved['config'], env),
      async (agent, saved) => {
        agent.actor.setWeights(decodeWeights(saved['actor'], sizesOf(agent.actor.variables), 'actor'));
        agent.actorTarget.setWeights(decodeWeights(saved['actorTarget'], sizesOf(agent.actorTarget.variables), 'actorTarget'));
        agent.critics.setWeights(decodeWeights(saved['critics'], sizesOf(agent.critics.variables), 'critics'));
        agent.criticTargets.setWeights(decodeWeights(saved['criticTargets'], sizesOf(agent.criticTargets.variables), 'criticTargets'));
        await restoreOptimizer(agent.actorOptimizer, saved['actorOptimizer']);
        await restoreOptimizer(agent.criticOptimizer, saved['criticOptimizer']);
        if (agent.noise !== null) {
          const bytes = decodeUint8(saved['noiseState'], 'noiseState');
          if (bytes.length !== 8 * agent.actionSize) {
            throw new InvalidArgumentError({
              parameter: 'noiseState',
              value: `${bytes.length} bytes`,
              message: `Expected ${8 * agent.actionSize}.`,
            });
          }
          agent.noise.state.set(new Float64Array(bytes.buffer, bytes.byteOffset, agent.actionSize));
        }
        agent.buffer.load(saved['buffer']);
        agent.rollout.numTimesteps = saved['numTimesteps'];
        agent.rollout.episodes = saved['episodes'];
        agent.totalTimesteps = saved['totalTimesteps'];
        agent.criticUpdates = saved['criticUpdates'];
        agent.actorUpdates = saved['actorUpdates'];
        agent.rng.state = saved['rng'];
        agent.rollout.restore(saved['episode'], checkpointPath(dir));
      },
    );
  }

  /** Frees the networks and the optimizers' state. */
  dispose(): void {
    this.actor.dispose();
    this.actorTarget.dispose();
    this.critics.dispose();
    this.criticTargets.dispose();
    this.actorOptimizer.dispose();
    this.criticOptimizer.dispose();
  }
}
