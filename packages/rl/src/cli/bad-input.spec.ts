import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

import { main } from './main';

let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'rl-bad-'));
  writeFileSync(join(tmp, 'empty.json'), '');
  writeFileSync(join(tmp, 'broken.json'), '{"learningRate": 1e-3,');
  writeFileSync(join(tmp, 'array.json'), '[1, 2]');
  execFileSync('mkfifo', [join(tmp, 'fifo.json')]);
  writeFileSync(join(tmp, 'negative-lr.json'), '{"learningRate": -1}');
  writeFileSync(join(tmp, 'typo.json'), '{"learningRat": 1e-3}');
  writeFileSync(join(tmp, 'huge-pi.json'), '{"piArch": [100000, 100000]}');
  writeFileSync(join(tmp, 'negative-unit.json'), '{"netArch": [64, -1]}');
  writeFileSync(join(tmp, 'short-rollout.json'), '{"nSteps": 4}');
  mkdirSync(join(tmp, 'full'));
  mkdirSync(join(tmp, 'damaged'));
  writeFileSync(join(tmp, 'damaged', 'agent.json'), '{"algorithm": "dqn", "config": {}}');
  writeFileSync(join(tmp, 'full', 'metrics.jsonl'), '');
  writeFileSync(join(tmp, 'ddpg-delay.json'), '{"policyDelay": 3}');
  // A DDPG run's checkpoint (the header the resume checks), seed 0 on Pendulum-v1.
  mkdirSync(join(tmp, 'ddpg-run', 'checkpoint'), { recursive: true });
  writeFileSync(join(tmp, 'ddpg-run', 'checkpoint', 'agent.json'), '{"algorithm": "ddpg", "config": {"env": "Pendulum-v1", "seed": 0}}');
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Runs `bigmodel-rl` in-process; returns its exit status and what it printed. */
async function rl(argv: string[]) {
  let out = '';
  let err = '';
  const code = await main(argv, { stdout: { write: (s: string) => (out += s) }, stderr: { write: (s: string) => (err += s) } });
  return { code, out, err };
}

const OUT = '<out>';
/** `train dqn` with valid flags, `extra` appended (a later flag wins); `--out <out>` is the case's own directory. */
const train = (...extra: string[]) => ['train', 'dqn', '--total-steps', '100', '--out', OUT, ...extra];

