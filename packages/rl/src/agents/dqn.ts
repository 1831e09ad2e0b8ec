/**
 * DQN (Mnih et al. 2015, "Human-level control through deep reinforcement learning"), with the
 * Double DQN target (van Hasselt et al. 2016) as an option. The loop follows Stable-Baselines3's
 * `DQN` (sb3 2.x, dqn.py and off_policy_algorithm.py), the reference its hyperparameters (rl-zoo's
 * CartPole-v1 entry) were tuned on: random actions until `learningStarts`, a linearly decaying
 * epsilon, `gradientSteps` updates every `trainFreq` environment steps, the target network updated
 * every `targetUpdateInterval` environment steps with Polyak factor `tau`, gradients clipped to
 * `maxGradNorm`. Time-limit truncations bootstrap from the final observation; terminations do not.
 */
import * as tf from '@tensorflow/tfjs';
import { Adam, FileFormatError, InvalidArgumentError, parseConfig, z } from '@bigmodel/core';

import { actionMaskOf, type ActionMask } from '../env/action-mask';
import type { Env, Info } from '../env/env';
import { make } from '../env/registry';
import type { Box } from '../spaces/box';
import type { Discrete } from '../spaces/discrete';
import { Rng } from '../utils/rng';
import { checkFiniteLosses } from './common/check-finite-losses';
import { type LearnOptions, checkTotalTimesteps } from './common/learn-options';
import { read, readSums, runSync, type Reads } from './common/reads';
import { AgentBase } from './common/agent-base';
import {
  checkpointPath,
  decodeFloat32Exact,
  decodeUint8,
  decodeWeights,
  encodeArray,
  type EncodedArray,
  encodeOptimizer,
  loadCheckpoint,
  readWeights,
  restoreOptimizer,
  sizesOf,
  writeCheckpoint,
} from './checkpoint';
import { captureEnvState, restoreEnvState } from './common/env-state';
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
import { Mlp } from './common/mlp';
import { encodeObservation, prepareEnv } from './common/prepare-env';
import { ReplayBuffer } from './common/replay-buffer';

// ---- Config -------------------------------------------------------------------------------------

/**
 * The schema of {@link DqnConfig}: each field's check, default and description (the one place the
 * fields are documented; docs/schemas/rl/DqnConfig.schema.json carries the descriptions).
 * `gradientSteps: -1` means as many gradient steps as environment steps since the last phase (as
 * Stable-Baselines3).
 *
 * @category Agents
 */
export const dqnConfigSchema = agentConfigSchema(
  z
    .strictObject({
      ...envFields('CartPole-v1'),
      learningRate: numberIn(0, Infinity, true).default(1e-4).describe("Adam's learning rate, > 0 (default 1e-4)."),
      learningRateSchedule: choiceOf(LEARNING_RATE_SCHEDULES)
        .default('constant')
        .describe(
          "`constant` (default, Stable-Baselines3's) or `linear`: rl-zoo's `lin_<lr>`, the rate times the fraction of the run " +
            'remaining (`1 - numTimesteps / totalTimesteps`), set at the start of each training phase, so it reaches 0 at the last ' +
            'step. Annealing damps the late oscillation of the greedy policy that a constant rate leaves (see docs/results/rl.md).',
        ),
      bufferSize: integerIn(1, CONFIG_SIZE_LIMITS.bufferSize)
        .default(1_000_000)
        .describe('Replay capacity in transitions (default 1,000,000); must be >= batchSize.'),
      learningStarts: integerIn(0)
        .default(100)
        .describe('Environment steps of uniformly random actions before learning starts (default 100).'),
      batchSize: integerIn(1, CONFIG_SIZE_LIMITS.batchSize).default(32).describe('Transitions per gradient step (default 32).'),
      tau: numberIn(0, 1, true).default(1).describe('Polyak factor of target updates, in (0, 1]: 1 copies (default 1).'),
      gamma: numberIn(0, 1).default(0.99).describe('Discount in [0, 1] (default 0.99).'),
      trainFreq: integerIn(1).default(4).describe('Environment steps between training phases (default 4).'),
      gradientSteps: gradientSteps()
        .default(1)
        .describe('Gradient steps per training phase; -1: as many as environment steps since the last phase (default 1).'),
      targetUpdateInterval: integerIn(1).default(10_000).describe('Environment steps between target-network updates (default 10,000).'),
      explorationFraction: numberIn(0, 1).default(0.1).describe('Fraction of the run over which epsilon decays linearly (default 0.1).'),
      explorationInitialEps: numberIn(0, 1).default(1).describe('Epsilon at the start, in [0, 1] (default 1).'),
      explorationFinalEps: numberIn(0, 1).default(0.05).describe('Epsilon after the decay, in [0, 1] (default 0.05).'),
      maxGradNorm: numberIn(0, Infinity, true).default(10).describe('Global gradient-norm clip, > 0 (default 10).'),
      loss: choiceOf(['huber', 'mse']).default('huber').describe('TD loss: `huber` (smooth L1, default) or `mse`.'),
      doubleDqn: z
        .boolean()
        .default(false)
        .describe('Select the next action with the online network and value it with the target network (default false).'),
      netArch: hiddenLayers().default([64, 64]).describe('Hidden-layer sizes of the Q-network, ReLU between them (default [64, 64]).'),
      actionMasking: choiceOf(['auto', 'on', 'off'])
        .default('auto')
        .describe(
          'Action masking (default `auto`): `auto` masks when the environment gives `info.actionMask` on reset, `on` requires it to, ' +
            "`off` ignores masks. Masked, acting takes the argmax (and explores uniformly) over the valid actions, and the target's " +
            "max over next actions runs over the next state's valid actions, whose masks the replay buffer keeps.",
        ),
      seed: integerIn(0).default(0).describe('Seed of the networks, the exploration, the buffer sampling and the environment (default 0).'),
    })
    .superRefine(bufferHoldsBatch),
);

