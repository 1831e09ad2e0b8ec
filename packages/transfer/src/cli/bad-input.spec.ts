import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { writePng } from '@bigmodel/core';

import { useWasm } from '../testing/helpers';
import { main } from './main';

let tmp: string;
beforeAll(async () => {
  await useWasm();
  tmp = mkdtempSync(join(tmpdir(), 'transfer-bad-'));
  mkdirSync(join(tmp, 'one-class', 'train', 'seven'), { recursive: true });
  mkdirSync(join(tmp, 'no-images', 'a'), { recursive: true });
  mkdirSync(join(tmp, 'no-images', 'b'), { recursive: true });
  // Two classes of 3 training images (and 1 test image) each: too few for a 10% validation split.
  const digit = { height: 28, width: 28, channels: 1 as const, data: new Uint8Array(28 * 28).fill(128) };
  for (const split of ['train', 'test'])
    for (const c of ['a', 'b'])
      for (let i = 0; i < (split === 'train' ? 3 : 1); i++) writePng(join(tmp, 'few', split, c, `${i}.png`), digit);
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Runs `bigmodel-transfer` in-process; returns its exit status and what it printed. */
async function transfer(argv: string[]) {
  let out = '';
  let err = '';
  const code = await main(argv, { stdout: { write: (s: string) => (out += s) }, stderr: { write: (s: string) => (err += s) } });
  return { code, out, err };
}

const OUT = '<out>';
const finetune = (...extra: string[]) => ['finetune', '--base', 'zoo:mnist-digits-0to4', '--data', 'mnist:5-9', '--out', OUT, ...extra];

describe('bigmodel-transfer bad input', () => {
  // [flag, command line, exit status, fragment of the one-line error]
  const cases: [string, string[], number, string][] = [
    ['command', ['finetnue'], 2, 'unknown command finetnue; did you mean finetune?'],
    ['unknown flag', finetune('--frobnicate', '1'), 2, 'unknown flag --frobnicate'],
    ['unknown flag', finetune('--epoch', '3'), 2, 'unknown flag --epoch; did you mean --epochs?'],
    ['--base', ['finetune', '--data', 'mnist:5-9', '--out', OUT], 2, 'flag --base is required'],
    ['--base', finetune('--base', 'zoo:vgg16'), 2, 'Invalid argument for --base: "zoo:vgg16". No zoo model of that name; the zoo has zoo:'],
    ['--base', finetune('--base', 'zoo:mnist-digits-0to3'), 2, 'Did you mean zoo:mnist-digits-0to4?'],
    ['--base', finetune('--base', '<tmp>/nowhere'), 2, 'FileFormatError: <tmp>/nowhere/model.json does not exist (--base).'],
    ['--data', ['finetune', '--base', 'zoo:mnist-digits-0to4', '--out', OUT], 2, 'flag --data is required'],
    ['--data', finetune('--data', 'mnist:7'), 2, 'Invalid argument for --data: "mnist:7". A classifier needs at least 2 classes'],
    ['--data', finetune('--data', 'mnist:5-x'), 2, 'Invalid argument for --data: "mnist:5-x". Name digits as a range or a list'],
    ['--data', finetune('--data', '<tmp>/missing'), 2, 'FileFormatError: <tmp>/missing is not a directory (--data).'],
    ['--data', finetune('--data', '<tmp>/one-class'), 2, '<tmp>/one-class'],
    ['--data', finetune('--data', '<tmp>/no-images'), 2, 'FileFormatError: <tmp>/no-images has no PNG images in its class folders.'],
    ['--data', finetune('--data', '<tmp>/few'), 2, 'Invalid argument for --data: "<tmp>/few". 6 training images leave none for validation'],
    [
      '--limit',
      finetune('--data', '<tmp>/few', '--limit', '4'),
      2,
      'Invalid argument for --limit: 4. 4 training images leave none for validation',
    ],
    ['--out', ['finetune', '--base', 'zoo:mnist-digits-0to4', '--data', 'mnist:5-9'], 2, 'flag --out is required'],
    [
      '--strategy',
      finetune('--strategy', 'all'),
      2,
      'Invalid argument for --strategy: "all". Must be one of head, two-phase, gradual, full.',
    ],
    ['--epochs', finetune('--epochs', '0'), 2, 'Invalid argument for --epochs: "0". Must be an integer in [1, 10000].'],
    ['--fine-tune-epochs', finetune('--fine-tune-epochs', '1e300'), 2, 'Invalid argument for --fine-tune-epochs: "1e300"'],
    ['--seed', finetune('--seed', '99999999999999999999'), 2, 'Invalid argument for --seed: "99999999999999999999"'],
    ['--learning-rate', finetune('--learning-rate', '0'), 2, 'Invalid argument for --learning-rate: "0". Must be a number in (0, 1].'],
    [
      '--fine-tune-learning-rate',
      finetune('--fine-tune-learning-rate', '-1e-4'),
      2,
      'Invalid argument for --fine-tune-learning-rate: "-1e-4"',
    ],
    ['--lr (deprecated)', finetune('--lr', '0'), 2, 'Invalid argument for --lr: "0". Must be a number in (0, 1].'],
    ['--batch-size', finetune('--batch-size', '0'), 2, 'Invalid argument for --batch-size: "0"'],
    ['--unfreeze-blocks', finetune('--unfreeze-blocks', '0'), 2, 'Invalid argument for --unfreeze-blocks: "0"'],
    ['--limit', finetune('--limit', '-2'), 2, 'Invalid argument for --limit: "-2"'],
    ['--no-cache', finetune('--no-cache', 'yes'), 2, 'too many arguments'],
    [
      '--augment-padding',
      finetune('--augment-padding', '-1'),
      2,
      'Invalid argument for --augment-padding: "-1". Must be an integer in [0, 64].',
    ],
    ['zoo', ['zoo', '--all'], 2, 'unknown flag --all'],
  ];

  it.each(cases)('%s: %j exits %d with one line containing %j, and writes nothing', async (_flag, argv, status, fragment) => {
    const out = join(tmp, `case-${cases.findIndex((c) => c[1] === argv)}`);
    const fill = (s: string) => s.replace(OUT, out).replace('<tmp>', tmp);
    const result = await transfer(argv.map(fill));
    expect(result.code).toBe(status);
    expect(result.err).toContain(fill(fragment));
    expect(result.err.trim().split('\n')).toHaveLength(1);
    expect(result.out).toBe('');
    expect(existsSync(out)).toBe(false);
  });

  it('lists subcommands, flags with ranges and defaults, and examples in --help; zoo lists the zoo', async () => {
    const top = await transfer(['--help']);
    expect(top.code).toBe(0);
    expect(top.out).toMatch(/finetune \[options\]/);
    expect(top.out).toMatch(/zoo\s+lists the model zoo/);
    const help = (await transfer(['finetune', '--help'])).out;
    expect(help).toMatch(/--epochs <n>\s+epochs of the first phase; an integer in \[1,\s+10000\]\s+\(default: 10\)/);
    expect(help).toMatch(/--learning-rate <x>\s+learning rate of the head/);
    expect(help).not.toContain('--lr'); // the deprecated spelling works but is not advertised
    expect(help).toContain('$ bigmodel-transfer finetune --base zoo:mnist-digits-0to4');
    const zoo = await transfer(['zoo']);
    expect(zoo.code).toBe(0);
    expect(zoo.out).toContain('zoo:mnist-digits-0to4');
  });
});
