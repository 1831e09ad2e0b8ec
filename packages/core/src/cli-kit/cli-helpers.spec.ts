import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { FileFormatError } from '../errors';
import { deprecatedFlag } from './deprecated-flag';
import { readJsonObjectFile } from './read-json-object-file';
import { UsageError } from './usage-error';

describe('readJsonObjectFile', () => {
  let dir: string;
  beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'cli-json-'))));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const file = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };

  it('returns the object a file holds', () => {
    expect(readJsonObjectFile('--config', file('ok.json', '{"gamma": 0.9, "netArch": [16]}'), 'hyperparameters')).toEqual({
      gamma: 0.9,
      netArch: [16],
    });
  });

  it.each([
    ['empty.json', '  \n', 'is empty (--config wants a JSON object)'],
    ['broken.json', '{"gamma": ', 'is not valid JSON (--config)'],
    ['array.json', '[1, 2]', 'is not a JSON object of hyperparameters (--config)'],
    ['null.json', 'null', 'is not a JSON object of hyperparameters (--config)'],
  ])('refuses %s with a FileFormatError naming the file and the flag', (name, text, problem) => {
    const path = file(name, text);
    let error: unknown;
    try {
      readJsonObjectFile('--config', path, 'hyperparameters');
    } catch (e) {
      error = e;
    }
    expect(FileFormatError.isInstance(error)).toBe(true);
    expect((error as Error).message).toContain(path);
    expect((error as Error).message).toContain(problem);
  });
});

describe('deprecatedFlag', () => {
  it('takes the new spelling, else the deprecated one, else nothing', () => {
    expect(deprecatedFlag({ learningRate: 0.1 }, 'learningRate', 'lr')).toBe(0.1);
    expect(deprecatedFlag({ lr: 0.2 }, 'learningRate', 'lr')).toBe(0.2);
    expect(deprecatedFlag({}, 'learningRate', 'lr')).toBeUndefined();
  });

  it('refuses both spellings with a UsageError naming the deprecated flag', () => {
    expect(() => deprecatedFlag({ fineTuneLearningRate: 0.1, fineTuneLr: 0.2 }, 'fineTuneLearningRate', 'fineTuneLr')).toThrow(
      new UsageError({
        parameter: '--fine-tune-lr',
        message: '--fine-tune-lr is the deprecated spelling of --fine-tune-learning-rate; give only --fine-tune-learning-rate.',
      }),
    );
  });
});
