import * as tf from '@tensorflow/tfjs';
import { initBackend } from '@bigmodel/core';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { Wrapper, type Env, type StepResult } from '../env/env';
import { make } from '../env/registry';
import { MaskedCorridor } from '../envs/masked-corridor';
import { Rng } from '../utils/rng';
import { SyncVectorEnv } from '../vector/sync-vector-env';
import { ActorCritic } from './common/actor-critic';
import { Dqn } from './dqn';
import { Ppo } from './ppo';
import { prepareEnv } from './common/prepare-env';
import { ReplayBuffer } from './common/replay-buffer';
import { RolloutCollector } from './common/rollout';

beforeAll(async () => {
  await initBackend();
  tf.env().set('PROD', true);
});

/** Counts the steps whose action the previous observation's mask marked invalid. */
class InvalidActionCounter<Obs> extends Wrapper<Obs, number> {
  static invalid = 0;
  static steps = 0;
  private mask: Uint8Array | null = null;
  override reset(options?: Parameters<Env['reset']>[0]) {
    const result = super.reset(options);
    this.mask = result.info['actionMask'] as Uint8Array;
    return result;
  }
  override step(action: number): StepResult<Obs> {
    InvalidActionCounter.steps += 1;
    if (this.mask?.[action] === 0) InvalidActionCounter.invalid += 1;
    const result = super.step(action);
    this.mask = result.info['actionMask'] as Uint8Array;
    return result;
  }
}

const corridor = () => new InvalidActionCounter(make<number, number>('MaskedCorridor-v0')) as unknown as Env<Float32Array, number>;

/** Softmax of `logits` over the actions `mask` marks valid, in float64. */
function maskedSoftmax(logits: ArrayLike<number>, mask: ArrayLike<number>): number[] {
  const valid = Array.from(logits, (x, j) => (mask[j] === 1 ? x : -Infinity));
  const max = Math.max(...valid);
  const e = valid.map((x) => Math.exp(x - max));
  const sum = e.reduce((a, b) => a + b, 0);
  return e.map((x) => x / sum);
}

describe('masked categorical policy', () => {
  const ac = () =>
    new ActorCritic(3, { kind: 'categorical', n: 5 }, { piArch: [8], vfArch: [8], activation: 'tanh', logStdInit: 0, seed: 3 });
  // Two observations; the second row's mask has no valid action and is not masked.
  const obs = Float32Array.of(0.5, -1, 2, 1, 0.3, -0.7);
  const masks = Uint8Array.of(0, 1, 0, 1, 0, 0, 0, 0, 0, 0);

  it('acts with probability exactly zero on invalid actions and log-probabilities of the masked softmax', () => {
    const policy = ac();
    // Scale the output layer so that the unmasked greedy action is an invalid one (0, 2 or 4) in row 0.
    const logits = tf.tidy(() => policy.pi.apply(tf.tensor2d(obs, [2, 3])).arraySync() as number[][]);
    const greedy = logits[0].indexOf(Math.max(...logits[0]));
    const rowMask = Array.from(masks.subarray(0, 5));
    const p = maskedSoftmax(logits[0], rowMask);
    expect([0, 2, 4].map((j) => p[j])).toEqual([0, 0, 0]);
    const rng = new Rng(0);
    const counts = [0, 0, 0, 0, 0];
    for (let i = 0; i < 400; i++) {
      const { actions, logProbs } = policy.act(obs, 2, rng, false, masks);
      counts[actions[0]] += 1;
      expect(logProbs[0]).toBeCloseTo(Math.log(p[actions[0]]), 5);
      // The unmasked row: the plain softmax.
      expect(logProbs[1]).toBeCloseTo(Math.log(maskedSoftmax(logits[1], [1, 1, 1, 1, 1])[actions[1]]), 5);
    }
    expect(counts[0] + counts[2] + counts[4]).toBe(0);
    expect(counts[1]).toBeGreaterThan(0);
    expect(counts[3]).toBeGreaterThan(0);
    const best = p[1] >= p[3] ? 1 : 3;
    expect(policy.act(obs, 2, rng, true, masks).actions[0]).toBe(best);
    // Without a mask the greedy action may be invalid; with it, never.
    expect(policy.act(obs, 2, rng, true).actions[0]).toBe(greedy);
    policy.dispose();
  });

  it('evaluates actions on the masked distribution: exp(log p) exactly 0 for invalid ones, entropy over valid ones', () => {
    const policy = ac();
    const before = tf.memory().numTensors;
    const logits = tf.tidy(() => policy.pi.apply(tf.tensor2d(obs, [2, 3])).arraySync() as number[][]);
    const p0 = maskedSoftmax(logits[0], Array.from(masks.subarray(0, 5)));
    const p1 = maskedSoftmax(logits[1], [1, 1, 1, 1, 1]);
    for (let a = 0; a < 5; a++) {
      const { logProb, entropy } = tf.tidy(() => {
        const out = policy.evaluateActions(tf.tensor2d(obs, [2, 3]), tf.tensor2d([a, a], [2, 1]), tf.tensor2d(masks, [2, 5], 'float32'));
        return { logProb: Array.from(out.logProb.dataSync()), entropy: Array.from(out.entropy.dataSync()) };
      });
      if (a % 2 === 0) expect(Math.exp(logProb[0])).toBe(0);
      else expect(Math.exp(logProb[0])).toBeGreaterThan(0.05);
      if (a % 2 === 1) expect(logProb[0]).toBeCloseTo(Math.log(p0[a]), 5);
      expect(logProb[1]).toBeCloseTo(Math.log(p1[a]), 5);
      const h = (p: number[]) => -p.reduce((s, x) => s + (x > 0 ? x * Math.log(x) : 0), 0);
      expect(entropy[0]).toBeCloseTo(h(p0), 5);
      expect(entropy[1]).toBeCloseTo(h(p1), 5);
    }
    expect(tf.memory().numTensors).toBe(before);
    policy.dispose();
  });
});

