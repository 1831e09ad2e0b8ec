import * as tf from '@tensorflow/tfjs';
import { FileFormatError, InvalidArgumentError, initBackend } from '@bigmodel/core';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { make } from '../env/registry';
import { A2c } from './a2c';
import { Dqn } from './dqn';
import { readCheckpoint } from './checkpoint';
import { captureEnvState, restoreEnvState } from './common/env-state';
import { learnWithCheckpoints } from './learn-with-checkpoints';
import { loadAgent, type Agent } from './load-agent';
import { Ppo } from './ppo';
import { Reinforce } from './reinforce';
import { Sac } from './sac';
import { Td3 } from './td3';

let tmp: string;
beforeAll(async () => {
  await initBackend();
  tf.env().set('PROD', true);
  tmp = mkdtempSync(join(tmpdir(), 'rl-resume-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Everything that a resumed run must reproduce: weights, optimizer state, generator, counters. */
async function fingerprint(agent: Agent): Promise<unknown> {
  if (agent instanceof Sac || agent instanceof Td3) {
    // Its whole checkpoint, variable names (numbered per process) aside.
    const dir = join(tmp, `fingerprint-${fingerprints++}`);
    await agent.save(dir);
    const asText = (_key: string, value: unknown) =>
      value instanceof Float32Array || value instanceof Uint8Array
        ? Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64')
        : value;
    return JSON.parse(JSON.stringify(readCheckpoint(dir), asText).replace(/(rl_mlp|sac_log_ent_coef_|sac_sde_log_std_)\d+/g, '$1#'));
  }
  const weights = agent instanceof Dqn ? [...agent.qNet.getWeights(), ...agent.targetNet.getWeights()] : agent.policy.getWeights();
  const optimizer = await agent.optimizer.getWeights();
  return {
    weights: weights.map((w) => Array.from(w)),
    optimizer: optimizer.map(({ name, tensor }) => [name.replace(/\d+/g, '#'), Array.from(tensor.dataSync())]),
    rng: agent.rng.state,
    steps: agent.numTimesteps,
  };
}

let fingerprints = 0;

class MemoryLogger {
  records: Record<string, number | string>[] = [];
  log(record: Record<string, number | string>): void {
    this.records.push(record);
  }
}

const CASES: [string, () => Agent, number, number][] = [
  // DQN: replay buffer, exploration schedule, target updates, an episode in progress at the checkpoint.
  [
    'DQN on CartPole',
    () =>
      new Dqn({
        learningStarts: 40,
        bufferSize: 300,
        batchSize: 16,
        trainFreq: 8,
        gradientSteps: -1,
        targetUpdateInterval: 30,
        netArch: [16],
        seed: 3,
      }),
    240,
    110,
  ],
  // PPO with a Gaussian head and both normalizers: running statistics and episodes in progress in 2 environments.
  [
    'PPO on Pendulum with normalizers',
    () =>
      new Ppo({
        env: 'Pendulum-v1',
        nEnvs: 2,
        nSteps: 32,
        batchSize: 32,
        nEpochs: 2,
        normalizeObservation: true,
        normalizeReward: true,
        learningRateSchedule: 'linear',
        seed: 1,
      }),
    384,
    128,
  ],
  ['A2C on CartPole', () => new A2c({ nEnvs: 2, nSteps: 8, seed: 2 }), 320, 96],
  // REINFORCE: whole episodes; the environment's generator goes on between them.
  ['REINFORCE on CartPole', () => new Reinforce({ episodesPerUpdate: 2, piArch: [16], vfArch: [16], seed: 4 }), 300, 100],
  // SAC: three optimizers, log alpha, target critics, a replay buffer and an episode in progress.
  [
    'SAC on Pendulum',
    () =>
      new Sac({
        env: 'Pendulum-v1',
        netArch: [8],
        bufferSize: 200,
        batchSize: 8,
        learningStarts: 30,
        trainFreq: 4,
        gradientSteps: 2,
        seed: 5,
      }),
    120,
    50,
  ],
  // SAC with gSDE: its log standard deviations and the exploration matrix held mid-phase at the checkpoint.
  [
    'SAC with gSDE on MountainCarContinuous',
    () =>
      new Sac({
        env: 'MountainCarContinuous-v0',
        netArch: [8],
        bufferSize: 200,
        batchSize: 8,
        learningStarts: 0,
        trainFreq: 8,
        gradientSteps: 8,
        useSde: true,
        logStdInit: -1,
        seed: 7,
      }),
    120,
    50,
  ],
  // TD3 with Ornstein-Uhlenbeck noise (its state at the checkpoint) and delayed updates.
  [
    'TD3 on MountainCarContinuous',
    () =>
      new Td3({
        env: 'MountainCarContinuous-v0',
        envKwargs: {},
        netArch: [8],
        bufferSize: 200,
        batchSize: 8,
        learningStarts: 20,
        trainFreq: 8,
        gradientSteps: -1,
        policyDelay: 3,
        actionNoise: 'ornstein-uhlenbeck',
        actionNoiseStd: 0.5,
        seed: 6,
      }),
    120,
    50,
  ],
];

describe('learnWithCheckpoints', () => {
  const title = '%s: a run stopped after a checkpoint and resumed from it ends bitwise as the uninterrupted run';
  it.each(CASES)(title, async (name, create, total, every) => {
    const before = tf.memory().numTensors;
    const straightLog = new MemoryLogger();
    const straight = await learnWithCheckpoints(create(), total, { dir: join(tmp, name, 'straight'), every, logger: straightLog });

    // The interrupted run: it dies (throws) right after its first checkpoint; everything after is lost.
    const dir = join(tmp, name, 'interrupted');
    const firstLog = new MemoryLogger();
    const crashing = create();
    const onCheckpoint = () => Promise.reject(new Error('killed'));
    const crash = learnWithCheckpoints(crashing, total, { dir, every, logger: firstLog, onCheckpoint });
    await expect(crash).rejects.toThrow('killed');
    crashing.dispose();
    const checkpointStep = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')).counters.numTimesteps;
    expect(checkpointStep).toBeGreaterThanOrEqual(every);
    expect(checkpointStep).toBeLessThan(total);

    const resumedLog = new MemoryLogger();
    const resumed = await learnWithCheckpoints(await loadAgent(dir), total, { dir, every, logger: resumedLog });
    expect(await fingerprint(resumed)).toEqual(await fingerprint(straight));
    expect([...firstLog.records, ...resumedLog.records]).toEqual(straightLog.records);
    if (straight instanceof Dqn || straight instanceof Sac || straight instanceof Td3) {
      expect((resumed as Dqn).buffer.toJSON()).toEqual(straight.buffer.toJSON());
    }
    straight.dispose();
    resumed.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('refuses a total that differs from the one the schedules span, and bad periods', async () => {
    const agent = new Dqn({ learningStarts: 10, bufferSize: 50, batchSize: 4, netArch: [4], seed: 0 });
    await learnWithCheckpoints(agent, 20, { dir: join(tmp, 'total'), every: 10 });
    await expect(learnWithCheckpoints(agent, 30, { dir: join(tmp, 'total'), every: 10 })).rejects.toThrow(InvalidArgumentError);
    const badEvery = learnWithCheckpoints(agent, 20, { dir: join(tmp, 'total'), every: 0 });
    await expect(badEvery).rejects.toThrow(expect.objectContaining({ parameter: 'every' }));
    agent.dispose();
  });
});

describe('captureEnvState / restoreEnvState', () => {
  it('continues an episode step for step, wrappers and generator included', () => {
    const a = make<Float32Array, number>('CartPole-v1');
    a.reset({ seed: 7 });
    for (let i = 0; i < 5; i++) a.step(i % 2);
    const saved = JSON.parse(JSON.stringify(captureEnvState(a)));
    const b = make<Float32Array, number>('CartPole-v1');
    restoreEnvState(b, saved, 'agent.json');
    const run = (env: typeof a) => {
      const out: unknown[] = [];
      for (let i = 0; i < 600; i++) {
        const r = env.step(1 - (i % 2));
        out.push([Array.from(r.observation), r.reward, r.terminated, r.truncated]);
        if (r.terminated || r.truncated) out.push(Array.from(env.reset().observation)); // the generator goes on
      }
      return out;
    };
    expect(run(b)).toEqual(run(a));
  });

  it('refuses the state of another environment or a malformed one with FileFormatError', () => {
    const saved = captureEnvState(make('CartPole-v1'));
    expect(() => restoreEnvState(make('Pendulum-v1'), saved, 'x/agent.json')).toThrow(FileFormatError);
    expect(() => restoreEnvState(make('CartPole-v1'), { not: 'layers' }, 'x/agent.json')).toThrow(FileFormatError);
    const wrongField = JSON.parse(JSON.stringify(saved));
    wrongField[wrongField.length - 1].fields.s = { typed: 'Float64Array', values: [1, 2] };
    expect(() => restoreEnvState(make('CartPole-v1'), wrongField, 'x/agent.json')).toThrow(FileFormatError);
  });

  it('a checkpoint with a malformed episode in progress is refused with FileFormatError, leaving no tensors', async () => {
    const before = tf.memory().numTensors;
    const agent = new Dqn({ learningStarts: 10, bufferSize: 50, batchSize: 4, netArch: [4], seed: 0 });
    agent.learn(15);
    const dir = join(tmp, 'malformed');
    await agent.save(dir);
    agent.dispose();
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
    manifest.state.episode.observation = 'AAAA';
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest));
    await expect(Dqn.load(dir)).rejects.toThrow(FileFormatError);
    expect(tf.memory().numTensors).toBe(before);
  });
});
