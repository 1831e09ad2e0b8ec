/**
 * SAC, Soft Actor-Critic (Haarnoja et al. 2018, "Soft Actor-Critic: Off-Policy Maximum Entropy Deep
 * Reinforcement Learning with a Stochastic Actor", and "Soft Actor-Critic Algorithms and
 * Applications" for the automatic entropy tuning). The update follows Stable-Baselines3's `SAC`
 * (sb3 2.x, sac.py, sac/policies.py, off_policy_algorithm.py) and CleanRL's sac_continuous_action.py:
 * a tanh-squashed Gaussian actor with the change-of-variables correction of its log-probability,
 * twin critics with the clipped double-Q soft target, Polyak-averaged target critics, and the
 * entropy coefficient alpha learned so that the policy's entropy tracks `-dim(A)`. Actions are
 * rescaled from [-1, 1] to the Box's bounds. Per gradient step, in sb3's order: the entropy
 * coefficient (its loss on the current policy's log-probabilities), the critics, the actor (against
 * the updated critics), then the target critics. With `useSde`, exploration is generalized
 * state-dependent exploration (gSDE, Raffin et al. 2022, "Smooth Exploration for Robotic
 * Reinforcement Learning"), as sb3's `use_sde`: the noise is the actor's last hidden features times a
 * random matrix that is held for a collection phase, so that exploration is smooth in time.
 */
import * as tf from '@tensorflow/tfjs';
import { Adam, parseConfig, z } from '@bigmodel/core';

import type { Env } from '../env/env';
import { make } from '../env/registry';
import type { Box } from '../spaces/box';
import { Rng } from '../utils/rng';
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
import { prepareBoxEnv, unscaleAction } from './common/box-actions';
import { ContinuousCritics } from './common/continuous-critics';
import { OffPolicyRollout } from './common/off-policy-rollout';
import { type LearnOptions, checkTotalTimesteps } from './common/learn-options';
import { read, readSums, runSync, type Reads } from './common/reads';
import { AgentBase } from './common/agent-base';
import {
  CONFIG_SIZE_LIMITS,
  LEARNING_RATE_SCHEDULES,
  autoOr,
  bufferHoldsBatch,
  choiceOf,
  envFields,
  gradientSteps,
  hiddenLayers,
  integerIn,
  minusOneOrCount,
  numberIn,
  agentConfigSchema,
} from './common/config-fields';
import { Mlp } from './common/mlp';
import { encodeObservation } from './common/prepare-env';
import { ReplayBuffer } from './common/replay-buffer';

// ---- Config -------------------------------------------------------------------------------------

/**
 * The schema of {@link SacConfig}: each field's check, default and description (the one place the
 * fields are documented; docs/schemas/rl/SacConfig.schema.json carries the descriptions).
 *
 * @category Agents
 */
