import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import * as tf from '@tensorflow/tfjs';

import { saveModel } from '../io';
import { useWasm } from '../testing/backend-comparison';
import { main } from './main';

let tmp: string;
beforeAll(async () => {
  await useWasm();
  tmp = mkdtempSync(join(tmpdir(), 'core-bad-'));
  const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [3], units: 2, activation: 'softmax' })] });
  await saveModel(model, join(tmp, 'model'));
  model.dispose();
  writeFileSync(join(tmp, 'broken.json'), '[1, 2');
  writeFileSync(join(tmp, 'wrong-size.json'), '[1, 2, 3, 4]');
  writeFileSync(join(tmp, 'good.json'), '[[1, 2, 3], [0, 0, 1]]');
  writeFileSync(join(tmp, 'digit.png'), 'not read: the model is not an image model');
  execFileSync('mkfifo', [join(tmp, 'fifo.json')]);
  mkdirSync(join(tmp, 'corrupt'));
  writeFileSync(join(tmp, 'corrupt', 'model.json'), '{"modelTopology": ');
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Runs `bigmodel-core` in-process; returns its exit status and what it printed. */
async function core(argv: string[]) {
  let out = '';
  let err = '';
  const code = await main(argv, { stdout: { write: (s: string) => (out += s) }, stderr: { write: (s: string) => (err += s) } });
  return { code, out, err };
}

const predict = (...extra: string[]) => ['predict', '--model', '<tmp>/model', '--input', '<tmp>/good.json', ...extra];

describe('bigmodel-core bad input', () => {
  // [flag, command line, exit status, fragment of the one-line error]
  const cases: [string, string[], number, string][] = [
    ['command', ['predcit'], 2, 'UsageError: unknown command predcit; did you mean predict? (commands: predict)'],
    ['unknown flag', predict('--modle', 'x'), 2, 'UsageError: unknown flag --modle; did you mean --model?'],
    ['--model', ['predict', '--input', '<tmp>/good.json'], 2, 'UsageError: flag --model is required'],
    ['--model', predict('--model', '<tmp>/nowhere'), 2, 'FileFormatError: <tmp>/nowhere/model.json does not exist (--model).'],
    ['--model', predict('--model'), 2, 'UsageError: flag --model needs a value'],
    ['--input', ['predict', '--model', '<tmp>/model'], 2, 'UsageError: flag --input is required'],
    ['--input', predict('--input', '<tmp>/missing.png'), 2, 'FileFormatError: <tmp>/missing.png is not a file (--input).'],
    ['--input', predict('--input', '<tmp>'), 2, 'FileFormatError: <tmp> is not a file (--input).'],
    ['--input', predict('--input', '<tmp>/broken.json'), 2, 'FileFormatError: <tmp>/broken.json is not valid JSON (--input).'],
    ['--input', predict('--input', '<tmp>/fifo.json'), 2, 'FileFormatError: <tmp>/fifo.json is not a file (--input).'],
    [
      '--input',
      predict('--input', '<tmp>/digit.png'),
      2,
      'Invalid argument for --input: "<tmp>/digit.png". A PNG needs an image model ([h, w, 1|3] input); this model takes [3].',
    ],
    ['--model', predict('--model', '<tmp>/corrupt'), 2, 'FileFormatError: <tmp>/corrupt/model.json'],
    [
      '--input',
      predict('--input', '<tmp>/wrong-size.json'),
      2,
      'FileFormatError: <tmp>/wrong-size.json holds 4 values, not a whole number of examples of shape [3]',
    ],
    [
      '--backend',
      predict('--backend', 'tpu'),
      2,
      'Invalid argument for --backend: "tpu". Must be one of webgpu, node-gpu, node, wasm, cpu.',
    ],
    ['--backend', predict('--backend', 'wsam'), 2, 'Did you mean wasm?'],
  ];

  it.each(cases)('%s: %j exits %d with one line containing %j', async (_flag, argv, status, fragment) => {
    const fill = (s: string) => s.split('<tmp>').join(tmp);
    const result = await core(argv.map(fill));
    expect(result.code).toBe(status);
    expect(result.err).toContain(fill(fragment));
    expect(result.err.trim().split('\n')).toHaveLength(1);
    expect(result.out).toBe('');
  });

  it('predicts, and lists its flags and examples in --help', async () => {
    const ok = await core(predict('--backend', 'wasm').map((s) => s.split('<tmp>').join(tmp)));
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.out.trim().split('\n').pop()!).predictions).toHaveLength(2);
    const help = await core(['predict', '--help']);
    expect(help.code).toBe(0);
    expect(help.out.replace(/\s+/g, ' ')).toContain('(choices: "webgpu", "node-gpu", "node", "wasm", "cpu")');
    expect(help.out).toContain('$ bigmodel-core predict --model runs/cnn/model --input digit.png');
  });
});