/**
 * DQN's hyperparameters, resolved (every field present); defaults are Stable-Baselines3's except
 * where noted. Inferred from {@link dqnConfigSchema}, whose descriptions document each field and
 * its default: `env` (`CartPole-v1`), `envKwargs`, `learningRate` (1e-4), `learningRateSchedule`
 * (`constant`), `bufferSize` (1,000,000), `learningStarts` (100), `batchSize` (32), `tau` (1),
 * `gamma` (0.99), `trainFreq` (4), `gradientSteps` (1), `targetUpdateInterval` (10,000),
 * `explorationFraction` (0.1), `explorationInitialEps` (1), `explorationFinalEps` (0.05),
 * `maxGradNorm` (10), `loss` (`huber`), `doubleDqn` (false), `netArch` ([64, 64]),
 * `actionMasking` (`auto`), `seed` (0).
 *
 * @category Agents
 */
export type DqnConfig = z.output<typeof dqnConfigSchema>;

/**
 * rl-zoo's tuned DQN hyperparameters per environment (rl-baselines3-zoo `hyperparams/dqn.yml`).
 * @category Agents
 */
export const DQN_PRESETS: Record<string, Partial<DqnConfig>> = {
  'CartPole-v1': {
    learningRate: 2.3e-3,
    batchSize: 64,
    bufferSize: 100_000,
    learningStarts: 1000,
    gamma: 0.99,
    targetUpdateInterval: 10,
    trainFreq: 256,
    gradientSteps: 128,
    explorationFraction: 0.16,
    explorationFinalEps: 0.04,
    netArch: [256, 256],
  },
  'Acrobot-v1': {
    learningRate: 6.3e-4,
    batchSize: 128,
    bufferSize: 50_000,
    learningStarts: 0,
    gamma: 0.99,
    targetUpdateInterval: 250,
    trainFreq: 4,
    gradientSteps: -1,
    explorationFraction: 0.12,
    explorationFinalEps: 0.1,
    netArch: [256, 256],
  },
  'MountainCar-v0': {
    learningRate: 4e-3,
    batchSize: 128,
    bufferSize: 10_000,
    learningStarts: 1000,
    gamma: 0.98,
    targetUpdateInterval: 600,
    trainFreq: 16,
    gradientSteps: 8,
    explorationFraction: 0.2,
    explorationFinalEps: 0.07,
    netArch: [256, 256],
  },
};

/**
 * Fills DQN's defaults and validates through {@link dqnConfigSchema}; throws InvalidArgumentError
 * naming the path (`DqnConfig.gamma`) and the value, an unknown key with the nearest known one.
 * @category Agents
 */
