import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';

import { PNG } from 'pngjs';

import { InvalidArgumentError, loadMnist, ShapeError } from '@bigmodel/core';

import { useWasm } from '../testing/helpers';
import { parseFinetuneArgs, runFinetune, type CommandIo } from './finetune-command';

beforeAll(useWasm);

function capture(): CommandIo & { lines: string[]; progress: () => string } {
  const lines: string[] = [];
  let progress = '';
  const stderr = new Writable({
    write(chunk, _encoding, done) {
      progress += String(chunk);
      done();
    },
  });
  return { lines, stdout: (line) => void lines.push(line), stderr, progress: () => progress };
}

/** Writes MNIST digits `digits` (a few of each) as 28x28 gray PNGs in `dir/<split>/<digit>/`. */
function digitFolder(digits: number[], perClass: number, size = 28): string {
  const dir = mkdtempSync(join(tmpdir(), 'bigmodel-digits-'));
  const { train, test } = loadMnist({ classes: digits });
  for (const [split, data] of [
    ['train', train],
    ['test', test],
  ] as const) {
    const written = new Map<number, number>();
    for (let i = 0; i < data.count; i++) {
      const digit = data.labels[i];
      const n = written.get(digit) ?? 0;
      if (n >= perClass) continue;
      written.set(digit, n + 1);
      const png = new PNG({ width: size, height: size });
      for (let p = 0; p < size * size; p++) {
        const v = p < 784 ? Math.round(255 * data.images[i * 784 + p]) : 0;
        png.data.set([v, v, v, 255], 4 * p);
      }
      mkdirSync(join(dir, split, `digit-${digit}`), { recursive: true });
      writeFileSync(join(dir, split, `digit-${digit}`, `${i}.png`), PNG.sync.write(png));
    }
  }
  return dir;
}

