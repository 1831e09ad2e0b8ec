import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { FileFormatError } from '../errors';
import { readInputFile } from './read-input-file';

let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'read-input-'));
  writeFileSync(join(tmp, 'hp.json'), '{"lr": 0.1}');
  execFileSync('mkfifo', [join(tmp, 'fifo.json')]);
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('readInputFile', () => {
  it('reads a regular file', () => {
    expect(readInputFile('--config', join(tmp, 'hp.json')).toString('utf8')).toBe('{"lr": 0.1}');
  });

  it.each([
    ['a FIFO, at once instead of blocking', 'fifo.json', {}, 'cannot be read (--config): is not a regular file.'],
    ['a directory', '.', {}, 'cannot be read (--config): is not a regular file.'],
    ['a missing file', 'missing.json', {}, 'cannot be read (--config): does not exist.'],
    [
      'a file over maxBytes, by its size',
      'hp.json',
      { maxBytes: 5 },
      'cannot be read (--config): holds 11 bytes, more than the limit of 5.',
    ],
  ])('refuses %s with one FileFormatError naming the file and the flag', (_what, name, options, problem) => {
    const path = join(tmp, name);
    let error: unknown;
    try {
      readInputFile('--config', path, options);
    } catch (e) {
      error = e;
    }
    expect(FileFormatError.isInstance(error)).toBe(true);
    expect((error as Error).message).toBe(`${path} ${problem}`);
  });
});