export function resolveDqnConfig(config: Partial<DqnConfig> = {}): DqnConfig {
  return parseConfig(dqnConfigSchema, config, 'DqnConfig');
}

// ---- Helpers ------------------------------------------------------------------------------------

/**
 * Stable-Baselines3's `get_linear_fn`, DQN's epsilon schedule: `start` at progress 0, linear to
 * `end` at progress `fraction`, then `end`. (core's learning-rate schedule is `linearDecay`.)
 * @category Agents
 */
export function linearAnneal(start: number, end: number, fraction: number, progress: number): number {
  if (fraction <= 0 || progress > fraction) return end;
  return start + (progress * (end - start)) / fraction;
}

/**
 * The mean TD loss: Huber with delta 1 (PyTorch's `smooth_l1_loss`, written with `minimum` so that
 * it differentiates everywhere on every backend) or squared error.
 */
function tdLoss(kind: 'huber' | 'mse', target: tf.Tensor, prediction: tf.Tensor): tf.Scalar {
  const d = tf.sub(target, prediction);
  if (kind === 'mse') return tf.mean(tf.square(d));
  const absolute = tf.abs(d);
  const quadratic = tf.minimum(absolute, 1);
  return tf.mean(tf.add(tf.mul(tf.square(quadratic), 0.5), tf.sub(absolute, quadratic)));
}

/** `rows x n`: 0 for valid actions, -1e9 for invalid ones (rows without a valid action: all 0). */
function nextActionPenalty(masks: Float32Array, rows: number, n: number): tf.Tensor2D {
  const penalty = new Float32Array(rows * n);
  for (let i = 0; i < rows; i++) {
    const row = masks.subarray(i * n, (i + 1) * n);
    if (row.includes(1)) for (let j = 0; j < n; j++) penalty[i * n + j] = row[j] === 1 ? 0 : -1e9;
  }
  return tf.tensor2d(penalty, [rows, n]);
}

/** The index of the largest of `values` among those `mask` marks valid (all, when it marks none). */
function maskedArgmax(values: ArrayLike<number>, mask: Uint8Array | null): number {
  const valid = mask !== null && mask.includes(1);
  let best = -1;
  for (let j = 0; j < values.length; j++) if ((!valid || mask[j] === 1) && (best < 0 || values[j] > values[best])) best = j;
  return best;
}

// ---- The agent ----------------------------------------------------------------------------------

/**
 * A DQN agent for environments with a Box or Discrete (one-hot encoded) observation space and a
 * Discrete action space (other spaces: InvalidArgumentError when built).
 * @example
 * ```ts
 * const agent = new Dqn({ env: 'CartPole-v1', ...DQN_PRESETS['CartPole-v1'], seed: 1 });
 * agent.learn(50_000, { logger: new JsonlLogger('runs/dqn/metrics.jsonl') });
 * evaluate(agent, make('CartPole-v1'), { episodes: 100, seed: 0 });
 * ```
 * @category Agents
 */
export class Dqn extends AgentBase<number> {
  readonly algorithm = 'dqn';
  readonly config: DqnConfig;
  /** The training environment. */
  readonly env: Env<Float32Array, number>;
  readonly qNet: Mlp;
  readonly targetNet: Mlp;
  readonly optimizer: Adam;
  readonly buffer: ReplayBuffer;
  /** Environment steps taken in all `learn` calls. */
  numTimesteps = 0;
  /** Episodes finished. */
  episodes = 0;
  /** The total of steps the exploration schedule spans (set by `learn`). */
  totalTimesteps = 0;
  /** Current epsilon. */
  explorationRate: number;
  /** Exploration and sampling generator. */
  readonly rng: Rng;
  private readonly nActions: number;
  private readonly obsSize: number;
  private observation: Float32Array | null = null;
  /** The current observation's action mask, while masking. */
  private actionMask: Uint8Array | null = null;
  /** Whether actions are masked (decided on the first reset). */
  masking = false;
  private episodeReturn = 0;
  private episodeLength = 0;
  private stepsSinceTrain = 0;
  /** The learning rate of the current training phase (read by the optimizer's schedule). */
  private currentLr: number;

