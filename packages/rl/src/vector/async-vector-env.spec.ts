import * as tf from '@tensorflow/tfjs';
import { InvalidArgumentError, initBackend } from '@bigmodel/core';
import { once } from 'node:events';
import { join } from 'node:path';
import type { Worker } from 'node:worker_threads';

import { VectorEnvWorkerError } from '../env/errors';
import { make } from '../env/registry';
import { Ppo } from '../agents/ppo';
import { Rng } from '../utils/rng';
import { AsyncVectorEnv } from './async-vector-env';
import { SyncVectorEnv } from './sync-vector-env';
import type { AutoresetMode } from './vector-env';

// The workers run the compiled package (dist), as a user's would: build it before these tests.

/** Steps a SyncVectorEnv and an AsyncVectorEnv of `id` with the same random actions and expects identical results. */
function expectSameAsSync(id: string, numEnvs: number, steps: number, autoresetMode: AutoresetMode): number {
  const sync = new SyncVectorEnv(
    Array.from({ length: numEnvs }, () => () => make<Float32Array, number>(id)),
    { autoresetMode },
  );
  const async = new AsyncVectorEnv<number>(
    Array.from({ length: numEnvs }, () => ({ id })),
    { autoresetMode },
  );
  try {
    expect(async.observationSize).toBe(sync.observationSize);
    expect(async.reset({ seed: 7 })).toEqual(sync.reset({ seed: 7 }));
    const rng = new Rng(0);
    const n = (sync.singleActionSpace as unknown as { n: number }).n;
    let ends = 0;
    for (let t = 0; t < steps; t++) {
      const actions = Array.from({ length: numEnvs }, () => rng.integer(0, n));
      const expected = sync.step(actions);
      const actual = async.step(actions);
      expect(actual).toEqual(expected); // observations, rewards, flags and infos (finalObservation included)
      ends += expected.terminations.reduce((a, b) => a + b, 0) + expected.truncations.reduce((a, b) => a + b, 0);
    }
    return ends;
  } finally {
    async.close();
  }
}

describe('AsyncVectorEnv', () => {
  it('gives the observations, rewards and flags of SyncVectorEnv step by step: CartPole-v1, next-step autoreset', () => {
    expect(expectSameAsSync('CartPole-v1', 3, 120, 'next-step')).toBeGreaterThan(5); // several autoresets happened
  });

  it('gives those of SyncVectorEnv step by step: LunarLander-v3, same-step autoreset', () => {
    expect(expectSameAsSync('LunarLander-v3', 2, 160, 'same-step')).toBeGreaterThan(0);
  });

  it('applies next-step autoreset (action ignored, reward 0, flags false) and surfaces worker errors as VectorEnvWorkerError', () => {
    const envs = new AsyncVectorEnv<number>([{ id: 'MaskedCorridor-v0' }, { id: 'MaskedCorridor-v0', kwargs: { length: 2 } }]);
    try {
      envs.reset({ seed: 0 });
      let step = envs.step([1, 0]); // env 0: invalid in cell 0 (ends); env 1: forward to cell 1
      expect(Array.from(step.terminations)).toEqual([1, 0]);
      expect(Array.from(step.rewards)).toEqual([-1, 1]);
      step = envs.step([0, 3]); // env 0 resets (its action ignored); env 1: forward to the goal of its 2-cell corridor
      expect(Array.from(step.observations)).toEqual([0, 2]);
      expect(Array.from(step.rewards)).toEqual([0, 1]);
      expect(Array.from(step.terminations)).toEqual([0, 1]);
      expect(step.infos[0]['actionMask']).toEqual(Uint8Array.of(1, 0, 1, 0, 0, 1, 0, 0));
      envs.step([0, 9]); // env 0 forward to cell 1; env 1 resets (its invalid action ignored)
      let error: unknown = null;
      try {
        envs.step([42, 0]); // env 0: not an action of Discrete(8)
      } catch (e) {
        error = e;
      }
      expect(VectorEnvWorkerError.isInstance(error)).toBe(true);
      expect(error).toMatchObject({ envIndex: 0, remoteName: 'InvalidArgumentError' });
      // Env 1 has stepped while env 0 failed: the vector env is closed rather than left with mixed states.
      expect(() => envs.step([0, 0])).toThrow(/The AsyncVectorEnv is closed/);
    } finally {
      envs.close();
    }
  });

  it('closes: the workers exit, a second close does nothing, and a closed env refuses to step', async () => {
    const module = join(__dirname, '..', '..', 'dist', 'envs', 'cart-pole.js');
    const envs = new AsyncVectorEnv([{ module, exportName: 'CartPole', maxEpisodeSteps: 500 }]);
    const local = make<Float32Array, number>('CartPole-v1');
    expect(envs.reset({ seed: 3 }).observations).toEqual(local.reset({ seed: 3 }).observation);
    expect(envs.step([1]).observations).toEqual(local.step(1).observation);
    const exits = (envs as unknown as { workers: Worker[] }).workers.map((w) => once(w, 'exit'));
    envs.close();
    envs.close();
    await Promise.all(exits);
    expect(() => envs.step([0])).toThrow(/closed/);
    expect(() => new AsyncVectorEnv([{ id: 'NoSuchEnv-v0' }])).toThrow(InvalidArgumentError);
  });

  it('surfaces a worker that exits mid-step as VectorEnvWorkerError instead of hanging', () => {
    const module = join(__dirname, '..', '..', 'fixtures', 'exiting-env.cjs');
    const envs = new AsyncVectorEnv([{ module, exportName: 'ExitingEnv' }]);
    expect(Array.from(envs.reset({ seed: 0 }).observations)).toEqual([0]);
    expect(() => envs.step([0])).toThrow(
      expect.objectContaining({ name: 'VectorEnvWorkerError', envIndex: 0, remoteName: 'WorkerExited' }),
    );
    envs.close(); // already ended: nothing to do
  });

  it("lets PPO train on worker threads (vectorization 'async') exactly as on SyncVectorEnv", async () => {
    await initBackend();
    const config = { env: 'CartPole-v1', nEnvs: 2, nSteps: 16, batchSize: 16, nEpochs: 2, piArch: [8], vfArch: [8], seed: 0 };
    const sync = new Ppo(config);
    const async = new Ppo({ ...config, vectorization: 'async' });
    const before = tf.memory().numTensors;
    sync.learn(64);
    async.learn(64);
    expect(async.envs).toBeInstanceOf(AsyncVectorEnv);
    expect(async.policy.getWeights()).toEqual(sync.policy.getWeights());
    expect(async.predict(Float32Array.of(0.01, 0, 0.02, 0))).toBe(sync.predict(Float32Array.of(0.01, 0, 0.02, 0)));
    sync.dispose();
    async.dispose(); // closes the workers
    expect(tf.memory().numTensors).toBeLessThanOrEqual(before);
    expect(() => new Ppo({ ...config, vectorization: 'async' }, () => make('CartPole-v1'))).toThrow(/vectorization/);
  });
});
