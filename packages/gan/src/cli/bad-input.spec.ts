import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import * as tf from '@tensorflow/tfjs';
import { initBackend } from '@bigmodel/core';

import { encodeNpy } from '../io/npy';
import { main } from './main';

let tmp: string;
/** A tiny trained (unconditional) DCGAN run. */
let run: string;

/** Runs `bigmodel-gan` in-process; returns its exit status and what it printed. */
async function gan(argv: string[]) {
  let out = '';
  let err = '';
  const code = await main(argv, { stdout: { write: (s: string) => (out += s) }, stderr: { write: (s: string) => (err += s) } });
  return { code, out, err };
}

beforeAll(async () => {
  tf.env().set('PROD', true);
  await initBackend({ backend: 'wasm' });
  tmp = mkdtempSync(join(tmpdir(), 'gan-bad-'));
  run = join(tmp, 'run');
  const trained = await gan([
    'train',
    'dcgan',
    '--epochs',
    '1',
    '--limit',
    '32',
    '--batch-size',
    '32',
    '--ngf',
    '2',
    '--ndf',
    '2',
    '--nz',
    '4',
    '--out',
    run,
  ]);
  expect(trained.code).toBe(0);
  writeFileSync(join(tmp, 'wrong.npy'), encodeNpy(new Float32Array(2 * 8 * 8), [2, 8, 8, 1]));
  execFileSync('mkfifo', [join(tmp, 'fifo.npy')]);
  // The trained run with a checkpoint whose config asks for a generator 100,000 channels wide.
  cpSync(run, join(tmp, 'huge'), { recursive: true });
  const manifest = join(tmp, 'huge', 'checkpoint', 'manifest.json');
  const json = JSON.parse(readFileSync(manifest, 'utf8')) as { config: { ngf: number } };
  json.config.ngf = 100_000;
  writeFileSync(manifest, JSON.stringify(json));
  // --config files.
  const configs: Record<string, string> = {
    'broken.json': '{"ngf": ',
    'list.json': '[1, 2]',
    'misspelt.json': '{"generatorEMA": 0.999}',
    'old-lr.json': '{"lr": 0}',
    'both-lr.json': '{"lr": 0.001, "learningRate": 0.002}',
    'wgan.json': '{"kind": "wgan-gp"}',
    'pack3.json': '{"discriminatorPacking": 3}',
    'ngf3.json': '{"ngf": 3, "ndf": 2, "nz": 4, "batchSize": 32, "lr": 5e-4}',
  };
  for (const [name, text] of Object.entries(configs)) writeFileSync(join(tmp, name), text);
}, 120_000);
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const OUT = '<out>';
const RUN = '<run>';
const train = (...extra: string[]) => ['train', 'dcgan', '--epochs', '1', '--out', OUT, ...extra];
const sample = (...extra: string[]) => ['sample', RUN, '--out', OUT, ...extra];
const interpolate = (...extra: string[]) => ['interpolate', RUN, '--out', OUT, ...extra];