describe('PPO with action masks', () => {
  it('stores the masks and the update re-evaluates the rollout log-probabilities with them', () => {
    const envs = new SyncVectorEnv(
      [0, 1].map(() => () => prepareEnv('PPO', make('MaskedCorridor-v0'), ['Discrete'])),
      {
        autoresetMode: 'same-step',
      },
    );
    const policy = new ActorCritic(
      9,
      { kind: 'categorical', n: 8 },
      { piArch: [16], vfArch: [16], activation: 'tanh', logStdInit: 0, seed: 0 },
    );
    const collector = new RolloutCollector(envs, policy, {
      gamma: 0.99,
      normalizeObservation: false,
      normalizeReward: false,
      actionMasking: 'auto',
    });
    const rollout = collector.collect(40, new Rng(1), 0);
    const masks = rollout.actionMasks as Uint8Array;
    expect(masks.length).toBe(40 * 2 * 8);
    for (let i = 0; i < 80; i++) {
      // Each stored mask is that of the stored (one-hot) observation's cell, and the action is valid under it.
      const cell = rollout.observations.subarray(i * 9, (i + 1) * 9).indexOf(1);
      expect(masks.subarray(i * 8, (i + 1) * 8)).toEqual(new MaskedCorridor().actionMask(cell));
      expect(masks[i * 8 + rollout.actions[i]]).toBe(1);
    }
    const evaluated = (withMasks: boolean) =>
      tf.tidy(() =>
        Array.from(
          policy
            .evaluateActions(
              tf.tensor2d(rollout.observations, [80, 9]),
              tf.tensor2d(rollout.actions, [80, 1]),
              withMasks ? tf.tensor2d(Float32Array.from(masks), [80, 8]) : null,
            )
            .logProb.dataSync(),
        ),
      );
    evaluated(true).forEach((lp, i) => expect(lp).toBeCloseTo(rollout.logProbs[i], 5));
    expect(Math.abs(evaluated(false)[0] - rollout.logProbs[0])).toBeGreaterThan(0.5); // log(8/3) apart at initialization
    policy.dispose();
  });

  it('never takes an invalid action while learning, masks by default, and leaks no tensors', () => {
    InvalidActionCounter.invalid = InvalidActionCounter.steps = 0;
    const agent = new Ppo({ env: 'MaskedCorridor-v0', nEnvs: 2, nSteps: 32, batchSize: 32, nEpochs: 2, seed: 0 }, corridor);
    agent.learn(64);
    const before = tf.memory().numTensors;
    agent.learn(64);
    expect(tf.memory().numTensors).toBe(before);
    expect(agent.collector.masking).toBe(true);
    expect(InvalidActionCounter.steps).toBe(128);
    expect(InvalidActionCounter.invalid).toBe(0);
    // predict honours a mask too: cell 0's valid actions are 0, 2 and 5.
    const mask = Uint8Array.of(1, 0, 1, 0, 0, 1, 0, 0);
    for (let i = 0; i < 50; i++) expect([0, 2, 5]).toContain(agent.predict(0, false, mask));
    agent.dispose();
  });

  it("takes invalid actions with actionMasking 'off', and 'on' refuses an environment without masks", () => {
    InvalidActionCounter.invalid = InvalidActionCounter.steps = 0;
    const agent = new Ppo(
      { env: 'MaskedCorridor-v0', nEnvs: 2, nSteps: 32, batchSize: 32, nEpochs: 1, seed: 0, actionMasking: 'off' },
      corridor,
    );
    agent.learn(64);
    expect(agent.collector.masking).toBe(false);
    expect(InvalidActionCounter.invalid).toBeGreaterThan(10); // 5 of 8 actions are invalid in every cell
    agent.dispose();
    const cartPole = new Ppo({ env: 'CartPole-v1', nSteps: 8, batchSize: 8, actionMasking: 'on' });
    expect(() => cartPole.learn(8)).toThrow(/actionMasking/);
    cartPole.dispose();
  });
});

