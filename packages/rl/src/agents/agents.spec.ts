import * as tf from '@tensorflow/tfjs';
import { InvalidArgumentError, NumericalError, initBackend } from '@bigmodel/core';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { BaseEnv, type RgbFrame, type StepResult } from '../env/env';
import { make } from '../env/registry';
import { Box } from '../spaces/box';
import { Discrete } from '../spaces/discrete';
import { Canvas } from '../utils/canvas';
import { SyncVectorEnv } from '../vector/sync-vector-env';
import { TimeLimit } from '../wrappers/time-limit';
import { A2C_PRESETS, A2c, resolveA2cConfig } from './a2c';
import { ActorCritic } from './common/actor-critic';
import { decodeFloat32, decodeUint8 } from './checkpoint';
import { CONFIG_SIZE_LIMITS, MAX_HIDDEN_LAYERS, MAX_HIDDEN_WEIGHTS, MAX_LAYER_UNITS } from './common/config-fields';
import { DQN_PRESETS, Dqn, linearAnneal, resolveDqnConfig } from './dqn';
import { evaluate } from './evaluate';
import { PPO_PRESETS, Ppo, resolvePpoConfig } from './ppo';
import { Reinforce, discountedReturns, resolveReinforceConfig } from './reinforce';
import { RolloutCollector, computeGae } from './common/rollout';
import { SAC_PRESETS, resolveSacConfig } from './sac';
import { TD3_PRESETS, resolveTd3Config } from './td3';

/** Observation [t / 10]; reward 1 per step; terminates after `terminateAfter` steps (if given). */
class Corridor extends BaseEnv<Float32Array, number> {
  readonly actionSpace = new Discrete(2);
  readonly observationSpace = new Box({ low: 0, high: 100, shape: [1] });
  t = 0;
  constructor(private readonly terminateAfter = Infinity) {
    super();
  }
  override reset(options = {}) {
    super.reset(options);
    this.t = 0;
    return { observation: Float32Array.of(0), info: {} };
  }
  step(): StepResult<Float32Array> {
    this.t += 1;
    return { observation: Float32Array.of(this.t / 10), reward: 1, terminated: this.t >= this.terminateAfter, truncated: false, info: {} };
  }
  render(): RgbFrame {
    return new Canvas(1, 1).frame();
  }
}

/** A Corridor whose observations turn NaN from step `from` on (a broken sensor): every agent must stop learning on it. */
class NaNCorridor extends Corridor {
  constructor(private readonly from: number) {
    super();
  }
  override step(): StepResult<Float32Array> {
    const result = super.step();
    return this.t >= this.from ? { ...result, observation: Float32Array.of(NaN) } : result;
  }
}