describe('bigmodel-gan bad input', () => {
  // [flag, command line, exit status, fragment of the one-line error]
  const cases: [string, string[], number, string][] = [
    ['command', ['trian'], 2, 'unknown command trian; did you mean train?'],
    [
      'train <kind>',
      ['train', 'stylegan', '--epochs', '1', '--out', OUT],
      2,
      'Invalid argument for kind: "stylegan". Must be one of dcgan, cgan, wgan-gp.',
    ],
    ['train unknown flag', train('--prot', '1'), 2, 'unknown flag --prot'],
    ['train unknown flag', train('--ephocs', '1'), 2, 'unknown flag --ephocs; did you mean --epochs?'],
    [
      '--dataset',
      train('--dataset', 'mnits'),
      2,
      'Invalid argument for --dataset: "mnits". Must be one of mnist, cifar10. Did you mean mnist?',
    ],
    ['--data-dir', train('--dataset', 'cifar10'), 2, 'Invalid argument for --data-dir: undefined. cifar10 needs --data-dir'],
    ['--epochs', ['train', 'dcgan', '--out', OUT], 2, 'flag --epochs is required'],
    ['--epochs', train('--epochs'), 2, 'flag --epochs needs a value'],
    ['--epochs', train('--epochs', '0'), 2, 'Invalid argument for --epochs: "0"'],
    ['--seed', train('--seed', '99999999999999999999'), 2, 'Invalid argument for --seed: "99999999999999999999"'],
    ['--out', ['train', 'dcgan', '--epochs', '1'], 2, 'flag --out is required'],
    ['--ngf', train('--ngf', '100000'), 2, 'Invalid argument for --ngf: "100000". Must be an integer in [1, 1024].'],
    [
      '--ngf with --nz',
      train('--ngf', '1024', '--nz', '4096'),
      2,
      "Invalid argument for GanConfig.ngf: 1024. With nz 4096 and depth 2 the generator's projection would hold 411041792 weights",
    ],
    ['--ndf', train('--ndf', '0'), 2, 'Invalid argument for --ndf: "0"'],
    ['--nz', train('--nz', '1e9'), 2, 'Invalid argument for --nz: "1e9"'],
    ['--minutes', train('--minutes', '-5'), 2, 'Invalid argument for --minutes: "-5". Must be a number in (0, 10080].'],
    ['--checkpoint-every', train('--checkpoint-every', '0'), 2, 'Invalid argument for --checkpoint-every: "0"'],
    ['--lr', train('--lr', '0'), 2, 'Invalid argument for --lr: "0". Must be a number in (0, 1].'],
    ['--lr-g', train('--lr-g', 'fast'), 2, 'Invalid argument for --lr-g: "fast"'],
    ['--lr-d', train('--lr-d', '0'), 2, 'Invalid argument for --lr-d: "0"'],
    ['--learning-rate', train('--learning-rate', '2'), 2, 'Invalid argument for --learning-rate: "2". Must be a number in (0, 1].'],
    ['--generator-learning-rate', train('--generator-learning-rate', 'fast'), 2, 'Invalid argument for --generator-learning-rate: "fast"'],
    [
      '--discriminator-learning-rate',
      train('--discriminator-learning-rate', '0'),
      2,
      'Invalid argument for --discriminator-learning-rate: "0"',
    ],
    [
      '--lr with --learning-rate',
      train('--lr', '1e-3', '--learning-rate', '1e-3'),
      2,
      '--lr is the deprecated spelling of --learning-rate; give only --learning-rate.',
    ],
    [
      '--lr-g with --generator-learning-rate',
      train('--generator-learning-rate', '1e-3', '--lr-g', '1e-3'),
      2,
      '--lr-g is the deprecated spelling of --generator-learning-rate; give only --generator-learning-rate.',
    ],
    ['--config', train('--config', '<tmp>/missing.json'), 2, '<tmp>/missing.json'],
    ['--config', train('--config', '<tmp>/broken.json'), 2, 'FileFormatError: <tmp>/broken.json is not valid JSON (--config).'],
    ['--config', train('--config', '<tmp>/list.json'), 2, 'is not a JSON object of GanConfig fields (--config)'],
    [
      '--config (a misspelt key)',
      train('--config', '<tmp>/misspelt.json'),
      2,
      'Invalid argument for GanConfig.generatorEMA: 0.999. Unknown key; did you mean "generatorEma"?',
    ],
    [
      '--config (a deprecated key, checked by the rules of the new one)',
      train('--config', '<tmp>/old-lr.json'),
      2,
      'Invalid argument for GanConfig.learningRate: 0. Too small: expected number to be >0.',
    ],
    [
      '--config (a deprecated key and its new name)',
      train('--config', '<tmp>/both-lr.json'),
      2,
      'Invalid argument for GanConfig.lr: 0.001. "lr" is the deprecated name of "learningRate"; give only "learningRate".',
    ],
    [
      '--config (another kind)',
      train('--config', '<tmp>/wgan.json'),
      2,
      'Invalid argument for GanConfig.kind: "wgan-gp". The command line trains dcgan',
    ],
    [
      '--config (a combination with the flags)',
      train('--config', '<tmp>/pack3.json'),
      2,
      'Invalid argument for GanConfig.discriminatorPacking: 3. Must divide batchSize (64).',
    ],
    // The resume check shows which value won: the file's over the flag's default, the flag given over the file's.
    [
      '--config over the flag defaults',
      train('--out', RUN, '--config', '<tmp>/ngf3.json'),
      2,
      'Invalid argument for GanConfig.ngf: 3. The checkpoint in <run>/checkpoint is of a different architecture: its ngf is 2.',
    ],
    [
      '--ngf over --config, --learning-rate over its lr',
      train('--out', RUN, '--config', '<tmp>/ngf3.json', '--ngf', '5', '--learning-rate', '1e-3'),
      2,
      'Invalid argument for GanConfig.ngf: 5. The checkpoint in <run>/checkpoint is of a different architecture: its ngf is 2.',
    ],
    ['--beta1', train('--beta1', '1'), 2, 'Invalid argument for --beta1: "1". Must be a number in [0, 1).'],
    ['--beta2', train('--beta2', '-0.1'), 2, 'Invalid argument for --beta2: "-0.1"'],
    ['--batch-size', train('--batch-size', '0'), 2, 'Invalid argument for --batch-size: "0"'],
    ['--label-smoothing', train('--label-smoothing', '0.9'), 2, 'Invalid argument for --label-smoothing: "0.9"'],
    ['--ema', train('--ema', '1.5'), 2, 'Invalid argument for --ema: "1.5". Must be a number in [0, 1).'],
    ['--translation', train('--translation', '0.7'), 2, 'Invalid argument for --translation: "0.7"'],
    ['--d-norm', train('--d-norm', 'layer'), 2, 'Invalid argument for --d-norm: "layer". Must be one of batch, none, spectral.'],
    [
      '--d-norm',
      ['train', 'wgan-gp', '--epochs', '1', '--out', OUT, '--d-norm', 'batch'],
      2,
      'Invalid argument for GanConfig.discriminatorNormalization',
    ],
    ['--pack', train('--pack', '5'), 2, 'Invalid argument for --pack: "5"'],
    ['--pack', train('--pack', '3'), 2, 'Invalid argument for GanConfig.discriminatorPacking: 3. Must divide batchSize (64).'],
    ['--mbstd', train('--mbstd', '1'), 2, 'Invalid argument for GanConfig.minibatchStddev: 1.'],
    ['--limit', train('--limit', '10'), 2, 'Invalid argument for --limit: 10. One step takes batchSize * criticSteps = 64 images'],
    [
      'train --out (a run to resume)',
      train('--out', RUN, '--ngf', '3', '--ndf', '2', '--nz', '4', '--batch-size', '32', '--limit', '32'),
      2,
      'Invalid argument for GanConfig.ngf: 3. The checkpoint in <run>/checkpoint is of a different architecture: its ngf is 2.',
    ],
    ['--limit', train('--limit', '0'), 2, 'Invalid argument for --limit: "0"'],
    ['sample <dir>', ['sample', '--out', OUT], 2, 'missing argument <dir>'],
    ['sample --n', sample('--n', '1e8'), 2, 'Invalid argument for --n: "1e8". Must be an integer in [1, 100000].'],
    [
      'sample <dir> (a checkpoint asking for ngf 100000)',
      ['sample', '<tmp>/huge', '--out', OUT],
      2,
      'manifest.json has an invalid config (Invalid argument for GanConfig.ngf: 100000. Too big: expected number to be <=1024.',
    ],
    ['sample --n', sample('--n', '0'), 2, 'Invalid argument for --n: "0"'],
    ['sample --seed', sample('--seed', '-1'), 2, 'Invalid argument for --seed: "-1"'],
    ['sample --out', ['sample', RUN], 2, 'flag --out is required'],
    [
      'sample --class',
      sample('--class', '42'),
      2,
      "Invalid argument for --class: 42. This run's GAN (dcgan) is unconditional; --class needs a cgan run.",
    ],
    ['sample --class', sample('--class', '-1'), 2, 'Invalid argument for --class: "-1"'],
    ['sample --columns', sample('--columns', '0'), 2, 'Invalid argument for --columns: "0"'],
    ['sample --npy', sample('--npy'), 2, 'flag --npy needs a value'],
    ['interpolate --out', ['interpolate', RUN], 2, 'flag --out is required'],
    ['interpolate --rows', interpolate('--rows', '0'), 2, 'Invalid argument for --rows: "0"'],
    ['interpolate --steps', interpolate('--steps', '1'), 2, 'Invalid argument for --steps: "1". Must be an integer in [2, 100].'],
    ['interpolate --seed', interpolate('--seed', '1.5'), 2, 'Invalid argument for --seed: "1.5"'],
    ['score <source>', ['score'], 2, 'missing argument <source>'],
    ['score --n', ['score', RUN, '--n', '1e8'], 2, 'Invalid argument for --n: "1e8"'],
    ['score --n', ['score', RUN, '--n', '1'], 2, 'Invalid argument for --n: "1". Must be an integer in [2, 100000].'],
    ['score --seed', ['score', RUN, '--seed', 'x'], 2, 'Invalid argument for --seed: "x"'],
    ['score --classifier', ['score', RUN, '--classifier'], 2, 'flag --classifier needs a value'],
    ['score <source>', ['score', '<tmp>/missing.npy'], 2, 'FileFormatError: <tmp>/missing.npy cannot be read (<source>): does not exist.'],
    ['score <source>', ['score', '<tmp>/fifo.npy'], 2, 'FileFormatError: <tmp>/fifo.npy cannot be read (<source>): is not a regular file.'],
    ['score <source>', ['score', '<tmp>/nowhere'], 2, 'FileFormatError: <tmp>/nowhere/checkpoint/manifest.json does not exist.'],
    ['score --classifier', ['score', RUN, '--classifier', '<tmp>'], 2, 'FileFormatError: <tmp>/model.json does not exist (--classifier).'],
    [
      'interpolate <dir>',
      ['interpolate', '<tmp>/nowhere', '--out', OUT],
      2,
      'FileFormatError: <tmp>/nowhere/checkpoint/manifest.json does not exist.',
    ],
    [
      'sample <dir>',
      ['sample', '<tmp>/nowhere', '--out', OUT],
      2,
      'FileFormatError: <tmp>/nowhere/checkpoint/manifest.json does not exist.',
    ],
    [
      'score <source>',
      ['score', '<tmp>/wrong.npy'],
      2,
      'Invalid argument for <tmp>/wrong.npy: "shape (2, 8, 8, 1)". Expected samples of shape [N, 28, 28, 1].',
    ],
    ['train-classifier --epochs', ['train-classifier', '--epochs', '0', '--out', OUT], 2, 'Invalid argument for --epochs: "0"'],
    ['train-classifier --seed', ['train-classifier', '--seed', '1e20', '--out', OUT], 2, 'Invalid argument for --seed: "1e20"'],
    ['train-classifier --out', ['train-classifier', '--out'], 2, 'flag --out needs a value'],
  ];

  it.each(cases)('%s: %j exits %d with one line containing %j, and writes nothing', async (_flag, argv, status, fragment) => {
    const out = join(tmp, `case-${cases.findIndex((c) => c[1] === argv)}`);
    const fill = (s: string) => s.replace(OUT, out).replace(RUN, run).replace('<tmp>', tmp);
    const before = readdirSync(run, { recursive: true }).length;
    const result = await gan(argv.map(fill));
    expect(result.code).toBe(status);
    expect(result.err).toContain(fill(fragment));
    expect(result.err.split('\n').filter((l) => !l.startsWith('backend '))).toEqual([expect.any(String), '']);
    expect(result.out).toBe('');
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(run, { recursive: true }).length).toBe(before);
  });

  it('lists subcommands, flags with ranges and defaults, and examples in --help', async () => {
    const top = await gan(['--help']);
    expect(top.code).toBe(0);
    for (const command of ['train', 'sample', 'interpolate', 'score', 'train-classifier']) expect(top.out).toContain(command);
    const help = (await gan(['train', '--help'])).out;
    expect(help).toContain('--ngf <n>');
    expect(help).toMatch(/generator width; an integer in \[1, 1024\]\s+\(default: 32\)/);
    expect(help).toContain('$ bigmodel-gan train dcgan');
    // The renamed learning-rate flags are listed, their deprecated spellings are not.
    expect(help).toContain('--generator-learning-rate <x>');
    expect(help).toContain('--config <file.json>');
    expect(help).not.toMatch(/--lr(-g|-d)? </);
  });
});