describe('DQN with action masks', () => {
  it('takes the argmax over valid actions only, where the unmasked argmax is invalid', () => {
    const agent = new Dqn({ env: 'MaskedCorridor-v0', seed: 0, netArch: [16] });
    const env = new MaskedCorridor();
    let invalidGreedy = 0;
    for (let cell = 0; cell < 8; cell++) {
      const x = new Float32Array(9);
      x[cell] = 1;
      const q = tf.tidy(() => Array.from(agent.qNet.apply(tf.tensor2d(x, [1, 9])).dataSync()));
      const mask = env.actionMask(cell);
      const bestValid = [0, 1, 2, 3, 4, 5, 6, 7].filter((j) => mask[j] === 1).reduce((b, j) => (q[j] > q[b] ? j : b));
      expect(agent.predict(cell, true, mask)).toBe(bestValid);
      if (mask[agent.predict(cell, true)] === 0) invalidGreedy += 1;
      agent.explorationRate = 1;
      for (let i = 0; i < 20; i++) expect(mask[agent.predict(cell, false, mask)]).toBe(1);
    }
    expect(invalidGreedy).toBeGreaterThan(0);
    agent.dispose();
  });

  it('bootstraps the target from the max over the next state valid actions (hand-computed TD loss)', () => {
    const agent = new Dqn({ env: 'MaskedCorridor-v0', seed: 1, netArch: [16], batchSize: 1, loss: 'mse', gamma: 0.5, learningRate: 1e-9 });
    agent.masking = true;
    const s = new Float32Array(9);
    s[2] = 1;
    const next = new Float32Array(9);
    next[3] = 1;
    const nextMask = Uint8Array.of(0, 1, 0, 1, 0, 0, 1, 0); // cell 3: forward 1, stay 3, back 6
    agent.buffer.add(s, next, 6, 1, false, nextMask);
    agent.train(1); // creates Adam's slots; the learning rate is too small to move the weights measurably
    const qs = tf.tidy(() => Array.from(agent.qNet.apply(tf.tensor2d(s, [1, 9])).dataSync()));
    const qNext = tf.tidy(() => Array.from(agent.targetNet.apply(tf.tensor2d(next, [1, 9])).dataSync()));
    const maskedMax = Math.max(qNext[1], qNext[3], qNext[6]);
    expect(maskedMax).toBeLessThan(Math.max(...qNext)); // the test can tell a masked max from a plain one
    const before = tf.memory().numTensors;
    const loss = agent.train(1);
    expect(tf.memory().numTensors).toBe(before);
    expect(loss).toBeCloseTo((1 + 0.5 * maskedMax - qs[6]) ** 2, 5);
    agent.dispose();
  });

  it('explores and learns without an invalid action, keeping the next masks in the buffer', () => {
    InvalidActionCounter.invalid = InvalidActionCounter.steps = 0;
    const agent = new Dqn(
      { env: 'MaskedCorridor-v0', seed: 0, netArch: [16], learningStarts: 50, trainFreq: 4, batchSize: 16 },
      corridor(),
    );
    agent.learn(100);
    const before = tf.memory().numTensors;
    agent.learn(100);
    expect(tf.memory().numTensors).toBe(before);
    expect(InvalidActionCounter.steps).toBe(200);
    expect(InvalidActionCounter.invalid).toBe(0);
    const batch = agent.buffer.sample(32, new Rng(0));
    const masks = batch.nextActionMasks as Float32Array;
    for (let k = 0; k < 32; k++) {
      const cell = batch.nextObservations.subarray(k * 9, (k + 1) * 9).indexOf(1);
      const expected = cell === 8 ? 0 : 3;
      expect(masks.subarray(k * 8, (k + 1) * 8).reduce((a, b) => a + b, 0)).toBe(expected);
    }
    agent.dispose();
  });
});