  constructor(config: Partial<DqnConfig> = {}, env?: Env<Float32Array, number>) {
    super();
    this.config = resolveDqnConfig(config);
    const c = this.config;
    this.env = prepareEnv('DQN', env ?? make<unknown, number>(c.env, c.envKwargs), ['Discrete']);
    this.obsSize = (this.env.observationSpace as unknown as Box).size;
    this.nActions = (this.env.actionSpace as unknown as Discrete).n;
    const sizes = [this.obsSize, ...c.netArch, this.nActions];
    this.qNet = new Mlp(sizes, { activation: 'relu', init: { kind: 'pytorch' }, seed: c.seed });
    this.targetNet = new Mlp(sizes, { activation: 'relu', init: { kind: 'pytorch' }, seed: c.seed, trainable: false });
    this.targetNet.updateFrom(this.qNet);
    this.currentLr = c.learningRate;
    this.optimizer = new Adam({
      learningRate: { at: () => this.currentLr, getConfig: () => ({ kind: 'constant', lr: this.currentLr }) },
      clipNorm: c.maxGradNorm,
    });
    this.buffer = new ReplayBuffer(c.bufferSize, this.obsSize, 1, c.actionMasking === 'off' ? 0 : this.nActions);
    this.rng = new Rng(c.seed);
    this.explorationRate = c.explorationInitialEps;
  }

  /**
   * The greedy action, or with probability `explorationRate` a random one when not deterministic;
   * both among the actions `actionMask` (the step's `info.actionMask`) marks valid unless
   * `actionMasking` is `off`.
   */
  protected *predictReads(observation: Float32Array | number, deterministic: boolean, actionMask?: ActionMask | null): Reads<number> {
    const mask = this.config.actionMasking === 'off' ? null : actionMaskOf({ actionMask }, this.nActions);
    if (!deterministic && this.rng.random() < this.explorationRate) return this.randomAction(mask);
    const x = encodeObservation(observation, this.env);
    const [q] = yield* read(tf.tidy(() => this.qNet.apply(tf.tensor2d(x, [1, this.obsSize]))));
    return maskedArgmax(q, mask);
  }

  /** A uniformly random action, among the valid ones of `mask` when it marks any. */
  private randomAction(mask: Uint8Array | null): number {
    if (mask === null || !mask.includes(1)) return this.rng.integer(0, this.nActions);
    const valid = mask.reduce<number[]>((list, v, j) => (v === 1 ? [...list, j] : list), []);
    return valid[this.rng.integer(0, valid.length)];
  }

  /** The action mask of `info` when masking (deciding whether to mask on the first call). */
  private maskOf(info: Info, first = false): Uint8Array | null {
    const mask = actionMaskOf(info, this.nActions);
    if (first) {
      if (this.config.actionMasking === 'on' && mask === null)
        throw new InvalidArgumentError({
          parameter: 'actionMasking',
          value: 'on',
          message: "The environment gives no info.actionMask on reset; use 'auto' or 'off'.",
        });
      this.masking = this.config.actionMasking !== 'off' && mask !== null;
    }
    return this.masking ? mask : null;
  }