export const sacConfigSchema = agentConfigSchema(
  z
    .strictObject({
      ...envFields('Pendulum-v1', ', with a Box action space'),
      learningRate: numberIn(0, Infinity, true)
        .default(3e-4)
        .describe("Adam's learning rate for the actor, the critics and the entropy coefficient, > 0 (default 3e-4)."),
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
      tau: numberIn(0, 1, true).default(0.005).describe("Polyak factor of the target critics' updates, in (0, 1] (default 0.005)."),
      gamma: numberIn(0, 1).default(0.99).describe('Discount in [0, 1] (default 0.99).'),
      trainFreq: integerIn(1).default(1).describe('Steps (or episodes, see trainFreqUnit) between training phases (default 1).'),
      trainFreqUnit: choiceOf(['step', 'episode']).default('step').describe('`step` (default) or `episode`: what trainFreq counts.'),
      gradientSteps: gradientSteps()
        .default(1)
        .describe('Gradient steps per training phase; -1: as many as environment steps collected (default 1).'),
      entCoef: autoOr(numberIn(0, Infinity), "Must be 'auto' or a number >= 0.")
        .default('auto')
        .describe('The entropy coefficient alpha: `auto` (default) learns it, a number >= 0 fixes it.'),
      entCoefInit: numberIn(0, Infinity, true)
        .default(1)
        .describe("Alpha's initial value when learned, > 0 (default 1; rl-zoo's `auto_0.1` is 0.1)."),
      targetEntropy: autoOr(z.number(), "Must be 'auto' or a finite number.")
        .default('auto')
        .describe('The entropy alpha steers towards: `auto` (default) is -dim(A), as in the paper.'),
      targetUpdateInterval: integerIn(1).default(1).describe('Gradient steps between target-critic updates (default 1).'),
      netArch: hiddenLayers()
        .default([256, 256])
        .describe('Hidden-layer sizes of the actor and of each critic, ReLU between them (default [256, 256]).'),
      useSde: z
        .boolean()
        .default(false)
        .describe(
          'Generalized state-dependent exploration (gSDE): the noise is the last hidden features times a random matrix ' +
            'held for a while, instead of fresh Gaussian noise each step (default false).',
        ),
      logStdInit: numberIn(-20, 2)
        .default(-3)
        .describe("gSDE: the initial log standard deviation of the exploration matrix's entries, in [-20, 2] (default -3)."),
      sdeSampleFreq: minusOneOrCount('one matrix per collection phase')
        .default(-1)
        .describe(
          'gSDE: a new exploration matrix at the start of each collection phase and then every sdeSampleFreq steps within it; ' +
            '-1 (default): only at the start of each phase.',
        ),
      clipMean: numberIn(0, Infinity)
        .default(2)
        .describe("gSDE: the Gaussian's mean is clipped to [-clipMean, clipMean] before the tanh; 0 turns it off (default 2)."),
      seed: integerIn(0).default(0).describe('Seed of the networks, the sampling and the environment (default 0).'),
    })
    .superRefine(bufferHoldsBatch),
);

/**
 * SAC's hyperparameters, resolved (every field present); defaults are Stable-Baselines3's.
 * Inferred from {@link sacConfigSchema}, whose descriptions document each field and its default:
 * `env` (`Pendulum-v1`), `envKwargs`, `learningRate` (3e-4), `learningRateSchedule` (`constant`),
 * `bufferSize` (1,000,000), `learningStarts` (100), `batchSize` (256), `tau` (0.005), `gamma`
 * (0.99), `trainFreq` (1), `trainFreqUnit` (`step`), `gradientSteps` (1), `entCoef` (`auto`),
 * `entCoefInit` (1), `targetEntropy` (`auto`), `targetUpdateInterval` (1), `netArch`
 * ([256, 256]), `useSde` (false), `logStdInit` (-3), `sdeSampleFreq` (-1), `clipMean` (2), `seed` (0).
 *
 * @category Agents
 */
export type SacConfig = z.output<typeof sacConfigSchema>;

/**
 * rl-zoo's tuned SAC hyperparameters (rl-baselines3-zoo `hyperparams/sac.yml`); MountainCarContinuous's
 * entry explores with gSDE.
 * @category Agents
 */
export const SAC_PRESETS: Record<string, Partial<SacConfig>> = {
  'Pendulum-v1': { learningRate: 1e-3 },
  'MountainCarContinuous-v0': {
    learningRate: 3e-4,
    bufferSize: 50_000,
    batchSize: 512,
    entCoef: 0.1,
    trainFreq: 32,
    gradientSteps: 32,
    gamma: 0.9999,
    tau: 0.01,
    learningStarts: 0,
    netArch: [64, 64],
    useSde: true,
    logStdInit: -3.67,
  },
  'LunarLanderContinuous-v3': {
    batchSize: 256,
    learningRate: 7.3e-4,
    learningRateSchedule: 'linear',
    bufferSize: 1_000_000,
    gamma: 0.99,
    tau: 0.01,
    trainFreq: 1,
    gradientSteps: 1,
    learningStarts: 10_000,
    netArch: [400, 300],
  },
};

/**
 * Fills SAC's defaults and validates through {@link sacConfigSchema}; throws InvalidArgumentError
 * naming the path (`SacConfig.tau`) and the value, an unknown key with the nearest known one.
 * @category Agents
 */
