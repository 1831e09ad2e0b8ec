/**
 * The agents on the webgpu backend (Mesa's llvmpipe in CI) against the cpu backend. `learnAsync`
 * reads every tensor asynchronously (a GPU tensor cannot be read synchronously in Node): PPO, DQN
 * and TD3 log the losses the cpu backend gives within |v - c| <= 1e-3 * max(1, |c|) (float32 sums
 * in another order, over a few updates), nothing grows between `learnAsync` calls, and
 * `evaluateAsync` returns what the cpu backend's evaluation returns; an agent saved and loaded on
 * webgpu evaluates as before. SAC is compared over its first
 * two updates: later ones drift further apart (up to 0.7% in the actor loss, 0.35% in one critic
 * loss, measured on llvmpipe over 24 updates). The cause is the squashed Gaussian's correction
 * `log(1 - tanh(u)^2 + 1e-6)`, which amplifies tanh's rounding where the action saturates: webgpu's
 * tanh is 1 ulp (6e-8) off cpu's for many inputs, which moves `1 - tanh(u)^2 + 1e-6` by 0.07% at
 * u = 5 and by 10% at u = 8.5 (measured on llvmpipe). wasm's tanh rounds as cpu's does, and SAC on
 * wasm stays within 5e-7 of cpu over the same 24 updates.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import * as tf from '@tensorflow/tfjs';
import { initBackend, type MetricsLogger } from '@bigmodel/core';

import { make } from '../env/registry';
import type { LearnOptions } from './common/learn-options';
import { Dqn } from './dqn';
import { evaluateAsync, type EvaluationResult } from './evaluate';
import { loadAgent } from './load-agent';
import { Ppo } from './ppo';
import { Sac } from './sac';
import { Td3 } from './td3';

/** The `losses/*` values each update logs, in order. */
class LossRecorder implements MetricsLogger {
  readonly losses: number[] = [];
  log(record: Record<string, number | string>): void {
    for (const [key, value] of Object.entries(record)) if (key.startsWith('losses/') && typeof value === 'number') this.losses.push(value);
  }
}

interface Trainable {
  learnAsync(totalTimesteps: number, options?: LearnOptions): Promise<unknown>;
  save(dir: string): Promise<void>;
  dispose(): void;
}

/**
 * Trains a fresh agent on `backend` in two `learnAsync` calls; returns the logged losses, the tensor
 * counts after each call and a deterministic evaluation on `env`.
 */
async function run(backend: string, create: () => Trainable & Parameters<typeof evaluateAsync>[0], steps: number, env: string) {
  tf.setBackend(backend);
  const agent = create();
  const logger = new LossRecorder();
  await agent.learnAsync(steps, { logger });
  const afterFirst = tf.memory().numTensors;
  await agent.learnAsync(steps, { logger });
  const afterSecond = tf.memory().numTensors;
  const evaluation: EvaluationResult = await evaluateAsync(agent, make(env), { episodes: 2, seed: 7 });
  // Saved and loaded on this backend, it evaluates the same.
  const dir = mkdtempSync(join(tmpdir(), 'rl-webgpu-'));
  await agent.save(dir);
  agent.dispose();
  const loaded = await loadAgent(dir);
  const reloaded: EvaluationResult = await evaluateAsync(loaded as never, make(env), { episodes: 2, seed: 7 });
  loaded.dispose();
  rmSync(dir, { recursive: true, force: true });
  return { losses: logger.losses, afterFirst, afterSecond, evaluation, reloaded };
}

function expectClose(gpu: number[], cpu: number[]): void {
  expect(gpu).toHaveLength(cpu.length);
  expect(cpu.length).toBeGreaterThan(0);
  gpu.forEach((value, i) => expect(Math.abs(value - cpu[i]) / Math.max(1, Math.abs(cpu[i]))).toBeLessThanOrEqual(1e-3));
}

beforeAll(async () => {
  tf.env().set('PROD', true);
  await initBackend({ backend: 'webgpu' });
});

describe('rl agents on webgpu', () => {
  it('PPO on CartPole-v1: the losses cpu gives, no growth between calls, the same evaluation', async () => {
    const create = () =>
      new Ppo({ env: 'CartPole-v1', nEnvs: 2, nSteps: 16, batchSize: 16, nEpochs: 2, piArch: [16], vfArch: [16], seed: 3 });
    const cpu = await run('cpu', create, 32, 'CartPole-v1');
    const gpu = await run('webgpu', create, 32, 'CartPole-v1');
    expectClose(gpu.losses, cpu.losses);
    expect(gpu.afterSecond).toBe(gpu.afterFirst);
    expect(gpu.reloaded.returns).toEqual(gpu.evaluation.returns);
    expect(gpu.evaluation.returns).toEqual(cpu.evaluation.returns);
  });

  it('DQN on CartPole-v1: the TD losses cpu gives, no growth between calls', async () => {
    const create = () =>
      new Dqn({ env: 'CartPole-v1', netArch: [16], learningStarts: 8, batchSize: 8, trainFreq: 4, targetUpdateInterval: 16, seed: 3 });
    const cpu = await run('cpu', create, 40, 'CartPole-v1');
    const gpu = await run('webgpu', create, 40, 'CartPole-v1');
    expectClose(gpu.losses, cpu.losses);
    expect(gpu.afterSecond).toBe(gpu.afterFirst);
    expect(gpu.reloaded.returns).toEqual(gpu.evaluation.returns);
  });

  it('SAC on Pendulum-v1: the losses and entropy coefficient cpu gives, no growth between calls', async () => {
    const create = () => new Sac({ env: 'Pendulum-v1', netArch: [16], bufferSize: 1000, learningStarts: 8, batchSize: 8, seed: 3 });
    const cpu = await run('cpu', create, 12, 'Pendulum-v1');
    const gpu = await run('webgpu', create, 12, 'Pendulum-v1');
    expect(gpu.losses).toHaveLength(cpu.losses.length);
    expect(gpu.losses.every(Number.isFinite)).toBe(true);
    expectClose(gpu.losses.slice(0, 8), cpu.losses.slice(0, 8)); // 4 values per update
    expect(gpu.afterSecond).toBe(gpu.afterFirst);
    expect(gpu.reloaded.returns).toEqual(gpu.evaluation.returns);
  });

  it('TD3 on Pendulum-v1: the losses cpu gives, no growth between calls, the same evaluation', async () => {
    const create = () => new Td3({ env: 'Pendulum-v1', netArch: [16], bufferSize: 1000, learningStarts: 8, batchSize: 8, seed: 3 });
    const cpu = await run('cpu', create, 12, 'Pendulum-v1');
    const gpu = await run('webgpu', create, 12, 'Pendulum-v1');
    expectClose(gpu.losses, cpu.losses);
    expect(gpu.afterSecond).toBe(gpu.afterFirst);
    expect(gpu.reloaded.returns).toEqual(gpu.evaluation.returns);
    gpu.evaluation.returns.forEach((value, i) =>
      expect(Math.abs(value - cpu.evaluation.returns[i])).toBeLessThanOrEqual(1e-3 * Math.abs(cpu.evaluation.returns[i])),
    );
  });
});
