import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, realpathSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { FileFormatError, InvalidArgumentError } from '../errors';
import { readContainedFile, readRegularFile, resolveContainedPath } from '.';

/** A run directory with one file inside and one secret file beside it. */
function layout() {
  const root = mkdtempSync(join(tmpdir(), 'bigmodel-contained-'));
  const dir = join(root, 'run');
  mkdirSync(join(dir, 'sub'), { recursive: true });
  writeFileSync(join(dir, 'sub', 'w.bin'), Buffer.from([1, 2, 3, 4]));
  writeFileSync(join(root, 'secret'), 'outside');
  return { root, dir };
}

describe('resolveContainedPath', () => {
  it('returns the real path of a file inside the directory, also through a symlinked directory', () => {
    const { root, dir } = layout();
    expect(resolveContainedPath(dir, 'sub/w.bin')).toBe(realpathSync(join(dir, 'sub', 'w.bin')));
    symlinkSync(dir, join(root, 'alias'));
    expect(resolveContainedPath(join(root, 'alias'), './sub/../sub/w.bin')).toBe(realpathSync(join(dir, 'sub', 'w.bin')));
  });

  it.each([
    ['a parent reference', '../secret'],
    ['a deeper escape', 'sub/../../secret'],
    ['an absolute path', '/etc/passwd'],
    ['the directory itself', '.'],
    ['an empty name', ''],
    ['a NUL byte', 'sub/w.bin\0x'],
  ])('refuses %s with a FileFormatError naming the source file', (_, name) => {
    const { dir } = layout();
    const source = join(dir, 'journal.jsonl');
    expect(() => resolveContainedPath(dir, name, { source })).toThrow(FileFormatError);
    expect(() => resolveContainedPath(dir, name, { source })).toThrow(source);
  });

  it('refuses a symlink inside that points outside, and a symlinked subdirectory that leads outside', () => {
    const { root, dir } = layout();
    symlinkSync(join(root, 'secret'), join(dir, 'leak.png'));
    symlinkSync(root, join(dir, 'up'));
    expect(() => resolveContainedPath(dir, 'leak.png')).toThrow(/outside/);
    expect(() => resolveContainedPath(dir, 'up/secret')).toThrow(/outside/);
  });

  it('accepts a symlink inside that points to another file inside', () => {
    const { dir } = layout();
    symlinkSync(join(dir, 'sub', 'w.bin'), join(dir, 'alias.bin'));
    expect(resolveContainedPath(dir, 'alias.bin')).toBe(realpathSync(join(dir, 'sub', 'w.bin')));
  });

  it('says a missing file does not exist, and a bad directory argument is an InvalidArgumentError', () => {
    const { dir } = layout();
    expect(() => resolveContainedPath(dir, 'nope.bin')).toThrow(/does not exist/);
    expect(() => resolveContainedPath('', 'x')).toThrow(InvalidArgumentError);
  });
});

describe('readContainedFile', () => {
  it('reads a contained regular file of the expected size', () => {
    const { dir } = layout();
    expect([...readContainedFile(dir, 'sub/w.bin', { expectedBytes: 4 })]).toEqual([1, 2, 3, 4]);
  });

  it('checks the size by stat before reading: a 3 GB sparse file is refused at once', () => {
    const { dir } = layout();
    const huge = join(dir, 'huge.bin');
    writeFileSync(huge, '');
    truncateSync(huge, 3 * 1024 ** 3);
    const before = process.memoryUsage().rss;
    expect(() => readContainedFile(dir, 'huge.bin')).toThrow(/more than the limit/);
    expect(() => readContainedFile(dir, 'huge.bin', { expectedBytes: 16 })).toThrow(/holds 3221225472 bytes where 16 are expected/);
    expect(process.memoryUsage().rss - before).toBeLessThan(256 * 1024 ** 2);
  });

  it('refuses a size other than the expected one and one over maxBytes', () => {
    const { dir } = layout();
    expect(() => readContainedFile(dir, 'sub/w.bin', { expectedBytes: 8 })).toThrow(FileFormatError);
    expect(() => readContainedFile(dir, 'sub/w.bin', { maxBytes: 3 })).toThrow(/limit of 3/);
    expect(() => readContainedFile(dir, 'sub/w.bin', { maxBytes: -1 })).toThrow(InvalidArgumentError);
  });

  it('refuses a FIFO without blocking, and a directory', () => {
    const { dir } = layout();
    execFileSync('mkfifo', [join(dir, 'metrics.jsonl')]);
    expect(() => readContainedFile(dir, 'metrics.jsonl')).toThrow(/not a regular file/);
    expect(() => readRegularFile(join(dir, 'sub'))).toThrow(/not a regular file/);
  });
});