export function resolveSacConfig(config: Partial<SacConfig> = {}): SacConfig {
  return parseConfig(sacConfigSchema, config, 'SacConfig');
}

// ---- The squashed Gaussian policy and the losses ------------------------------------------------

/** sb3's bounds on the actor's log standard deviation. */
const LOG_STD_MIN = -20;
const LOG_STD_MAX = 2;
const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

/**
 * The tanh-squashed Gaussian of the actor's output `[n, 2 * dim]` (means, then log standard
 * deviations, clipped to [-20, 2]), sampled with the standard normal draws `noise` `[n, dim]`
 * (reparameterized: `u = mean + std * noise`, `a = tanh(u)`): the actions and their
 * log-probabilities `sum_j log N(u_j; mean_j, std_j) - log(1 - a_j^2 + 1e-6)`. Call inside `tf.tidy`.
 * @category Agents
 */
export function squashedGaussian(output: tf.Tensor2D, noise: tf.Tensor2D): { action: tf.Tensor2D; logProb: tf.Tensor1D } {
  const dim = noise.shape[1];
  const mean = tf.slice(output, [0, 0], [-1, dim]);
  const logStd = tf.clipByValue(tf.slice(output, [0, dim], [-1, dim]), LOG_STD_MIN, LOG_STD_MAX);
  const action = tf.tanh(tf.add(mean, tf.mul(tf.exp(logStd), noise))) as tf.Tensor2D;
  // log N(u; mean, std) with (u - mean) / std = noise; the tanh correction as sb3 writes it.
  const gaussian = tf.sub(tf.sub(tf.mul(tf.square(noise), -0.5), logStd), HALF_LOG_2PI);
  const correction = tf.log(tf.add(tf.sub(1, tf.square(action)), 1e-6));
  return { action, logProb: tf.sum(tf.sub(gaussian, correction), 1) };
}

/**
 * gSDE's tanh-squashed Gaussian (sb3's `StateDependentNoiseDistribution` with a squashed output) for
 * the means `[n, dim]`, the features `latent` `[n, k]`, the log standard deviations `logStd` `[k, dim]`
 * and the exploration matrix `matrix` `[k, dim]` (entries drawn from N(0, exp(logStd)^2)): the
 * actions `a = tanh(u)`, `u = mean + latent @ matrix`, and their log-probabilities
 * `sum_j log N(u_j; mean_j, s_j) - log(1 - a_j^2 + 1e-6)` with `s^2 = latent^2 @ exp(logStd)^2 + 1e-6`,
 * the variance of `latent @ matrix`. sb3 evaluates the density at `atanh(clamp(a, +-(1 - 2^-23)))`,
 * which is `u` unless `|u|` exceeds about 8.3 (where float32's tanh rounds to 1); `u` is used here
 * as it is, so the two differ only there. Call inside `tf.tidy`.
 * @category Agents
 */
export function stateDependentGaussian(
  mean: tf.Tensor2D,
  latent: tf.Tensor2D,
  logStd: tf.Tensor2D,
  matrix: tf.Tensor2D,
): { action: tf.Tensor2D; logProb: tf.Tensor1D } {
  const gaussian = tf.add(mean, tf.matMul(latent, matrix));
  const action = tf.tanh(gaussian) as tf.Tensor2D;
  const variance = tf.add(tf.matMul(tf.square(latent), tf.exp(tf.mul(logStd, 2))), 1e-6);
  const logDensity = tf.sub(
    tf.sub(tf.mul(tf.div(tf.square(tf.sub(gaussian, mean)), variance), -0.5), tf.mul(tf.log(variance), 0.5)),
    HALF_LOG_2PI,
  );
  const correction = tf.log(tf.add(tf.sub(1, tf.square(action)), 1e-6));
  return { action, logProb: tf.sum(tf.sub(logDensity, correction), 1) };
}