let tmp: string;
beforeAll(async () => {
  await initBackend();
  tf.env().set('PROD', true);
  tmp = mkdtempSync(join(tmpdir(), 'rl-agents-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('pure helpers', () => {
  it('computeGae matches the recursion worked by hand, cut at episode ends', () => {
    // One env, 3 steps, gamma 0.5, lambda 0.5; the episode ends at t = 1.
    const rollout = {
      rewards: Float32Array.of(1, 2, 3),
      values: Float32Array.of(0.5, 1, 2),
      dones: Uint8Array.of(0, 1, 0),
      lastValues: Float32Array.of(4),
    };
    const { advantages, returns } = computeGae(rollout, 3, 1, 0.5, 0.5);
    const d2 = 3 + 0.5 * 4 - 2; // 3
    const d1 = 2 - 1; // episode ended: no bootstrap
    const d0 = 1 + 0.5 * 1 - 0.5; // 1
    expect(Array.from(advantages)).toEqual([d0 + 0.25 * d1, d1, d2]);
    expect(Array.from(returns)).toEqual([d0 + 0.25 * d1 + 0.5, d1 + 1, d2 + 2]);
  });

  it('discountedReturns and linearAnneal follow their formulas', () => {
    expect(Array.from(discountedReturns([1, 1, 1], 0.5))).toEqual([1.75, 1.5, 1]);
    expect(Array.from(discountedReturns([1, 1], 0.5, 4))).toEqual([2.5, 3]);
    expect(linearAnneal(1, 0.04, 0.16, 0)).toBe(1);
    expect(linearAnneal(1, 0.04, 0.16, 0.08)).toBeCloseTo(0.52, 12);
    expect(linearAnneal(1, 0.04, 0.16, 0.5)).toBe(0.04);
  });
});

describe('config validation', () => {
  it('names the parameter of bad hyperparameters', () => {
    expect(() => resolveDqnConfig({ gamma: 1.5 })).toThrow(
      expect.objectContaining({ name: 'InvalidArgumentError', parameter: 'DqnConfig.gamma', value: 1.5 }),
    );
    expect(() => resolveDqnConfig({ bufferSize: 16, batchSize: 32 })).toThrow(
      expect.objectContaining({
        parameter: 'DqnConfig.bufferSize',
        value: 16,
        message: expect.stringContaining('Must be an integer >= batchSize (32).'),
      }),
    );
    expect(() => resolvePpoConfig({ gamma: -0.1 })).toThrow(expect.objectContaining({ parameter: 'PpoConfig.gamma' }));
    expect(() => resolvePpoConfig({ nSteps: 8, nEnvs: 1, batchSize: 64 })).toThrow(
      expect.objectContaining({
        parameter: 'PpoConfig.batchSize',
        value: 64,
        message: expect.stringContaining('Must be an integer in [1, 8] (nSteps * nEnvs).'),
      }),
    );
    expect(() => resolveA2cConfig({ gaeLambda: 2 })).toThrow(expect.objectContaining({ parameter: 'A2cConfig.gaeLambda' }));
    expect(() => resolveReinforceConfig({ episodesPerUpdate: 0 })).toThrow(
      expect.objectContaining({ parameter: 'ReinforceConfig.episodesPerUpdate' }),
    );
    expect(() => resolveDqnConfig({ learningrate: 1 } as never)).toThrow(InvalidArgumentError);
    expect(() => resolveDqnConfig({ learningRateSchedule: 'cosine' as never })).toThrow(
      expect.objectContaining({ parameter: 'DqnConfig.learningRateSchedule', value: 'cosine' }),
    );
  });

  const resolvers: Record<string, (config: Record<string, unknown>) => unknown> = {
    dqn: resolveDqnConfig,
    ppo: resolvePpoConfig,
    a2c: resolveA2cConfig,
    reinforce: resolveReinforceConfig,
    sac: resolveSacConfig,
    td3: resolveTd3Config,
  };
  /** The config names errors start their paths with (`PpoConfig.piArch`). */
  const names: Record<string, string> = {
    dqn: 'DqnConfig',
    ppo: 'PpoConfig',
    a2c: 'A2cConfig',
    reinforce: 'ReinforceConfig',
    sac: 'SacConfig',
    td3: 'Td3Config',
  };
  const tooWide = [MAX_LAYER_UNITS + 1];
  const tooManyWeights = [8193, 8192]; // 67,117,056 weights > 2^26 = 8192 * 8192
  const tooDeep = Array.from({ length: MAX_HIDDEN_LAYERS + 1 }, () => 4);
  it.each([
    ['ppo', 'piArch', [100_000, 100_000], 'at most 16384 units'],
    ['ppo', 'vfArch', tooWide, 'at most 16384 units'],
    ['ppo', 'piArch', tooManyWeights, 'at most 67108864 (2^26) weights'],
    ['a2c', 'piArch', tooDeep, 'at most 16 hidden layers'],
    ['a2c', 'vfArch', [100_000], 'at most 16384 units'],
    ['reinforce', 'piArch', tooManyWeights, '2^26'],
    ['reinforce', 'vfArch', tooWide, '16384'],
    ['dqn', 'netArch', [100_000, 100_000], 'at most 16384 units'],
    ['dqn', 'netArch', tooDeep, 'at most 16 hidden layers'],
    ['sac', 'netArch', tooManyWeights, '2^26'],
    ['td3', 'netArch', [400, 100_000], 'at most 16384 units'],
  ])('%s refuses %s = %j before building anything (%s)', (agent, parameter, value, limit) => {
    const started = Date.now();
    const before = tf.memory().numTensors;
    let caught: unknown;
    try {
      resolvers[agent]({ [parameter]: value });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(InvalidArgumentError);
    expect(caught).toMatchObject({ parameter: `${names[agent]}.${parameter}`, value });
    expect((caught as Error).message).toContain(limit);
    expect(tf.memory().numTensors).toBe(before);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it.each([
    ['dqn', 'bufferSize', 1e12, 'Must be an integer in [1, 10000000].'],
    ['sac', 'bufferSize', 10_000_001, 'Must be an integer in [1, 10000000].'],
    ['td3', 'bufferSize', 1e9, 'Must be an integer in [1, 10000000].'],
    ['dqn', 'batchSize', 1e9, 'Must be an integer in [1, 65536].'],
    ['ppo', 'batchSize', 65_537, 'Must be an integer in [1, 65536].'],
    ['ppo', 'nEnvs', 100_000, 'Must be an integer in [1, 1024].'],
    ['a2c', 'nEnvs', 1025, 'Must be an integer in [1, 1024].'],
    ['a2c', 'nSteps', 1e9, 'Must be an integer in [1, 65536].'],
    ['td3', 'nCritics', 1000, 'Must be an integer in [1, 10].'],
  ])('%s refuses %s = %d before allocating anything (%s)', (agent, parameter, value, message) => {
    const started = Date.now();
    expect(() => resolvers[agent]({ [parameter]: value })).toThrow(
      expect.objectContaining({
        name: 'InvalidArgumentError',
        parameter: `${names[agent]}.${parameter}`,
        value,
        message: expect.stringContaining(message),
      }),
    );
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('fills the documented defaults (the values the configs had before their schemas)', () => {
    const documented: Record<string, Record<string, unknown>> = {
      ppo: {
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
      },
      dqn: {
        env: 'CartPole-v1',
        envKwargs: {},
        learningRate: 1e-4,
        learningRateSchedule: 'constant',
        bufferSize: 1_000_000,
        learningStarts: 100,
        batchSize: 32,
        tau: 1.0,
        gamma: 0.99,
        trainFreq: 4,
        gradientSteps: 1,
        targetUpdateInterval: 10_000,
        explorationFraction: 0.1,
        explorationInitialEps: 1.0,
        explorationFinalEps: 0.05,
        maxGradNorm: 10,
        loss: 'huber',
        doubleDqn: false,
        netArch: [64, 64],
        actionMasking: 'auto',
        seed: 0,
      },
      a2c: {
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
      },
      reinforce: {
        env: 'CartPole-v1',
        envKwargs: {},
        learningRate: 1e-3,
        gamma: 0.99,
        episodesPerUpdate: 4,
        vfCoef: 0.5,
        entCoef: 0,
        normalizeAdvantage: true,
        maxGradNorm: 1,
        piArch: [64, 64],
        vfArch: [64, 64],
        activation: 'tanh',
        logStdInit: 0,
        seed: 0,
      },
      sac: {
        env: 'Pendulum-v1',
        envKwargs: {},
        learningRate: 3e-4,
        learningRateSchedule: 'constant',
        bufferSize: 1_000_000,
        learningStarts: 100,
        batchSize: 256,
        tau: 0.005,
        gamma: 0.99,
        trainFreq: 1,
        trainFreqUnit: 'step',
        gradientSteps: 1,
        entCoef: 'auto',
        entCoefInit: 1,
        targetEntropy: 'auto',
        targetUpdateInterval: 1,
        netArch: [256, 256],
        useSde: false,
        logStdInit: -3,
        sdeSampleFreq: -1,
        clipMean: 2,
        seed: 0,
      },
      td3: {
        env: 'Pendulum-v1',
        envKwargs: {},
        learningRate: 1e-3,
        learningRateSchedule: 'constant',
        bufferSize: 1_000_000,
        learningStarts: 100,
        batchSize: 256,
        tau: 0.005,
        gamma: 0.99,
        trainFreq: 1,
        trainFreqUnit: 'step',
        gradientSteps: 1,
        policyDelay: 2,
        targetPolicyNoise: 0.2,
        targetNoiseClip: 0.5,
        nCritics: 2,
        actionNoise: 'normal',
        actionNoiseStd: 0.1,
        netArch: [400, 300],
        seed: 0,
      },
    };
    for (const [agent, expected] of Object.entries(documented)) expect(resolvers[agent]({})).toEqual(expected);
  });

  it.each([
    ['dqn', 'learningrate', 'learningRate'],
    ['ppo', 'nEnv', 'nEnvs'],
    ['a2c', 'rmsPropAlpha', 'rmspropAlpha'],
    ['reinforce', 'episodePerUpdate', 'episodesPerUpdate'],
    ['sac', 'entCoeff', 'entCoef'],
    ['td3', 'policyDelays', 'policyDelay'],
  ])('%s answers the misspelt key %s with the nearest known one (%s)', (agent, given, suggestion) => {
    expect(() => resolvers[agent]({ [given]: 3 })).toThrow(
      expect.objectContaining({
        name: 'InvalidArgumentError',
        parameter: `${names[agent]}.${given}`,
        value: 3,
        message: expect.stringContaining(`Unknown key; did you mean "${suggestion}"?`),
      }),
    );
  });

  it('lists the known keys when no key is near, and names the element, the value and the rule of a bad field', () => {
    expect(() => resolveReinforceConfig({ banana: 1 } as never)).toThrow(
      expect.objectContaining({
        parameter: 'ReinforceConfig.banana',
        message: expect.stringContaining('known keys: env, envKwargs, learningRate,'),
      }),
    );
    expect(() => resolvePpoConfig({ piArch: [64, 0] })).toThrow(
      expect.objectContaining({
        parameter: 'PpoConfig.piArch[1]',
        value: 0,
        message: expect.stringContaining('Must be a positive integer'),
      }),
    );
    expect(() => resolveSacConfig({ entCoef: 'automatic' as never })).toThrow(
      expect.objectContaining({
        parameter: 'SacConfig.entCoef',
        value: 'automatic',
        message: expect.stringContaining("Must be 'auto' or a number >= 0."),
      }),
    );
    expect(() => resolveTd3Config({ gradientSteps: 0 })).toThrow(
      expect.objectContaining({ parameter: 'Td3Config.gradientSteps', value: 0, message: expect.stringContaining('Must be -1') }),
    );
    // The message names the path, the value, the rule and the field's documentation (with its default).
    expect(() => resolveA2cConfig({ rmspropAlpha: 1 })).toThrow(
      'Invalid argument for A2cConfig.rmspropAlpha: 1. Must be a number in [0, 0.9999999999999998]. ' +
        "RMSprop's squared-gradient decay, in [0, 1) (default 0.99).",
    );
    expect(() => resolveDqnConfig({ seed: 1.5 })).toThrow(
      expect.objectContaining({ parameter: 'DqnConfig.seed', message: expect.stringContaining('Must be an integer >= 0.') }),
    );
    expect(resolveSacConfig({ entCoef: 0.2, targetEntropy: -3, gradientSteps: -1 })).toMatchObject({
      entCoef: 0.2,
      targetEntropy: -3,
      gradientSteps: -1,
    });
  });

  it('accepts the largest hidden layers the limits allow and every preset', () => {
    expect(MAX_HIDDEN_WEIGHTS).toBe(8192 * 8192);
    expect(() => resolveDqnConfig({ netArch: [8192, 8192] })).not.toThrow();
    expect(() => resolveDqnConfig({ bufferSize: CONFIG_SIZE_LIMITS.bufferSize, batchSize: CONFIG_SIZE_LIMITS.batchSize })).not.toThrow();
    expect(() => resolveTd3Config({ nCritics: CONFIG_SIZE_LIMITS.nCritics })).not.toThrow();
    expect(() =>
      resolvePpoConfig({ piArch: [MAX_LAYER_UNITS], vfArch: Array.from({ length: MAX_HIDDEN_LAYERS }, () => 64) }),
    ).not.toThrow();
    const presets: [string, Record<string, Record<string, unknown>>][] = [
      ['dqn', DQN_PRESETS],
      ['ppo', PPO_PRESETS],
      ['a2c', A2C_PRESETS],
      ['sac', SAC_PRESETS],
      ['td3', TD3_PRESETS],
    ];
    for (const [agent, table] of presets) for (const preset of Object.values(table)) expect(() => resolvers[agent](preset)).not.toThrow();
  });

  it("DQN's linear learning rate is the rate times the fraction of the run remaining at each training phase", () => {
    const before = tf.memory().numTensors;
    const rates: number[] = [];
    const logger = {
      log: (record: Record<string, number>) =>
        void (record['schedule/learningRate'] !== undefined && rates.push(record['schedule/learningRate'])),
    };
    const agent = new Dqn(
      {
        learningRate: 0.01,
        learningRateSchedule: 'linear',
        learningStarts: 0,
        trainFreq: 4,
        bufferSize: 16,
        batchSize: 2,
        netArch: [4],
        seed: 0,
      },
      new TimeLimit(new Corridor(), 5),
    );
    agent.learn(12, { logger: logger as never });
    // Phases after env steps 4, 8 and 12 of 12: 0.01 * (1 - t / 12).
    expect(rates).toHaveLength(3);
    [0.01 * (8 / 12), 0.01 * (4 / 12), 0].forEach((rate, i) => expect(rates[i]).toBeCloseTo(rate, 12));
    expect(agent.optimizer.learningRate(1)).toBe(0);
    agent.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('bootstrapping on truncation versus termination', () => {
  it('DQN stores a truncation as not done with the final observation, and its TD target bootstraps only then', () => {
    const before = tf.memory().numTensors;
    const agent = new Dqn(
      { learningStarts: 1000, bufferSize: 100, batchSize: 1, gamma: 0.5, netArch: [4], seed: 0 },
      new TimeLimit(new Corridor(), 3),
    );
    agent.learn(3);
    const saved = agent.buffer.toJSON() as Record<string, string>;
    expect(Array.from(decodeFloat32(saved['nextObservations']))).toEqual([0.1, 0.2, 0.3].map(Math.fround));
    expect(Array.from(decodeUint8(saved['terminated']))).toEqual([0, 0, 0]);
    // Q(s) = [1, 2] everywhere: a terminated transition with r = 1, a = 0 has target 1 (loss 0); a
    // non-terminated one has target 1 + 0.5 * max(1, 2) = 2 (Huber loss of an error of 1: 0.5).
    const constant = (net: typeof agent.qNet) =>
      net.setWeights(net.getWeights().map((w, i, all) => (i === all.length - 1 ? Float32Array.of(1, 2) : new Float32Array(w.length))));
    for (const [terminated, loss] of [
      [true, 0],
      [false, 0.5],
    ] as const) {
      constant(agent.qNet);
      constant(agent.targetNet);
      agent.buffer.position = 0;
      agent.buffer.full = false;
      agent.buffer.add([0], [0.1], 0, 1, terminated);
      expect(agent.train(1)).toBeCloseTo(loss, 6);
    }
    agent.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it("Double DQN values the online network's greedy action with the target network", () => {
    const before = tf.memory().numTensors;
    const losses = [false, true].map((doubleDqn) => {
      const agent = new Dqn(
        { learningStarts: 1000, bufferSize: 10, batchSize: 1, gamma: 0.5, netArch: [4], doubleDqn, seed: 0 },
        new TimeLimit(new Corridor(), 3),
      );
      const constant = (net: typeof agent.qNet, bias: number[]) =>
        net.setWeights(net.getWeights().map((w, i, all) => (i === all.length - 1 ? Float32Array.from(bias) : new Float32Array(w.length))));
      constant(agent.qNet, [2, 1]);
      constant(agent.targetNet, [1, 3]);
      agent.buffer.add([0], [0.1], 1, 1, false);
      const loss = agent.train(1);
      agent.dispose();
      return loss;
    });
    // Q(s, 1) = 1. Vanilla target: 1 + 0.5 * max(1, 3) = 2.5 (error 1.5, Huber 1.0); double: the
    // online argmax is action 0, valued 1 by the target net: 1.5 (error 0.5, Huber 0.125).
    expect(losses[0]).toBeCloseTo(1.0, 6);
    expect(losses[1]).toBeCloseTo(0.125, 6);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('on-policy rollouts add gamma * V(final observation) on truncation and nothing on termination', () => {
    const before = tf.memory().numTensors;
    const policy = new ActorCritic(
      1,
      { kind: 'categorical', n: 2 },
      { piArch: [4], vfArch: [4], activation: 'tanh', logStdInit: 0, seed: 0 },
    );
    const envs = new SyncVectorEnv([() => new TimeLimit(new Corridor(), 2), () => new Corridor(2)], { autoresetMode: 'same-step' });
    const collector = new RolloutCollector(envs as never, policy, { gamma: 0.9, normalizeObservation: false, normalizeReward: false });
    const rollout = collector.collect(2, new (require('../utils/rng').Rng)(0), 0);
    const finalValue = policy.values(Float32Array.of(0.2), 1)[0];
    // t = 1: env 0 truncated (bootstrapped), env 1 terminated (not).
    expect(rollout.rewards[2]).toBeCloseTo(1 + 0.9 * finalValue, 6);
    expect(rollout.rewards[3]).toBe(1);
    expect(Array.from(rollout.dones)).toEqual([0, 0, 1, 1]);
    policy.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('observation statistics count every raw observation once, across rollout boundaries', () => {
    const policy = new ActorCritic(
      1,
      { kind: 'categorical', n: 2 },
      { piArch: [4], vfArch: [4], activation: 'tanh', logStdInit: 0, seed: 0 },
    );
    const envs = new SyncVectorEnv([() => new Corridor()], { autoresetMode: 'same-step' });
    const collector = new RolloutCollector(envs as never, policy, { gamma: 0.9, normalizeObservation: true, normalizeReward: false });
    const rng = new (require('../utils/rng').Rng)(0);
    collector.collect(3, rng, 0);
    collector.collect(3, rng, 0);
    // The stream is the reset's 0, then 0.1 ... 0.6 from six steps: seven observations, each once.
    const xs = [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6].map((x) => Math.fround(x));
    const n = xs.length;
    const batchMean = xs.reduce((s, x) => s + x, 0) / n;
    const batchM2 = xs.reduce((s, x) => s + (x - batchMean) ** 2, 0);
    // Merged with the prior (mean 0, var 1, count 1e-4), as Chan et al.'s formula.
    const prior = 1e-4;
    const total = prior + n;
    const obsRms = collector.obsRms as NonNullable<typeof collector.obsRms>;
    expect(obsRms.count).toBeCloseTo(total, 10);
    expect(obsRms.mean[0]).toBeCloseTo((batchMean * n) / total, 10);
    expect(obsRms.var[0]).toBeCloseTo((prior + batchM2 + (batchMean ** 2 * prior * n) / total) / total, 10);
    policy.dispose();
  });
});

describe('training, saving and resuming', () => {
  it('PPO learns CartPole within 8,192 steps and does not leak tensors', () => {
    const before = tf.memory().numTensors;
    const agent = new Ppo({ nEnvs: 8, nSteps: 32, batchSize: 256, nEpochs: 10, gamma: 0.98, gaeLambda: 0.8, learningRate: 1e-3, seed: 0 });
    const untrained = evaluate(agent, make('CartPole-v1'), { episodes: 5, seed: 0 }).meanReturn;
    agent.learn(8192);
    const trained = evaluate(agent, make('CartPole-v1'), { episodes: 5, seed: 0 }).meanReturn;
    expect(untrained).toBeLessThan(60);
    expect(trained).toBeGreaterThan(150);
    agent.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('DQN saves and loads networks, Adam state, replay buffer, schedule position and RNG state', async () => {
    const before = tf.memory().numTensors;
    const agent = new Dqn({
      learningStarts: 50,
      bufferSize: 500,
      batchSize: 16,
      trainFreq: 10,
      gradientSteps: 2,
      targetUpdateInterval: 20,
      netArch: [16],
      seed: 3,
    });
    agent.learn(300);
    await agent.save(join(tmp, 'dqn'));
    const loaded = await Dqn.load(join(tmp, 'dqn'));
    expect([loaded.numTimesteps, loaded.episodes, loaded.explorationRate, loaded.rng.state]).toEqual([
      agent.numTimesteps,
      agent.episodes,
      agent.explorationRate,
      agent.rng.state,
    ]);
    expect(loaded.qNet.getWeights()).toEqual(agent.qNet.getWeights());
    expect(loaded.targetNet.getWeights()).toEqual(agent.targetNet.getWeights());
    expect(loaded.buffer.toJSON()).toEqual(agent.buffer.toJSON());
    // Same optimizer state: one identical gradient step from the same batch moves both alike.
    const [a, b] = [agent, loaded].map((x) => {
      x.rng.state = 99;
      x.train(1);
      return x.qNet.getWeights();
    });
    a.forEach((w, i) => w.forEach((v, j) => expect(b[i][j]).toBeCloseTo(v, 6)));
    // Resuming is reproducible: two loads of the same checkpoint train to the same weights.
    const [first, second] = [await Dqn.load(join(tmp, 'dqn')), await Dqn.load(join(tmp, 'dqn'))];
    first.learn(60);
    second.learn(60);
    expect(second.qNet.getWeights()).toEqual(first.qNet.getWeights());
    expect(second.numTimesteps).toBe(360);
    agent.dispose();
    loaded.dispose();
    first.dispose();
    second.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('PPO with a Gaussian policy and normalizers saves and resumes its statistics', async () => {
    const before = tf.memory().numTensors;
    const agent = new Ppo({
      env: 'Pendulum-v1',
      nEnvs: 2,
      nSteps: 64,
      batchSize: 32,
      nEpochs: 2,
      normalizeObservation: true,
      normalizeReward: true,
      seed: 1,
    });
    agent.learn(256);
    const action = agent.predict(Float32Array.of(1, 0, 0)) as Float32Array;
    expect(action).toHaveLength(1);
    expect(Math.abs(action[0])).toBeLessThanOrEqual(2);
    await agent.save(join(tmp, 'ppo'));
    const loaded = await Ppo.load(join(tmp, 'ppo'));
    expect(loaded.collector.obsRms?.toJSON()).toEqual(agent.collector.obsRms?.toJSON());
    expect(loaded.collector.returnRms?.toJSON()).toEqual(agent.collector.returnRms?.toJSON());
    expect([loaded.numTimesteps, loaded.updates, loaded.rng.state]).toEqual([agent.numTimesteps, agent.updates, agent.rng.state]);
    expect(loaded.predict(Float32Array.of(1, 0, 0))).toEqual(agent.predict(Float32Array.of(1, 0, 0)));
    loaded.learn(128);
    agent.dispose();
    loaded.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('A2C and REINFORCE train, save and load without leaking tensors', async () => {
    const before = tf.memory().numTensors;
    const a2c = new A2c({ nEnvs: 4, seed: 0 });
    a2c.learn(400);
    await a2c.save(join(tmp, 'a2c'));
    const a2cLoaded = await A2c.load(join(tmp, 'a2c'));
    expect(a2cLoaded.policy.getWeights()).toEqual(a2c.policy.getWeights());
    const reinforce = new Reinforce({ episodesPerUpdate: 2, seed: 0 });
    reinforce.learn(100);
    await reinforce.save(join(tmp, 'reinforce'));
    const reinforceLoaded = await Reinforce.load(join(tmp, 'reinforce'));
    expect(reinforceLoaded.policy.getWeights()).toEqual(reinforce.policy.getWeights());
    expect(reinforceLoaded.numTimesteps).toBe(reinforce.numTimesteps);
    for (const x of [a2c, a2cLoaded, reinforce, reinforceLoaded]) x.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('every agent stops learning with a NumericalError naming the step once its losses turn NaN (NaN observations), without leaking tensors', () => {
    const before = tf.memory().numTensors;
    const env = () => new TimeLimit(new NaNCorridor(6), 40);
    const agents = [
      new Dqn({ learningStarts: 0, trainFreq: 1, bufferSize: 64, batchSize: 4, netArch: [4], seed: 0 }, env()),
      new Ppo({ nEnvs: 1, nSteps: 16, batchSize: 8, nEpochs: 1, piArch: [4], vfArch: [4], seed: 0 }, env),
      new A2c({ nEnvs: 1, nSteps: 8, piArch: [4], vfArch: [4], seed: 0 }, env),
      new Reinforce({ episodesPerUpdate: 1, piArch: [4], vfArch: [4], seed: 0 }, env()),
    ];
    const stops = agents.map((agent) => {
      let error: unknown;
      try {
        agent.learn(400);
      } catch (e) {
        error = e;
      }
      const numerical = NumericalError.isInstance(error) ? error : undefined;
      return {
        error: numerical ? 'NumericalError' : String(error),
        quantity: numerical?.quantity,
        atTheStep: numerical?.step === agent.numTimesteps,
        nan: Number.isNaN(numerical?.value),
      };
    });
    expect(stops).toEqual([
      { error: 'NumericalError', quantity: 'losses/tdLoss', atTheStep: true, nan: true },
      { error: 'NumericalError', quantity: 'losses/policyLoss', atTheStep: true, nan: true },
      { error: 'NumericalError', quantity: 'losses/policyLoss', atTheStep: true, nan: true },
      { error: 'NumericalError', quantity: 'losses/policyLoss', atTheStep: true, nan: true },
    ]);
    agents.forEach((agent) => agent.dispose());
    expect(tf.memory().numTensors).toBe(before);
  });
});