  /**
   * Trains for `totalTimesteps` more environment steps (the exploration schedule spans the steps of
   * all calls, as given to the first).
   */
  protected *learnReads(totalTimesteps: number, options: LearnOptions): Reads<this> {
    const c = this.config;
    const { logger, onStep } = options;
    checkTotalTimesteps(totalTimesteps);
    if (this.totalTimesteps === 0) this.totalTimesteps = totalTimesteps;
    // ---- seeding / environment
    if (this.observation === null) {
      // A new or resumed agent seeds its first reset (seed + episodes so far), so resumed runs replay too.
      const first = this.env.reset({ seed: c.seed + this.episodes });
      this.observation = first.observation;
      this.actionMask = this.maskOf(first.info, true);
      this.episodeReturn = 0;
      this.episodeLength = 0;
    }
    const end = this.numTimesteps + totalTimesteps;
    while (this.numTimesteps < end) {
      // ---- rollout: one environment step
      const observation = this.observation as Float32Array;
      const mask = this.actionMask;
      const action = this.numTimesteps < c.learningStarts ? this.randomAction(mask) : yield* this.predictReads(observation, false, mask);
      const result = this.env.step(action);
      const nextMask = this.maskOf(result.info);
      // On truncation the step's observation is the final one: store it and bootstrap from it.
      this.buffer.add(observation, result.observation, action, result.reward, result.terminated, nextMask);
      this.episodeReturn += result.reward;
      this.episodeLength += 1;
      this.numTimesteps += 1;
      this.stepsSinceTrain += 1;
      if (result.terminated || result.truncated) {
        this.episodes += 1;
        logger?.log({
          step: this.numTimesteps,
          epoch: this.numTimesteps,
          'charts/episodicReturn': this.episodeReturn,
          'charts/episodicLength': this.episodeLength,
        });
        const next = this.env.reset();
        this.observation = next.observation;
        this.actionMask = this.maskOf(next.info);
        this.episodeReturn = 0;
        this.episodeLength = 0;
      } else {
        this.observation = result.observation;
        this.actionMask = nextMask;
      }
      // ---- schedules: epsilon and the target network (per environment step, as sb3's _on_step)
      this.explorationRate = linearAnneal(
        c.explorationInitialEps,
        c.explorationFinalEps,
        c.explorationFraction,
        this.numTimesteps / this.totalTimesteps,
      );
      if (this.numTimesteps % c.targetUpdateInterval === 0) this.targetNet.updateFrom(this.qNet, c.tau);
      // ---- learning
      if (this.numTimesteps % c.trainFreq === 0 && this.numTimesteps > c.learningStarts) {
        const steps = c.gradientSteps === -1 ? this.stepsSinceTrain : c.gradientSteps;
        // Clamped: a later learn() call runs past the span the first one set (as PPO's schedules are).
        const progressRemaining = Math.max(0, 1 - this.numTimesteps / this.totalTimesteps);
        this.currentLr = c.learningRateSchedule === 'linear' ? c.learningRate * progressRemaining : c.learningRate;
        const tdLoss = yield* this.trainReads(steps);
        checkFiniteLosses({ 'losses/tdLoss': tdLoss }, this.numTimesteps);
        logger?.log({
          step: this.numTimesteps,
          'losses/tdLoss': tdLoss,
          'schedule/explorationRate': this.explorationRate,
          'schedule/learningRate': this.currentLr,
        });
      }
      if (this.numTimesteps % c.trainFreq === 0) this.stepsSinceTrain = 0;
      if (onStep?.(this.numTimesteps) === false) break;
    }
    return this;
  }

  /** `steps` gradient steps on replayed batches; returns the mean TD loss. */
  train(steps: number): number {
    return runSync(this.trainReads(steps));
  }

  /** {@link Dqn.train} as {@link Reads}: the losses stay on the device until one read at the end. */
  private *trainReads(steps: number): Reads<number> {
    const c = this.config;
    const losses: tf.Tensor[] = [];
    for (let s = 0; s < steps; s++) {
      const batch = this.buffer.sample(c.batchSize, this.rng);
      const actionMask = new Float32Array(c.batchSize * this.nActions);
      for (let i = 0; i < c.batchSize; i++) actionMask[i * this.nActions + batch.actions[i]] = 1;
      const loss = tf.tidy(() => {
        const obs = tf.tensor2d(batch.observations, [c.batchSize, this.obsSize]);
        const nextObs = tf.tensor2d(batch.nextObservations, [c.batchSize, this.obsSize]);
        // Masked: invalid next actions get -1e9 (a row with no valid action, after the episode's end, is not masked).
        const penalty = this.masking && batch.nextActionMasks ? nextActionPenalty(batch.nextActionMasks, c.batchSize, this.nActions) : null;
        const masked = (q: tf.Tensor) => (penalty === null ? q : tf.add(q, penalty));
        const nextQ = this.targetNet.apply(nextObs);
        let nextValue: tf.Tensor;
        if (c.doubleDqn) {
          const best = tf.oneHot(tf.argMax(masked(this.qNet.apply(nextObs)), 1), this.nActions).cast('float32');
          nextValue = tf.sum(tf.mul(nextQ, best), 1);
        } else {
          nextValue = tf.max(masked(nextQ), 1);
        }
        const notDone = tf.sub(1, tf.tensor1d(batch.terminated));
        const target = tf.add(tf.tensor1d(batch.rewards), tf.mul(tf.mul(notDone, c.gamma), nextValue));
        const mask = tf.tensor2d(actionMask, [c.batchSize, this.nActions]);
        const loss = this.optimizer.minimize(
          () => tdLoss(c.loss, target, tf.sum(tf.mul(this.qNet.apply(obs), mask), 1)),
          true,
          this.qNet.variables,
        );
        return loss as tf.Scalar;
      });
      losses.push(loss);
    }
    const [total] = yield* readSums(losses);
    return total / steps;
  }

