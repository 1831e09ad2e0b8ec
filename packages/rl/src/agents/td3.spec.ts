import * as tf from '@tensorflow/tfjs';
import { FileFormatError, initBackend } from '@bigmodel/core';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { ContinuousBandit } from '../testing/continuous-bandit';
import { Rng } from '../utils/rng';
import { ActionNoise } from './common/action-noise';
import { evaluate } from './evaluate';
import { loadAgent } from './load-agent';
import { DDPG_OVERRIDES, Td3, resolveTd3Config, smoothingNoise } from './td3';

beforeAll(async () => {
  await initBackend();
  tf.env().set('PROD', true);
});

const dot = (a: number[], b: number[]) => a.reduce((s, x, i) => s + x * b[i], 0);
const weights = (ws: Float32Array[]) => ws.map((w) => Array.from(w));

describe('TD3', () => {
  it('target smoothing noise is sigma * N(0, 1) clipped to [-clip, clip], and nothing is drawn when sigma is 0', () => {
    const rng = new Rng(5);
    const replay = new Rng(5);
    const noise = smoothingNoise(2000, 0.4, 0.5, rng);
    const raw = Array.from({ length: 2000 }, () => 0.4 * replay.normal());
    noise.forEach((x, i) => expect(x).toBeCloseTo(Math.min(0.5, Math.max(-0.5, raw[i])), 6));
    // P(|N(0, 0.16)| > 0.5) = 0.21: clipping must have happened, at exactly +-0.5.
    expect(noise.filter((x) => Math.abs(x) === 0.5).length).toBeGreaterThan(300);
    expect(Math.max(...noise.map(Math.abs))).toBe(0.5);
    const state = rng.state;
    expect(Array.from(smoothingNoise(4, 0, 0, rng))).toEqual([0, 0, 0, 0]);
    expect(rng.state).toBe(state);
  });

  it('the critics target the minimum target Q at the smoothed, clipped target action: closed form on fixed linear networks', () => {
    const agent = new Td3({
      env: 'Pendulum-v1',
      netArch: [],
      bufferSize: 1,
      batchSize: 1,
      targetPolicyNoise: 0.3,
      targetNoiseClip: 0.2,
      seed: 0,
    });
    const actorW = [0.9, -0.4, 0.5];
    const actorB = 0.2;
    const critic1 = [0.5, -0.3, 0.2, 0.8];
    const critic2 = [0.4, -0.2, 0.1, 1.1];
    agent.actor.setWeights([Float32Array.from(actorW), Float32Array.of(actorB)]);
    agent.actorTarget.setWeights([Float32Array.from(actorW), Float32Array.of(actorB)]);
    const critics = [Float32Array.from(critic1), Float32Array.of(0.05), Float32Array.from(critic2), Float32Array.of(-0.1)];
    agent.critics.setWeights(critics);
    agent.criticTargets.setWeights(critics);
    const [obs, nextObs, action, reward] = [[0.6, 0.8, -0.5], [0.7, 0.71, 0.9], -0.25, -1.3];
    agent.buffer.add(obs, nextObs, [action], reward, false);
    const replay = new Rng();
    replay.state = agent.rng.state;
    replay.random(); // the batch index
    const noise = Math.min(0.2, Math.max(-0.2, 0.3 * replay.normal()));
    const nextAction = Math.min(1, Math.max(-1, Math.tanh(dot(nextObs, actorW) + actorB) + noise));
    const q = (w: number[], b: number, o: number[], a: number) => dot([...o, a], w) + b;
    const target = reward + 0.99 * Math.min(q(critic1, 0.05, nextObs, nextAction), q(critic2, -0.1, nextObs, nextAction));
    const criticLoss = (q(critic1, 0.05, obs, action) - target) ** 2 + (q(critic2, -0.1, obs, action) - target) ** 2;
    // The first of the two updates is the critics' only (policy delay 2); the actor loss -Q1(s, mu(s)) comes with the second.
    expect(agent.train(1)['losses/criticLoss']).toBeCloseTo(criticLoss, 4);
    agent.dispose();
  });

  it('updates the actor and the targets once every policyDelay critic updates', () => {
    const agent = new Td3({ env: 'Pendulum-v1', netArch: [8], bufferSize: 64, batchSize: 8, learningStarts: 64, policyDelay: 3, seed: 1 });
    agent.learn(40);
    const actor = weights(agent.actor.getWeights());
    const targets = [weights(agent.actorTarget.getWeights()), weights(agent.criticTargets.getWeights())];
    const critics = weights(agent.critics.getWeights());
    agent.train(2);
    expect([agent.criticUpdates, agent.actorUpdates]).toEqual([2, 0]);
    expect(weights(agent.critics.getWeights())).not.toEqual(critics);
    expect(weights(agent.actor.getWeights())).toEqual(actor);
    expect([weights(agent.actorTarget.getWeights()), weights(agent.criticTargets.getWeights())]).toEqual(targets);
    agent.train(1);
    expect([agent.criticUpdates, agent.actorUpdates]).toEqual([3, 1]);
    expect(weights(agent.actor.getWeights())).not.toEqual(actor);
    expect(weights(agent.actorTarget.getWeights())).not.toEqual(targets[0]);
    agent.train(7);
    expect([agent.criticUpdates, agent.actorUpdates]).toEqual([10, 3]);
    agent.dispose();
  });

  it('DDPG_OVERRIDES make DDPG: one critic, an actor update per critic update, no smoothing noise drawn', () => {
    const agent = new Td3({
      env: 'Pendulum-v1',
      netArch: [8],
      bufferSize: 64,
      batchSize: 8,
      learningStarts: 64,
      ...DDPG_OVERRIDES,
      seed: 1,
    });
    expect(agent.algorithm).toBe('ddpg');
    expect(agent.critics.nets).toHaveLength(1);
    agent.learn(40);
    agent.train(4);
    expect([agent.criticUpdates, agent.actorUpdates]).toEqual([4, 4]);
    // Each update draws only the batch's indices: 8 generator draws per update.
    const replay = new Rng();
    replay.state = agent.rng.state;
    for (let i = 0; i < 8; i++) replay.random();
    agent.train(1);
    expect(agent.rng.state).toBe(replay.state);
    agent.dispose();
  });

  it('saves and loads (loadAgent) a DDPG agent as ddpg with its noise state; a short noise state is one FileFormatError', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rl-ddpg-'));
    const agent = new Td3({
      env: 'MountainCarContinuous-v0',
      netArch: [4],
      bufferSize: 32,
      batchSize: 4,
      learningStarts: 10,
      actionNoise: 'ornstein-uhlenbeck',
      ...DDPG_OVERRIDES,
      seed: 2,
    });
    agent.learn(20);
    await agent.save(dir);
    const loaded = (await loadAgent(dir)) as Td3;
    expect(loaded).toBeInstanceOf(Td3);
    expect(loaded.algorithm).toBe('ddpg');
    expect(loaded.noise?.state).toEqual(agent.noise?.state);
    expect(agent.noise?.state[0]).not.toBe(0);
    expect([loaded.criticUpdates, loaded.actorUpdates]).toEqual([10, 10]);
    loaded.dispose();
    agent.dispose();
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
    const document = manifest.state;
    const before = tf.memory().numTensors;
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ ...manifest, state: { ...document, noiseState: 'AAAA' } }));
    await expect(loadAgent(dir)).rejects.toThrow(FileFormatError);
    // Forged counters of the episode in progress (1e12 gradient steps due, a negative or fractional length) are refused too.
    expect(document.episode).toEqual(expect.objectContaining({ stepsSinceTrain: expect.any(Number) }));
    for (const forged of [{ stepsSinceTrain: 1e12 }, { episodeLength: -1 }, { episodesSinceTrain: 0.5 }]) {
      writeFileSync(
        join(dir, 'manifest.json'),
        JSON.stringify({ ...manifest, state: { ...document, episode: { ...document.episode, ...forged } } }),
      );
      await expect(loadAgent(dir)).rejects.toThrow(/malformed episode in progress/);
    }
    expect(tf.memory().numTensors).toBe(before);
    rmSync(dir, { recursive: true, force: true });
  });

  it('Ornstein-Uhlenbeck noise follows x += 0.15 * -x * 0.01 + sigma * 0.1 * N(0, 1) and resets to 0', () => {
    const noise = new ActionNoise('ornstein-uhlenbeck', 0.5, 1);
    const [rng, replay] = [new Rng(2), new Rng(2)];
    let x = 0;
    for (let i = 0; i < 5; i++) {
      x = x + 0.15 * -x * 0.01 + 0.5 * Math.sqrt(0.01) * replay.normal();
      expect(noise.sample(rng)[0]).toBeCloseTo(x, 12);
    }
    noise.reset();
    expect(noise.state[0]).toBe(0);
  });

  it('refuses a Discrete action space up front and bad hyperparameters with InvalidArgumentError naming them', () => {
    expect(() => new Td3({ env: 'Acrobot-v1' })).toThrow(
      expect.objectContaining({ parameter: 'actionSpace', message: expect.stringContaining('TD3 supports Box') }),
    );
    expect(() => resolveTd3Config({ policyDelay: 0 })).toThrow(expect.objectContaining({ parameter: 'Td3Config.policyDelay' }));
    expect(() => resolveTd3Config({ actionNoise: 'pink' as never })).toThrow(
      expect.objectContaining({ parameter: 'Td3Config.actionNoise' }),
    );
  });

  it('learns the best action of a one-step bandit (a broken update would not), with tensor counts flat over steps', () => {
    const config = { netArch: [32], bufferSize: 500, batchSize: 64, learningStarts: 40, learningRate: 3e-3, tau: 0.05, gradientSteps: 4 };
    const agent = new Td3({ ...config, seed: 3 }, new ContinuousBandit());
    agent.learn(60);
    const tensors = tf.memory().numTensors;
    agent.learn(100); // the actor moves every second critic update: slower than SAC's

    expect(tf.memory().numTensors).toBe(tensors);
    // The best action returns 0, a uniformly random one -1.69 on average, the bounds -6.76 and -1.96.
    const { meanReturn } = evaluate(agent, new ContinuousBandit(), { episodes: 1 });
    expect(meanReturn).toBeGreaterThan(-0.5);
    agent.dispose();
  });
});