describe('replay buffer masks', () => {
  it('saves and restores the next masks, and reads a checkpoint without masks as all actions valid', () => {
    const buffer = new ReplayBuffer(4, 1, 1, 3);
    buffer.add([0], [1], 0, 1, false, Uint8Array.of(0, 1, 0));
    buffer.add([1], [2], 1, 0, true, null);
    const copy = new ReplayBuffer(4, 1, 1, 3);
    copy.load(buffer.toJSON() as Record<string, unknown>);
    const rows = (b: ReplayBuffer) => {
      const batch = b.sample(16, new Rng(0));
      return Array.from({ length: 16 }, (_, k) => [
        batch.nextObservations[k],
        ...(batch.nextActionMasks as Float32Array).subarray(k * 3, k * 3 + 3),
      ]);
    };
    expect(rows(copy)).toEqual(rows(buffer));
    expect(new Set(rows(buffer).map((r) => r.join()))).toEqual(new Set(['1,0,1,0', '2,1,1,1']));
    const { nextActionMasks, ...old } = buffer.toJSON() as Record<string, unknown>;
    expect(nextActionMasks).toBeInstanceOf(Uint8Array);
    const legacy = new ReplayBuffer(4, 1, 1, 3);
    legacy.load(old);
    expect(new Set(rows(legacy).map((r) => r.join()))).toEqual(new Set(['1,1,1,1', '2,1,1,1']));
  });
});

describe('checkpoints with action masks', () => {
  let dir: string;
  beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'rl-masks-'))));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('PPO and DQN stopped mid-episode and resumed end bitwise as the uninterrupted runs (the current masks saved)', async () => {
    const ppoConfig = { env: 'MaskedCorridor-v0', nEnvs: 2, nSteps: 16, batchSize: 16, nEpochs: 1, piArch: [8], vfArch: [8], seed: 0 };
    const whole = new Ppo(ppoConfig).learn(64);
    const first = new Ppo(ppoConfig).learn(32);
    await first.save(join(dir, 'ppo'));
    const resumed = (await Ppo.load(join(dir, 'ppo'))).learn(32);
    expect(resumed.collector.masking).toBe(true);
    expect(resumed.policy.getWeights()).toEqual(whole.policy.getWeights());
    [whole, first, resumed].forEach((a) => a.dispose());

    const dqnConfig = { env: 'MaskedCorridor-v0', netArch: [8], learningStarts: 20, trainFreq: 4, batchSize: 8, seed: 0 };
    const dqnWhole = new Dqn(dqnConfig).learn(90);
    const dqnFirst = new Dqn(dqnConfig).learn(45);
    await dqnFirst.save(join(dir, 'dqn'));
    const dqnResumed = (await Dqn.load(join(dir, 'dqn'))).learn(45);
    expect(dqnResumed.masking).toBe(true);
    expect(dqnResumed.qNet.getWeights()).toEqual(dqnWhole.qNet.getWeights());
    [dqnWhole, dqnFirst, dqnResumed].forEach((a) => a.dispose());
  });
});