describe('bigmodel-transfer finetune', () => {
  it('parses flags, and rejects missing, unknown and bad ones naming the flag', () => {
    expect(
      parseFinetuneArgs([
        '--base',
        'zoo:mnist-digits-0to4',
        '--data',
        'mnist:5-9',
        '--out',
        'o',
        '--strategy',
        'two-phase',
        '--epochs',
        '3',
        '--seed',
        '2',
      ]),
    ).toEqual(
      expect.objectContaining({
        base: 'zoo:mnist-digits-0to4',
        strategy: 'two-phase',
        epochs: 3,
        seed: 2,
        cachedFeatures: true,
        batchSize: 64,
      }),
    );
    const error = (argv: string[]) => {
      try {
        parseFinetuneArgs(argv);
      } catch (e) {
        return e as InvalidArgumentError;
      }
      throw new Error('did not throw');
    };
    expect(error(['--data', 'mnist:5-9', '--out', 'o']).parameter).toBe('--base');
    expect(error(['--base', 'b', '--data', 'd', '--out', 'o', '--strategy', 'all']).message).toContain('head, two-phase, gradual, full');
    expect(error(['--base', 'b', '--data', 'd', '--out', 'o', '--epochs', '0']).parameter).toBe('--epochs');
    expect(error(['--base', 'b', '--frobnicate']).parameter).toBe('--frobnicate');
  });

  it('reads --learning-rate and --fine-tune-learning-rate, and their deprecated spellings --lr and --fine-tune-lr, not both', () => {
    const base = ['--base', 'zoo:mnist-digits-0to4', '--data', 'mnist:5-9', '--out', 'o'];
    expect(parseFinetuneArgs([...base, '--learning-rate', '0.01', '--fine-tune-learning-rate', '0.001'])).toEqual(
      expect.objectContaining({ learningRate: 0.01, fineTuneLearningRate: 0.001 }),
    );
    expect(parseFinetuneArgs([...base, '--lr', '0.02', '--fine-tune-lr', '0.002'])).toEqual(
      expect.objectContaining({ learningRate: 0.02, fineTuneLearningRate: 0.002 }),
    );
    expect(() => parseFinetuneArgs([...base, '--lr', '0.02', '--learning-rate', '0.01'])).toThrow(
      expect.objectContaining({
        name: 'UsageError',
        message: '--lr is the deprecated spelling of --learning-rate; give only --learning-rate.',
      }),
    );
  });

  it('fine-tunes zoo:mnist-digits-0to4 on mnist:5-9 and ends with a JSON line of test accuracy, parameter counts and time', async () => {
    const io = capture();
    const out = join(mkdtempSync(join(tmpdir(), 'bigmodel-cli-')), 'run');
    await runFinetune(
      [
        '--base',
        'zoo:mnist-digits-0to4',
        '--data',
        'mnist:5-9',
        '--strategy',
        'head',
        '--epochs',
        '2',
        '--limit',
        '200',
        '--seed',
        '1',
        '--out',
        out,
      ],
      io,
    );
    const last = JSON.parse(io.lines[io.lines.length - 1]);
    expect(last).toEqual(expect.objectContaining({ strategy: 'head', testExamples: 810, seed: 1, seconds: expect.any(Number) }));
    // New head 3136*128 + 128 + 128*5 + 5 trainable; the base's conv blocks frozen.
    expect(last.parameters.trainable).toBe(3136 * 128 + 128 + 128 * 5 + 5);
    expect(last.parameters.frozen).toBe(458405 - (3136 * 128 + 128 + 128 * 5 + 5));
    // Frozen conv features from digits 0-4 are good features for 5-9: well above chance (20%) after 2 epochs on 180 digits.
    expect(last.testAccuracy).toBeGreaterThan(0.8);
    expect(io.progress()).toMatch(/head \[#+/);
    expect(JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'))).toEqual(last);
    expect(existsSync(join(out, 'model', 'model.json'))).toBe(true);
  });

  it('reads --data DIR as an image folder (a subfolder of PNGs per class, train/ and test/)', async () => {
    const dir = digitFolder([5, 6], 30);
    const io = capture();
    const out = join(dir, 'run');
    const summary = await runFinetune(['--base', 'zoo:mnist-digits-0to4', '--data', dir, '--epochs', '3', '--out', out], io);
    expect(summary.testExamples).toBe(60);
    expect(summary.trainExamples).toBe(54);
    expect(io.lines[0]).toContain('2 classes');
    expect(summary.testAccuracy).toBeGreaterThan(0.7);
  });

  it('says how many images a class needs when a small folder leaves no validation image', async () => {
    // 10 per class with train/ and test/: the 10% validation split of 9 rounds down to none.
    const dir = digitFolder([5, 6], 9);
    await expect(
      runFinetune(['--base', 'zoo:mnist-digits-0to4', '--data', dir, '--epochs', '1', '--out', join(dir, 'run')], capture()),
    ).rejects.toThrow(/18 training images leave none for validation .* at least 10 training images per class/);
  });

  it('rejects a base whose input does not fit the data, and an unknown zoo name listing the zoo', async () => {
    const dir = digitFolder([5, 6], 2, 32);
    const shape = (await runFinetune(['--base', 'zoo:mnist-digits-0to4', '--data', dir, '--out', join(dir, 'o')], capture()).catch(
      (e: unknown) => e,
    )) as ShapeError;
    expect(ShapeError.isInstance(shape)).toBe(true);
    expect(shape.parameter).toBe('--data');
    expect(shape.message).toContain('[28, 28, 1]');
    const zoo = (await runFinetune(['--base', 'zoo:vgg16', '--data', 'mnist:5-9', '--out', join(dir, 'o')], capture()).catch(
      (e: unknown) => e,
    )) as InvalidArgumentError;
    expect(zoo.parameter).toBe('--base');
    expect(zoo.message).toContain('zoo:mnist-digits-0to4');
  });
});