/**
 * The soft Bellman target `r + gamma * (1 - terminated) * (min_i Q'_i(s', a') - alpha * log pi(a' | s'))`
 * from the target critics' values at the next actions. Call inside `tf.tidy`.
 * @category Agents
 */
export function softTarget(
  rewards: tf.Tensor1D,
  terminated: tf.Tensor1D,
  gamma: number,
  nextQ: tf.Tensor2D[],
  nextLogProb: tf.Tensor1D,
  entCoef: number,
): tf.Tensor1D {
  const minQ = tf.squeeze(
    nextQ.reduce((a, b) => tf.minimum(a, b)),
    [1],
  ) as tf.Tensor1D;
  const soft = tf.sub(minQ, tf.mul(nextLogProb, entCoef));
  return tf.add(rewards, tf.mul(tf.mul(tf.sub(1, terminated), gamma), soft));
}

/**
 * The critics' loss `0.5 * sum_i mean((Q_i(s, a) - target)^2)` (sb3's). Call inside `tf.tidy`.
 * @category Agents
 */
export function sacCriticLoss(q: tf.Tensor2D[], target: tf.Tensor1D): tf.Scalar {
  const losses = q.map((qi) => tf.mean(tf.square(tf.sub(tf.squeeze(qi, [1]), target))));
  return tf.mul(tf.addN(losses), 0.5) as tf.Scalar;
}

/**
 * The actor's loss `mean(alpha * log pi(a | s) - min_i Q_i(s, a))`, `a` sampled from the actor. Call inside `tf.tidy`.
 * @category Agents
 */
export function sacActorLoss(entCoef: number, logProb: tf.Tensor1D, q: tf.Tensor2D[]): tf.Scalar {
  const minQ = tf.squeeze(
    q.reduce((a, b) => tf.minimum(a, b)),
    [1],
  );
  return tf.mean(tf.sub(tf.mul(logProb, entCoef), minQ));
}

/**
 * The entropy coefficient's loss `-mean(log alpha * (log pi(a | s) + targetEntropy))`, the
 * log-probabilities held constant: its gradient raises alpha while the policy's entropy
 * (`-log pi`) is below the target and lowers it while above. Call inside `tf.tidy`.
 * @category Agents
 */
export function entCoefLoss(logEntCoef: tf.Scalar, logProb: tf.Tensor1D, targetEntropy: number): tf.Scalar {
  return tf.neg(tf.mean(tf.mul(logEntCoef, tf.add(logProb, targetEntropy)))) as tf.Scalar;
}

/**
 * Losses of a training phase (means over its gradient steps).
 *
 * @category Agents
 */
export interface SacLosses {
  'losses/criticLoss': number;
  'losses/actorLoss': number;
  /** 0 when alpha is fixed. */
  'losses/entCoefLoss': number;
  'losses/entCoef': number;
}

// ---- The agent ----------------------------------------------------------------------------------

/**
 * A SAC agent for environments with a bounded Box action space (and a Box or Discrete, one-hot
 * encoded, observation space); a Discrete action space is refused with InvalidArgumentError when built.
 * @example
 * ```ts
 * const agent = new Sac({ env: 'Pendulum-v1', ...SAC_PRESETS['Pendulum-v1'], seed: 1 });
 * agent.learn(20_000, { logger: new JsonlLogger('runs/sac/metrics.jsonl') });
 * evaluate(agent, make('Pendulum-v1'), { episodes: 100, seed: 0 });
 * ```
 * @category Agents
 */