describe('bigmodel-rl bad input', () => {
  // [flag, command line, exit status, fragment of the one-line error]
  const cases: [string, string[], number, string][] = [
    ['command', ['tran'], 2, 'UsageError: unknown command tran; did you mean train?'],
    ['unknown flag', train('--sed', '5'), 2, 'UsageError: unknown flag --sed; did you mean --seed?'],
    [
      '<algorithm>',
      ['train', 'sarsa', '--total-steps', '100', '--out', OUT],
      2,
      'Invalid argument for algorithm: "sarsa". Expected one of dqn, reinforce, a2c, ppo, sac, td3, ddpg.',
    ],
    [
      '<algorithm> sac on Discrete actions',
      ['train', 'sac', '--total-steps', '100', '--out', OUT],
      2,
      'SAC supports Box action spaces; CartPole-v1 has Discrete(2). Use DQN, PPO, A2C or REINFORCE for Discrete actions.',
    ],
    [
      '<algorithm> td3 on Discrete actions',
      ['train', 'td3', '--env', 'Acrobot-v1', '--total-steps', '100', '--out', OUT],
      2,
      'TD3 supports Box action spaces; Acrobot-v1 has Discrete(3).',
    ],
    [
      '<algorithm> ddpg on Discrete actions',
      ['train', 'ddpg', '--env', 'MountainCar-v0', '--total-steps', '100', '--out', OUT],
      2,
      'DDPG supports Box action spaces; MountainCar-v0 has Discrete(3).',
    ],
    ['<algorithm>', ['train', '--total-steps', '100', '--out', OUT], 2, 'missing argument <algorithm>'],
    ['--env', train('--env', 'CartPol-v1'), 2, 'Invalid argument for --env: "CartPol-v1". Must be one of CartPole-v0,'],
    ['--env', train('--env', 'CartPol-v1'), 2, 'Did you mean CartPole-v1?'],
    ['--total-steps', ['train', 'dqn', '--out', OUT], 2, 'UsageError: flag --total-steps is required'],
    [
      '--total-steps',
      train('--total-steps', '1e300'),
      2,
      'Invalid argument for --total-steps: "1e300". Must be an integer in [1, 1000000000].',
    ],
    ['--total-steps', train('--total-steps', '0'), 2, 'Invalid argument for --total-steps: "0"'],
    ['--total-steps', train('--total-steps', '-5'), 2, 'Invalid argument for --total-steps: "-5"'],
    ['--total-steps', train('--total-steps', 'many'), 2, 'Invalid argument for --total-steps: "many"'],
    ['--total-steps', train('--total-steps'), 2, 'UsageError: flag --total-steps needs a value'],
    [
      '--seed',
      train('--seed', '99999999999999999999'),
      2,
      'Invalid argument for --seed: "99999999999999999999". Must be an integer in [0, 4294967295].',
    ],
    ['--seed', train('--seed', '-1'), 2, 'Invalid argument for --seed: "-1"'],
    ['--seed', train('--seed', '1.5'), 2, 'Invalid argument for --seed: "1.5"'],
    ['--out', ['train', 'dqn', '--total-steps', '100'], 2, 'UsageError: flag --out is required'],
    [
      '--config',
      train('--config', '<tmp>/missing.json'),
      2,
      'FileFormatError: <tmp>/missing.json cannot be read (--config): does not exist.',
    ],
    [
      '--config',
      train('--config', '<tmp>/fifo.json'),
      2,
      'FileFormatError: <tmp>/fifo.json cannot be read (--config): is not a regular file.',
    ],
    ['--config', train('--config', '<tmp>'), 2, 'FileFormatError: <tmp> cannot be read (--config): is not a regular file.'],
    ['--config', train('--config', '<tmp>/empty.json'), 2, 'FileFormatError: <tmp>/empty.json is empty (--config wants a JSON object).'],
    ['--config', train('--config', '<tmp>/broken.json'), 2, 'FileFormatError: <tmp>/broken.json is not valid JSON (--config).'],
    [
      '--config',
      train('--config', '<tmp>/array.json'),
      2,
      'FileFormatError: <tmp>/array.json is not a JSON object of hyperparameters (--config).',
    ],
    [
      '--config',
      train('--config', '<tmp>/negative-lr.json'),
      2,
      'Invalid argument for config.learningRate: -1. Must be a number in (0, Infinity].',
    ],
    [
      '--config',
      train('--config', '<tmp>/typo.json'),
      2,
      'InvalidArgumentError: Invalid argument for config.learningRat: 0.001. Unknown key; did you mean "learningRate"?',
    ],
    [
      '--config',
      ['train', 'ppo', '--total-steps', '100', '--out', OUT, '--config', '<tmp>/typo.json'],
      2,
      'Invalid argument for config.learningRat: 0.001. Unknown key; did you mean "learningRate"?',
    ],
    [
      '--config',
      ['train', 'ppo', '--total-steps', '100', '--out', OUT, '--config', '<tmp>/huge-pi.json'],
      2,
      'InvalidArgumentError: Invalid argument for config.piArch: [100000,100000]. Each hidden layer must have at most 16384 units; got 100000.',
    ],
    [
      '--config',
      train('--config', '<tmp>/negative-unit.json'),
      2,
      'Invalid argument for config.netArch[1]: -1. Must be a positive integer (a hidden-layer size).',
    ],
    [
      '--config',
      // CartPole's preset has 8 environments and batches of 256: 4 steps each make rollouts of 32.
      ['train', 'ppo', '--total-steps', '100', '--out', OUT, '--config', '<tmp>/short-rollout.json'],
      2,
      'Invalid argument for PpoConfig.batchSize: 256. Must be an integer in [1, 32] (nSteps * nEnvs).',
    ],
    [
      '--env',
      train('--env', 'Pendulum-v1'),
      2,
      'Invalid argument for actionSpace: "Box(-2, 2, (1,), float32)". DQN supports Discrete action spaces; Pendulum-v1 has',
    ],
    ['--out', train('--out', '<tmp>/empty.json'), 2, 'Invalid argument for --out: "<tmp>/empty.json". This directory holds a run already'],
    ['--out', train('--out', '<tmp>/full'), 2, 'Invalid argument for --out: "<tmp>/full". This directory holds a run already'],
    ['--eval-every', train('--eval-every', '0'), 2, 'Invalid argument for --eval-every: "0"'],
    ['--eval-every', train('--eval-every', '1e10'), 2, 'Invalid argument for --eval-every: "1e10"'],
    ['--eval-episodes', train('--eval-episodes', '0'), 2, 'Invalid argument for --eval-episodes: "0". Must be an integer in [1, 1000000].'],
    ['--eval-episodes', train('--eval-episodes', 'ten'), 2, 'Invalid argument for --eval-episodes: "ten"'],
    [
      '--checkpoint-every',
      train('--checkpoint-every', '-1'),
      2,
      'Invalid argument for --checkpoint-every: "-1". Must be an integer in [0,',
    ],
    ['--checkpoint-every', train('--checkpoint-every', '1.5'), 2, 'Invalid argument for --checkpoint-every: "1.5"'],
    ['--resume', train('--resume'), 2, 'FileFormatError: <out>/checkpoint/manifest.json does not exist: there is no checkpoint to resume.'],
    ['--resume', train('--resume', 'yes'), 2, 'UsageError: too many arguments'],
    [
      '--config',
      ['train', 'ddpg', '--env', 'Pendulum-v1', '--total-steps', '100', '--out', OUT, '--config', '<tmp>/ddpg-delay.json'],
      2,
      'Invalid argument for config.policyDelay: 3. DDPG fixes policyDelay to 1; train td3 to set it.',
    ],
    [
      '--resume',
      ['train', 'sac', '--env', 'Pendulum-v1', '--total-steps', '100', '--out', '<tmp>/ddpg-run', '--resume'],
      2,
      'was started with algorithm ddpg; resume it with the same command.',
    ],
    [
      '--resume',
      ['train', 'td3', '--env', 'Pendulum-v1', '--total-steps', '100', '--seed', '1', '--out', '<tmp>/ddpg-run', '--resume'],
      2,
      'was started with seed 0; resume it with the same command.',
    ],
    ['--keep', train('--keep', 'worst'), 2, 'Invalid argument for --keep: "worst". Must be one of best, last.'],
    ['--keep', train('--keep'), 2, 'UsageError: flag --keep needs a value'],
    ['eval <dir>', ['eval'], 2, 'missing argument <dir>'],
    ['eval --episodes', ['eval', OUT, '--episodes', '0'], 2, 'Invalid argument for --episodes: "0". Must be an integer in [1, 1000000].'],
    ['eval --episodes', ['eval', OUT, '--episodes', '-3'], 2, 'Invalid argument for --episodes: "-3"'],
    ['eval --seed', ['eval', OUT, '--seed', '4294967296'], 2, 'Invalid argument for --seed: "4294967296"'],
    ['eval unknown flag', ['eval', OUT, '--episode', '3'], 2, 'unknown flag --episode; did you mean --episodes?'],
    ['eval <dir>', ['eval', OUT], 2, 'FileFormatError: <out>/manifest.json'],
    ['eval <dir>', ['eval', '<tmp>/damaged'], 2, 'FileFormatError: <tmp>/damaged/agent.json'],
  ];

  it.each(cases)('%s: %j exits %d with one line containing %j, and writes nothing', async (_flag, argv, status, fragment) => {
    const out = join(tmp, `case-${cases.findIndex((c) => c[1] === argv)}`);
    const fill = (s: string) => s.replace(OUT, out).replace('<tmp>', tmp);
    const result = await rl(argv.map(fill));
    expect(result.code).toBe(status);
    expect(result.err).toContain(fill(fragment));
    expect(result.err.trim().split('\n')).toHaveLength(1);
    expect(result.out).toBe('');
    expect(existsSync(out)).toBe(false);
  });

  it('describes every flag, the environments and examples in --help, with --env defaulting (exit 0)', async () => {
    const top = await rl(['--help']);
    expect(top.code).toBe(0);
    expect(top.out).toMatch(/train \[options\] <algorithm>/);
    expect(top.out).toMatch(/eval \[options\] <dir>/);
    expect(top.out).toContain('Environments: CartPole-v0, CartPole-v1, MountainCar-v0');
    const help = (await rl(['train', '--help'])).out;
    for (const flag of ['--env', '--total-steps', '--seed', '--out', '--config', '--eval-every', '--eval-episodes'])
      expect(help).toContain(flag);
    expect(help).toContain('default: "CartPole-v1"');
    expect(help).not.toMatch(/registered environment \(required\)/);
    expect(help).toContain('$ bigmodel-rl train dqn');
  });

  it('as a process: a usage error exits 2 with one line and no stack; --help exits 0', () => {
    const bin = resolve(__dirname, 'main.ts');
    const node = (...args: string[]) =>
      spawnSync(process.execPath, ['--conditions=@bigmodel/source', '-r', 'ts-node/register', bin, ...args], {
        encoding: 'utf8',
        env: { ...process.env, TS_NODE_TRANSPILE_ONLY: '1' },
      });
    const bad = node('train', 'dqn', '--total-steps', '100', '--out', join(tmp, 'p'), '--config', join(tmp, 'broken.json'));
    expect(bad.status).toBe(2);
    expect(bad.stderr.trim()).toBe(`FileFormatError: ${join(tmp, 'broken.json')} is not valid JSON (--config).`);
    expect(existsSync(join(tmp, 'p'))).toBe(false);
    const help = node('--help');
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('Environments:');
  }, 120_000);
});