  /**
   * Saves everything needed to resume bitwise: both networks, Adam's state, the replay buffer, the
   * step counters (the schedule position), the generator's state, and the episode in progress (its
   * observation, return and length, and the environment's state with its wrappers' and generator's).
   * `extra` is kept as the checkpoint's `extra` field (a training loop's own position).
   */
  async save(dir: string, extra?: Record<string, unknown>): Promise<void> {
    writeCheckpoint(dir, {
      algorithm: this.algorithm,
      config: this.config,
      numTimesteps: this.numTimesteps,
      totalTimesteps: this.totalTimesteps,
      episodes: this.episodes,
      explorationRate: this.explorationRate,
      rng: this.rng.state,
      qNet: (await readWeights(this.qNet.variables)).map(encodeArray),
      targetNet: (await readWeights(this.targetNet.variables)).map(encodeArray),
      optimizer: await encodeOptimizer(this.optimizer),
      buffer: this.buffer.toJSON(),
      episode:
        this.observation === null
          ? null
          : {
              observation: encodeArray(this.observation),
              ...(this.actionMask === null ? {} : { actionMask: encodeArray(this.actionMask) }),
              episodeReturn: this.episodeReturn,
              episodeLength: this.episodeLength,
              stepsSinceTrain: this.stepsSinceTrain,
              env: captureEnvState(this.env),
            },
      ...(extra === undefined ? {} : { extra }),
    });
  }

  /**
   * Restores an agent saved by {@link Dqn.save} (pass `env` when it was trained on a custom one),
   * with the episode in progress when the checkpoint has one.
   */
  static async load(dir: string, env?: Env<Float32Array, number>): Promise<Dqn> {
    const fields = {
      config: 'object',
      qNet: 'array',
      targetNet: 'array',
      optimizer: 'array',
      buffer: 'object',
      numTimesteps: 'count',
      totalTimesteps: 'count',
      episodes: 'count',
      explorationRate: 'number',
      rng: 'uint32',
    } as const;
    return loadCheckpoint(
      dir,
      'dqn',
      fields,
      (saved) => new Dqn(saved['config'], env),
      async (agent, saved) => {
        agent.qNet.setWeights(decodeWeights(saved['qNet'], sizesOf(agent.qNet.variables), 'qNet'));
        agent.targetNet.setWeights(decodeWeights(saved['targetNet'], sizesOf(agent.targetNet.variables), 'targetNet'));
        await restoreOptimizer(agent.optimizer, saved['optimizer']);
        agent.buffer.load(saved['buffer']);
        agent.numTimesteps = saved['numTimesteps'];
        agent.totalTimesteps = saved['totalTimesteps'];
        agent.episodes = saved['episodes'];
        agent.explorationRate = saved['explorationRate'];
        agent.rng.state = saved['rng'];
        const episode = saved['episode'] as Record<string, unknown> | null | undefined;
        if (episode) {
          const path = checkpointPath(dir);
          const counters = ['episodeReturn', 'episodeLength', 'stepsSinceTrain'] as const;
          const observation = decodeFloat32Exact(episode['observation'], agent.obsSize);
          if (observation === null || counters.some((k) => !Number.isFinite(episode[k]))) {
            const hint = 'Save the agent again, or delete its "episode" field to start a new episode.';
            throw new FileFormatError({ path, problem: 'has a malformed episode in progress', hint });
          }
          restoreEnvState(agent.env as Env<unknown, unknown>, episode['env'], path);
          agent.observation = observation;
          if (episode['actionMask'] !== undefined) {
            agent.masking = true;
            agent.actionMask = actionMaskOf(
              { actionMask: decodeUint8(episode['actionMask'] as EncodedArray, 'episode.actionMask') },
              agent.nActions,
            );
          }
          agent.episodeReturn = episode['episodeReturn'] as number;
          agent.episodeLength = episode['episodeLength'] as number;
          agent.stepsSinceTrain = episode['stepsSinceTrain'] as number;
        }
      },
    );
  }

  /** Frees the networks and the optimizer's state. */
  dispose(): void {
    this.qNet.dispose();
    this.targetNet.dispose();
    this.optimizer.dispose();
  }
}
