import * as tf from '@tensorflow/tfjs';
import { initBackend } from '@bigmodel/core';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { parseTrain, runEval, runTrain } from './args';

let tmp: string;
beforeAll(async () => {
  await initBackend();
  tf.env().set('PROD', true);
  tmp = mkdtempSync(join(tmpdir(), 'rl-cli-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('bigmodel-rl commands', () => {
  it('parses train flags and rejects unknown algorithms and missing values', () => {
    const command = parseTrain(['ppo', '--env', 'Pendulum-v1', '--total-steps', '1000', '--seed', '3', '--out', 'runs/x']);
    expect(command).toMatchObject({ algorithm: 'ppo', env: 'Pendulum-v1', totalSteps: 1000, seed: 3, out: 'runs/x', evalEvery: 100, evalEpisodes: 10 });
    expect(() => parseTrain(['sac', '--total-steps', '10', '--out', 'x'])).toThrow(expect.objectContaining({ parameter: 'algorithm' }));
    expect(() => parseTrain(['dqn', '--out', 'x'])).toThrow(expect.objectContaining({ parameter: '--total-steps' }));
    expect(() => parseTrain(['dqn', '--total-steps', '-5', '--out', 'x'])).toThrow(expect.objectContaining({ parameter: '--total-steps' }));
  });

  it('trains with a config file and periodic evaluation, saves, and evaluates the saved agent', async () => {
    const before = tf.memory().numTensors;
    const out = join(tmp, 'run');
    const configPath = join(tmp, 'config.json');
    writeFileSync(configPath, JSON.stringify({ nEnvs: 2, nSteps: 16, batchSize: 32, nEpochs: 2 }));
    const progress: number[] = [];
    const { agent } = await runTrain(parseTrain(['ppo', '--env', 'CartPole-v1', '--total-steps', '128', '--seed', '0', '--out', out, '--config', configPath, '--eval-every', '64', '--eval-episodes', '2']), {
      onProgress: (step) => progress.push(step),
    });
    expect(agent.config).toMatchObject({ nEnvs: 2, nSteps: 16, seed: 0 });
    agent.dispose();
    expect(progress[progress.length - 1]).toBe(128);
    expect(existsSync(join(out, 'agent.json'))).toBe(true);
    const lines = readFileSync(join(out, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.filter((l) => 'charts/evalMeanReturn' in l).length).toBeGreaterThanOrEqual(2);
    const result = await runEval(out, 3, 5);
    expect(result.env).toBe('CartPole-v1');
    expect(result.episodes).toBe(3);
    expect(result.meanReturn).toBeGreaterThanOrEqual(8);
    expect(tf.memory().numTensors).toBe(before);
  });
});