export class Sac extends AgentBase<Float32Array> {
  readonly algorithm = 'sac';
  readonly config: SacConfig;
  /** The training environment. */
  readonly env: Env<Float32Array, Float32Array>;
  /** Outputs `[mean, logStd]` of the pre-squash Gaussian (only the mean with gSDE). */
  readonly actor: Mlp;
  /** gSDE: log standard deviations `[features, actions]` of the exploration matrix's entries; null without gSDE. */
  readonly sdeLogStd: tf.Variable | null;
  /** gSDE: the standard normal draws of the exploration matrix in use (it is them times exp(sdeLogStd)); null until drawn. */
  sdeNoise: Float32Array | null = null;
  readonly critics: ContinuousCritics;
  readonly criticTargets: ContinuousCritics;
  /** log alpha (trained when `entCoef` is `auto`). */
  readonly logEntCoef: tf.Variable;
  readonly actorOptimizer: Adam;
  readonly criticOptimizer: Adam;
  readonly entCoefOptimizer: Adam;
  readonly buffer: ReplayBuffer;
  /** Action, noise and sampling generator. */
  readonly rng: Rng;
  /** The total of steps a linear learning-rate schedule spans (set by the first `learn`). */
  totalTimesteps = 0;
  /** Gradient steps taken. */
  gradientUpdates = 0;
  /** The entropy alpha steers towards. */
  readonly targetEntropy: number;
  private readonly rollout: OffPolicyRollout;
  private readonly actionSize: number;
  private readonly obsSize: number;
  /** The features gSDE multiplies: the last hidden layer's size (the observation's without hidden layers). */
  private readonly latentSize: number;
  private currentLr: number;

