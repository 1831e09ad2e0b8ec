import * as tf from '@tensorflow/tfjs';
import { FileFormatError, initBackend } from '@bigmodel/core';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { DQN_PRESETS, resolveDqnConfig } from '../agents/dqn';
import { checkTrainCommand, createAgent, parseTrain, runEval, runTrain } from './args';

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
    expect(command).toMatchObject({
      algorithm: 'ppo',
      env: 'Pendulum-v1',
      totalSteps: 1000,
      seed: 3,
      out: 'runs/x',
      evalEvery: 100,
      evalEpisodes: 10,
      keep: 'best',
    });
    expect(parseTrain(['ppo', '--total-steps', '10', '--out', 'x', '--keep', 'last']).keep).toBe('last');
    expect(() => parseTrain(['sarsa', '--total-steps', '10', '--out', 'x'])).toThrow(expect.objectContaining({ parameter: 'algorithm' }));
    // SAC on CartPole's Discrete actions: refused by the checks that run before anything starts.
    const sacOnCartPole = parseTrain(['sac', '--total-steps', '10', '--out', join(tmp, 'never')]);
    expect(() => checkTrainCommand(sacOnCartPole)).toThrow(expect.objectContaining({ parameter: 'actionSpace' }));
    expect(existsSync(join(tmp, 'never'))).toBe(false);
    expect(() => parseTrain(['dqn', '--out', 'x'])).toThrow(expect.objectContaining({ parameter: '--total-steps' }));
    expect(() => parseTrain(['dqn', '--total-steps', '-5', '--out', 'x'])).toThrow(expect.objectContaining({ parameter: '--total-steps' }));
  });

  it("starts from the settings that reach the documented results: the DQN CartPole example's (Double DQN, linear rate)", () => {
    const command = ['dqn', '--env', 'CartPole-v1', '--total-steps', '50000', '--seed', '1', '--out', join(tmp, 'unused')];
    const agent = createAgent(parseTrain(command));
    // examples/rl/dqn-cartpole.ts: { ...DQN_PRESETS['CartPole-v1'], learningRateSchedule: 'linear', doubleDqn: true } (docs/results/rl.md).
    const preset = DQN_PRESETS['CartPole-v1'];
    const example = resolveDqnConfig({ ...preset, env: 'CartPole-v1', learningRateSchedule: 'linear', doubleDqn: true, seed: 1 });
    expect(agent.config).toEqual(example);
    agent.dispose();
    const acrobot = createAgent(parseTrain(['dqn', '--env', 'Acrobot-v1', '--total-steps', '100', '--out', join(tmp, 'unused')]));
    expect(acrobot.config).toMatchObject({ ...DQN_PRESETS['Acrobot-v1'], gradientSteps: 1 });
    acrobot.dispose();
  });

  it('refuses an environment whose spaces the agent does not support, before writing anything', async () => {
    const out = join(tmp, 'pendulum-dqn');
    await expect(runTrain(parseTrain(['dqn', '--env', 'Pendulum-v1', '--total-steps', '100', '--out', out]))).rejects.toThrow(
      expect.objectContaining({ name: 'InvalidArgumentError', parameter: 'actionSpace', value: 'Box(-2, 2, (1,), float32)' }),
    );
    expect(existsSync(out)).toBe(false);
  });

  it('trains with a config file and periodic evaluation, saves, and evaluates the saved agent', async () => {
    const before = tf.memory().numTensors;
    const out = join(tmp, 'run');
    const configPath = join(tmp, 'config.json');
    writeFileSync(configPath, JSON.stringify({ nEnvs: 2, nSteps: 16, batchSize: 32, nEpochs: 2 }));
    const progress: number[] = [];
    const { agent } = await runTrain(
      parseTrain([
        'ppo',
        '--env',
        'CartPole-v1',
        '--total-steps',
        '128',
        '--seed',
        '0',
        '--out',
        out,
        '--config',
        configPath,
        '--eval-every',
        '64',
        '--eval-episodes',
        '2',
      ]),
      {
        onProgress: (step) => progress.push(step),
      },
    );
    expect(agent.config).toMatchObject({ nEnvs: 2, nSteps: 16, seed: 0 });
    agent.dispose();
    expect(progress[progress.length - 1]).toBe(128);
    expect(existsSync(join(out, 'manifest.json'))).toBe(true);
    const lines = readFileSync(join(out, 'metrics.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.filter((l) => 'charts/evalMeanReturn' in l).length).toBeGreaterThanOrEqual(2);
    const result = await runEval(out, 3, 5);
    expect(result.env).toBe('CartPole-v1');
    expect(result.episodes).toBe(3);
    expect(result.meanReturn).toBeGreaterThanOrEqual(8);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('bigmodel-rl train: checkpoints and --resume', () => {
  const child = join(__dirname, '../testing/train-child.ts');
  const nodeArgs = ['--conditions=@bigmodel/source', '-r', 'ts-node/register/transpile-only', child];
  const env = { ...process.env, TS_NODE_PROJECT: join(__dirname, '../../tsconfig.spec.json') };
  const run = (args: string[]) => spawnSync(process.execPath, [...nodeArgs, ...args], { encoding: 'utf8', env });
  const train = (out: string, ...more: string[]) => {
    const config = join(tmp, 'small-dqn.json');
    const small = { netArch: [16], learningStarts: 50, bufferSize: 1000, batchSize: 16, trainFreq: 4, targetUpdateInterval: 50 };
    writeFileSync(config, JSON.stringify(small));
    return [
      'dqn',
      '--env',
      'CartPole-v1',
      '--total-steps',
      '300',
      '--seed',
      '1',
      '--out',
      out,
      '--config',
      config,
      '--checkpoint-every',
      '50',
      '--eval-every',
      '75',
      '--eval-episodes',
      '2',
      ...more,
    ];
  };
  /** The log without wall-clock times. */
  const metrics = (out: string) =>
    readFileSync(join(out, 'metrics.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((line) => ({ ...JSON.parse(line), time: 0 }));
  const checkpointStep = (out: string) => {
    const path = join(out, 'checkpoint', 'manifest.json');
    return existsSync(path) ? JSON.parse(readFileSync(path, 'utf8')).counters.numTimesteps : 0;
  };
  /** The checkpoint in `dir` byte for byte, but for the names of its binaries (unique to each save); null when there is none. */
  const checkpointOf = (dir: string) => {
    const path = join(dir, 'manifest.json');
    if (!existsSync(path)) return null;
    const manifest = JSON.parse(readFileSync(path, 'utf8'));
    const files = Object.values(manifest.files) as { path?: string }[];
    const binaries = files.map((file) => readFileSync(join(dir, file.path!)).toString('base64'));
    for (const file of files) delete file.path;
    return { manifest, binaries };
  };

  /** Trains `train(out)` straight, and again killed with SIGKILL after a checkpoint and resumed: both must end bitwise alike. */
  async function expectBitwiseResume(name: string, train: (out: string, ...more: string[]) => string[]) {
    const straight = join(tmp, `${name}straight`);
    expect(run(train(straight)).stderr).toBe('');

    const out = join(tmp, `${name}killed`);
    const pausing = { ...env, BIGMODEL_TEST_CHECKPOINT_PAUSE_MS: '400' };
    const killed = spawn(process.execPath, [...nodeArgs, ...train(out)], { env: pausing, stdio: 'ignore' });
    const exited = new Promise<NodeJS.Signals | null>((resolve) => killed.on('exit', (_code, signal) => resolve(signal)));
    // Kill it once it has checkpointed 100 steps (it pauses 400 ms after each checkpoint, so it is mid-run).
    for (let tries = 0; tries < 2400 && checkpointStep(out) < 100; tries++) await new Promise((r) => setTimeout(r, 50));
    killed.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
    const reached = checkpointStep(out);
    expect(reached).toBeGreaterThanOrEqual(100);
    expect(reached).toBeLessThan(300);
    expect(existsSync(join(out, 'manifest.json'))).toBe(false);

    const resumed = run(train(out, '--resume'));
    expect(resumed.stderr).toBe('');
    // The same agent, byte for byte (networks, Adam's state, replay buffer, generators, counters), and one run's log.
    expect(checkpointOf(out)).toEqual(checkpointOf(straight));
    expect(checkpointOf(out)).not.toBeNull();
    // --keep best: out/last holds the final network when an earlier one scored higher (then in both runs alike).
    expect(checkpointOf(join(out, 'last'))).toEqual(checkpointOf(join(straight, 'last')));
    expect(metrics(out)).toEqual(metrics(straight));
  }

  it('a run killed with SIGKILL and resumed with --resume ends with the agent and the log of an uninterrupted run', async () => {
    await expectBitwiseResume('', train);
  }, 240_000);

  it('SAC: a run killed with SIGKILL and resumed with --resume ends with the same agent (log alpha, three optimizers, buffer) and log', async () => {
    const config = join(tmp, 'small-sac.json');
    writeFileSync(config, JSON.stringify({ netArch: [8], learningStarts: 50, bufferSize: 1000, batchSize: 8, trainFreq: 4 }));
    const sac = (out: string, ...more: string[]) => [
      ...['sac', '--env', 'Pendulum-v1', '--total-steps', '300', '--seed', '1', '--out', out, '--config', config],
      ...['--checkpoint-every', '50', '--eval-every', '100', '--eval-episodes', '1', ...more],
    ];
    await expectBitwiseResume('sac-', sac);
    // bigmodel-rl eval on its checkpoint: deterministic actions on a fresh Pendulum-v1 (-16.3 per step at worst).
    const evaluation = await runEval(join(tmp, 'sac-killed'), 2, 0);
    expect(evaluation).toMatchObject({ env: 'Pendulum-v1', episodes: 2 });
    expect(evaluation.meanReturn).toBeLessThan(0);
    expect(evaluation.meanReturn).toBeGreaterThan(-16.3 * 200);
  }, 240_000);

  it('keeps the best evaluated network in --out (--keep best), the last one in --out/last', () => {
    // This run's evaluations (2 episodes each): 14 at step 75, 313.5 at 150, 75 at 225, 137.5 at the end (300).
    const out = join(tmp, 'straight');
    const evaluations = metrics(out).filter((r) => 'charts/evalMeanReturn' in r);
    expect(evaluations.map((r) => r.step)).toEqual([75, 150, 225, 300]);
    const scores = evaluations.map((r) => r['charts/evalMeanReturn'] as number);
    const bestStep = evaluations[scores.indexOf(Math.max(...scores))].step;
    expect(bestStep).toBeLessThan(300); // the case this test is about: an earlier network beat the final one
    const stepOf = (dir: string) => JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')).counters.numTimesteps;
    expect(stepOf(out)).toBe(bestStep);
    expect(stepOf(join(out, 'best'))).toBe(bestStep);
    expect(stepOf(join(out, 'last'))).toBe(300);
  });

  it('refuses to write into a run directory without --resume, and a resume with another seed, leaving the run untouched', () => {
    const out = join(tmp, 'straight');
    const log = readFileSync(join(out, 'metrics.jsonl'), 'utf8');
    const again = run(train(out));
    expect(again.status).not.toBe(0);
    expect(again.stderr.trim()).toMatch(/^InvalidArgumentError: .*--out.*--resume/);
    expect(again.stderr.trim().split('\n')).toHaveLength(1);
    const otherSeed = run([...train(out, '--resume').map((a) => (a === '1' ? '2' : a))]);
    expect(otherSeed.stderr.trim()).toMatch(/^InvalidArgumentError: .*seed 1/);
    expect(readFileSync(join(out, 'metrics.jsonl'), 'utf8')).toBe(log);
  }, 120_000);

  it('refuses a file as --out with InvalidArgumentError', async () => {
    const file = join(tmp, 'a-file');
    writeFileSync(file, 'x');
    const command = parseTrain(['dqn', '--total-steps', '10', '--out', file]);
    await expect(runTrain(command)).rejects.toThrow(expect.objectContaining({ parameter: '--out' }));
    expect(readFileSync(file, 'utf8')).toBe('x');
  });

  it('--resume without a checkpoint is a FileFormatError', async () => {
    const command = parseTrain(['dqn', '--total-steps', '10', '--out', join(tmp, 'nothing'), '--resume']);
    await expect(runTrain(command)).rejects.toThrow(FileFormatError);
  });
});