  constructor(config: Partial<SacConfig> = {}, env?: Env<Float32Array, Float32Array>) {
    super();
    this.config = resolveSacConfig(config);
    const c = this.config;
    const prepared = prepareBoxEnv('SAC', env ?? make<unknown, Float32Array>(c.env, c.envKwargs));
    this.env = prepared.env;
    const space: Box = prepared.space;
    this.obsSize = (this.env.observationSpace as unknown as Box).size;
    this.actionSize = space.size;
    const id = nextId++;
    // ---- seeding: each network and the sampling generator from the run's seed
    const seeds = new Rng(c.seed);
    const [actorSeed, q1Seed, q2Seed] = [seeds.nextSeed(), seeds.nextSeed(), seeds.nextSeed()];
    this.rng = new Rng(seeds.nextSeed());
    // ---- networks
    const init = { kind: 'pytorch' } as const;
    const actorOutputs = c.useSde ? this.actionSize : 2 * this.actionSize;
    this.actor = new Mlp([this.obsSize, ...c.netArch, actorOutputs], { activation: 'relu', init, seed: actorSeed });
    this.latentSize = c.netArch.at(-1) ?? this.obsSize;
    this.sdeLogStd = c.useSde
      ? tf.tidy(() => tf.variable(tf.fill([this.latentSize, this.actionSize], c.logStdInit), true, `sac_sde_log_std_${id}`))
      : null;
    this.critics = new ContinuousCritics(this.obsSize, this.actionSize, c.netArch, [q1Seed, q2Seed]);
    this.criticTargets = new ContinuousCritics(this.obsSize, this.actionSize, c.netArch, [q1Seed, q2Seed], false);
    this.criticTargets.updateFrom(this.critics);
    const alpha = c.entCoef === 'auto' ? c.entCoefInit : c.entCoef;
    const name = `sac_log_ent_coef_${id}`;
    this.logEntCoef = tf.tidy(() => tf.variable(tf.scalar(Math.log(alpha)), c.entCoef === 'auto', name));
    this.targetEntropy = c.targetEntropy === 'auto' ? -this.actionSize : c.targetEntropy;
    // ---- optimizers (one learning rate, set per training phase)
    this.currentLr = c.learningRate;
    const lr = { at: () => this.currentLr, getConfig: () => ({ kind: 'constant', lr: this.currentLr }) };
    this.actorOptimizer = new Adam({ learningRate: lr });
    this.criticOptimizer = new Adam({ learningRate: lr });
    this.entCoefOptimizer = new Adam({ learningRate: lr });
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

  /** The current entropy coefficient alpha. */
  get entCoef(): number {
    return Math.exp(this.logEntCoef.dataSync()[0]);
  }

  /** Standard normal draws `[rows, actionSize]` from the agent's generator. */
  private normal(rows: number): tf.Tensor2D {
    return tf.tensor2d(this.normalArray(rows * this.actionSize), [rows, this.actionSize]);
  }

  private normalArray(length: number): Float32Array {
    const values = new Float32Array(length);
    for (let i = 0; i < values.length; i++) values[i] = this.rng.normal();
    return values;
  }

  /** The variables the actor's optimizer trains: the actor's and, with gSDE, the log standard deviations. */
  private get actorVariables(): tf.Variable[] {
    return this.sdeLogStd === null ? this.actor.variables : [...this.actor.variables, this.sdeLogStd];
  }

  /** The Gaussian's mean `[n, actionSize]` and gSDE's features. Call inside `tf.tidy`. */
  private meanOf(obs: tf.Tensor2D): { mean: tf.Tensor2D; latent: tf.Tensor2D } {
    const { latent, output } = this.actor.applyWithLatent(obs);
    const { clipMean } = this.config;
    if (this.sdeLogStd === null) return { mean: tf.slice(output, [0, 0], [-1, this.actionSize]), latent };
    return { mean: clipMean > 0 ? tf.clipByValue(output, -clipMean, clipMean) : output, latent };
  }

  /**
   * A squashed-Gaussian sample of the actor for `obs` and its log-probability. `noise` is the
   * standard normal draws: `[n, actionSize]` without gSDE, the exploration matrix's `[latent,
   * actionSize]` with it (scaled by exp(sdeLogStd) here, so that its gradient reaches them). Call inside `tf.tidy`.
   */
  private policy(obs: tf.Tensor2D, noise: tf.Tensor2D): { action: tf.Tensor2D; logProb: tf.Tensor1D } {
    if (this.sdeLogStd === null) return squashedGaussian(this.actor.apply(obs), noise);
    const { mean, latent } = this.meanOf(obs);
    const logStd = this.sdeLogStd as tf.Tensor2D;
    return stateDependentGaussian(mean, latent, logStd, tf.mul(tf.exp(logStd), noise));
  }

  /** The exploration matrix's standard normal draws, drawn when there are none yet. */
  private explorationNoise(): tf.Tensor2D {
    this.sdeNoise ??= this.normalArray(this.latentSize * this.actionSize);
    return tf.tensor2d(this.sdeNoise, [this.latentSize, this.actionSize]);
  }

  /** The network action in [-1, 1]^n: `tanh(mean)` when deterministic, else a sample. */
  private *actScaled(observation: Float32Array, deterministic: boolean): Reads<Float32Array> {
    const [action] = yield* read(
      tf.tidy(() => {
        const obs = tf.tensor2d(observation, [1, this.obsSize]);
        if (deterministic) return tf.tanh(this.meanOf(obs).mean);
        return this.policy(obs, this.sdeLogStd === null ? this.normal(1) : this.explorationNoise()).action;
      }),
    );
    return action;
  }

  /** The action in the environment's units: the squashed mean when deterministic, else a sample. */
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
      // ---- rollout: uniformly random actions until learningStarts, then samples of the policy
      let scaled: Float32Array;
      if (rollout.numTimesteps < c.learningStarts) {
        scaled = Float32Array.from({ length: this.actionSize }, () => this.rng.uniform(-1, 1));
      } else {
        // gSDE: a new exploration matrix at the start of each collection phase (or every sdeSampleFreq steps).
        const collected = rollout.stepsCollected;
        if (this.sdeLogStd !== null && (c.sdeSampleFreq > 0 ? collected % c.sdeSampleFreq === 0 : collected === 0)) {
          this.sdeNoise = this.normalArray(this.latentSize * this.actionSize);
        }
        scaled = yield* this.actScaled(rollout.observation as Float32Array, false);
      }
      rollout.step(scaled, logger);
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

  /** `steps` gradient steps on replayed batches; returns the mean losses. */
  train(steps: number): SacLosses {
    return runSync(this.trainReads(steps));
  }

  /**
   * {@link Sac.train} as {@link Reads}. Alpha is read at each step (the critic target and the actor
   * loss use it as a number, as sb3 does); the losses stay on the device until one read at the end.
   */
  private *trainReads(steps: number): Reads<SacLosses> {
    const c = this.config;
    const n = c.batchSize;
    const totals = { critic: 0, actor: 0, entCoef: 0, alpha: 0 };
    const critic: tf.Tensor[] = [];
    const actor: tf.Tensor[] = [];
    const entCoef: tf.Tensor[] = [];
    for (let s = 0; s < steps; s++) {
      const batch = this.buffer.sample(n, this.rng);
      // ---- entropy coefficient: alpha of this step is the one before its update (as sb3)
      const alpha = c.entCoef === 'auto' ? Math.exp((yield* read(tf.clone(this.logEntCoef)))[0][0]) : c.entCoef;
      const [criticLoss, actorLoss, entropyCoefLoss] = tf.tidy(() => {
        const obs = tf.tensor2d(batch.observations, [n, this.obsSize]);
        const nextObs = tf.tensor2d(batch.nextObservations, [n, this.obsSize]);
        const actions = tf.tensor2d(batch.actions, [n, this.actionSize]);
        // gSDE: one exploration matrix per gradient step, for the current and the next observations (as sb3).
        const noise = this.sdeLogStd === null ? this.normal(n) : this.normal(this.latentSize);
        const nextNoise = this.sdeLogStd === null ? this.normal(n) : noise;
        const { logProb } = this.policy(obs, noise);
        const entCoefLossT =
          c.entCoef === 'auto'
            ? this.entCoefOptimizer.minimize(() => entCoefLoss(this.logEntCoef as tf.Scalar, logProb, this.targetEntropy), true, [
                this.logEntCoef,
              ])
            : null;
        // ---- critics: clipped double-Q soft target from the target critics
        const next = this.policy(nextObs, nextNoise);
        const nextQ = this.criticTargets.apply(nextObs, next.action);
        const target = softTarget(tf.tensor1d(batch.rewards), tf.tensor1d(batch.terminated), c.gamma, nextQ, next.logProb, alpha);
        const criticLoss = this.criticOptimizer.minimize(
          () => sacCriticLoss(this.critics.apply(obs, actions), target),
          true,
          this.critics.variables,
        );
        // ---- actor: against the updated critics, with this step's noise
        const actorLoss = this.actorOptimizer.minimize(
          () => {
            const pi = this.policy(obs, noise);
            return sacActorLoss(alpha, pi.logProb, this.critics.apply(obs, pi.action));
          },
          true,
          this.actorVariables,
        );
        return [criticLoss, actorLoss, ...(entCoefLossT ? [entCoefLossT] : [])] as tf.Scalar[];
      });
      critic.push(criticLoss);
      actor.push(actorLoss);
      if (entropyCoefLoss) entCoef.push(entropyCoefLoss);
      totals.alpha += alpha;
      // ---- target critics (sb3 counts the interval in gradient steps of this phase)
      if (s % c.targetUpdateInterval === 0) this.criticTargets.updateFrom(this.critics, c.tau);
      this.gradientUpdates += 1;
    }
    [totals.critic, totals.actor, totals.entCoef] = yield* readSums(critic, actor, entCoef);
    return {
      'losses/criticLoss': totals.critic / steps,
      'losses/actorLoss': totals.actor / steps,
      'losses/entCoefLoss': totals.entCoef / steps,
      'losses/entCoef': totals.alpha / steps,
    };
  }

  /**
   * Saves everything needed to resume bitwise: the actor, the critics and their targets, the three
   * Adam states, log alpha, gSDE's log standard deviations and the draws of the matrix in use, the
   * replay buffer, the counters, the generator's state and the episode in progress (with the
   * environment's state). `extra` is kept as the checkpoint's `extra` field.
   */
  async save(dir: string, extra?: Record<string, unknown>): Promise<void> {
    writeCheckpoint(dir, {
      algorithm: this.algorithm,
      config: this.config,
      numTimesteps: this.rollout.numTimesteps,
      totalTimesteps: this.totalTimesteps,
      episodes: this.rollout.episodes,
      gradientUpdates: this.gradientUpdates,
      rng: this.rng.state,
      actor: (await readWeights(this.actor.variables)).map(encodeArray),
      critics: (await readWeights(this.critics.variables)).map(encodeArray),
      criticTargets: (await readWeights(this.criticTargets.variables)).map(encodeArray),
      logEntCoef: encodeArray(Float32Array.from(await this.logEntCoef.data())),
      ...(this.sdeLogStd === null
        ? {}
        : {
            sdeLogStd: encodeArray(Float32Array.from(await this.sdeLogStd.data())),
            sdeNoise: this.sdeNoise === null ? null : encodeArray(this.sdeNoise),
          }),
      actorOptimizer: await encodeOptimizer(this.actorOptimizer),
      criticOptimizer: await encodeOptimizer(this.criticOptimizer),
      entCoefOptimizer: await encodeOptimizer(this.entCoefOptimizer),
      buffer: this.buffer.toJSON(),
      episode: this.rollout.toJSON(),
      ...(extra === undefined ? {} : { extra }),
    });
  }

  /** Restores an agent saved by {@link Sac.save} (pass `env` when it was trained on a custom one). */
  static async load(dir: string, env?: Env<Float32Array, Float32Array>): Promise<Sac> {
    const fields = {
      config: 'object',
      actor: 'array',
      critics: 'array',
      criticTargets: 'array',
      actorOptimizer: 'array',
      criticOptimizer: 'array',
      entCoefOptimizer: 'array',
      buffer: 'object',
      numTimesteps: 'count',
      totalTimesteps: 'count',
      episodes: 'count',
      gradientUpdates: 'count',
      rng: 'uint32',
    } as const;
    return loadCheckpoint(
      dir,
      'sac',
      fields,
      (saved) => new Sac(saved['config'], env),
      async (agent, saved) => {
        agent.actor.setWeights(decodeWeights(saved['actor'], sizesOf(agent.actor.variables), 'actor'));
        agent.critics.setWeights(decodeWeights(saved['critics'], sizesOf(agent.critics.variables), 'critics'));
        agent.criticTargets.setWeights(decodeWeights(saved['criticTargets'], sizesOf(agent.criticTargets.variables), 'criticTargets'));
        const [logEntCoef] = decodeWeights([saved['logEntCoef']], [1], 'logEntCoef');
        tf.tidy(() => agent.logEntCoef.assign(tf.scalar(logEntCoef[0])));
        if (agent.sdeLogStd !== null) {
          const size = agent.latentSize * agent.actionSize;
          const [logStd] = decodeWeights([saved['sdeLogStd']], [size], 'sdeLogStd');
          tf.tidy(() => agent.sdeLogStd?.assign(tf.tensor2d(logStd, [agent.latentSize, agent.actionSize])));
          // save() writes null before the first draw; a missing field is a damaged checkpoint.
          const noise = saved['sdeNoise'] as unknown;
          agent.sdeNoise = noise === null ? null : decodeWeights([noise as never], [size], 'sdeNoise')[0];
        }
        await restoreOptimizer(agent.actorOptimizer, saved['actorOptimizer']);
        await restoreOptimizer(agent.criticOptimizer, saved['criticOptimizer']);
        await restoreOptimizer(agent.entCoefOptimizer, saved['entCoefOptimizer']);
        agent.buffer.load(saved['buffer']);
        agent.rollout.numTimesteps = saved['numTimesteps'];
        agent.rollout.episodes = saved['episodes'];
        agent.totalTimesteps = saved['totalTimesteps'];
        agent.gradientUpdates = saved['gradientUpdates'];
        agent.rng.state = saved['rng'];
        agent.rollout.restore(saved['episode'], checkpointPath(dir));
      },
    );
  }

  /** Frees the networks, log alpha and the optimizers' state. */
  dispose(): void {
    this.actor.dispose();
    this.critics.dispose();
    this.criticTargets.dispose();
    this.logEntCoef.dispose();
    this.sdeLogStd?.dispose();
    this.actorOptimizer.dispose();
    this.criticOptimizer.dispose();
    this.entCoefOptimizer.dispose();
  }
}

let nextId = 0;
