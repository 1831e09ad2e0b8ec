import { existsSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { FileFormatError } from '@bigmodel/core';

import { removeSearchModelDir, searchModelDir } from './search-model-dir';

/** A search directory with models/trial-1 (a real model) and, beside it, a directory outside holding a precious file. */
function layout() {
  const root = mkdtempSync(join(tmpdir(), 'nas-model-dir-'));
  const dir = join(root, 'search');
  mkdirSync(join(dir, 'models', 'trial-1'), { recursive: true });
  writeFileSync(join(dir, 'models', 'trial-1', 'model.json'), '{}');
  mkdirSync(join(root, 'outside'));
  writeFileSync(join(root, 'outside', 'precious.txt'), 'keep me');
  return { root, dir, source: join(dir, 'journal.jsonl') };
}

describe('searchModelDir / removeSearchModelDir', () => {
  it('resolve a runner model path inside the search, and undefined for one not there', () => {
    const { dir, source } = layout();
    expect(searchModelDir(dir, 'models/trial-1', source)).toBe(join(dir, 'models', 'trial-1'));
    expect(searchModelDir(dir, 'rescore/models/trial-1-fold-2', source)).toBeUndefined();
  });

  it.each(['../outside', 'models/../../outside', '/etc', 'models/trial-1/../../..', 'models/x'])('refuse the journal path %s', (name) => {
    const { root, dir, source } = layout();
    expect(() => searchModelDir(dir, name, source)).toThrow(FileFormatError);
    expect(() => removeSearchModelDir(dir, name, source)).toThrow(/which is not models\/trial-ID/);
    expect(readFileSync(join(root, 'outside', 'precious.txt'), 'utf8')).toBe('keep me');
  });

  it('refuse a model that is a symlink out for reading, and unlink it without touching its target', () => {
    const { root, dir, source } = layout();
    symlinkSync(join(root, 'outside'), join(dir, 'models', 'trial-2'));
    expect(() => searchModelDir(dir, 'models/trial-2', source)).toThrow(/resolves \(through a symlink\) to a path outside/);
    removeSearchModelDir(dir, 'models/trial-2', source);
    expect(existsSync(join(dir, 'models', 'trial-2'))).toBe(false);
    expect(readFileSync(join(root, 'outside', 'precious.txt'), 'utf8')).toBe('keep me');
  });

  it('refuse to remove below a models/ that is a symlink out', () => {
    const { root, source } = layout();
    const dir = join(root, 'other-search');
    mkdirSync(dir);
    mkdirSync(join(root, 'outside', 'trial-3'));
    symlinkSync(join(root, 'outside'), join(dir, 'models'));
    expect(() => removeSearchModelDir(dir, 'models/trial-3', source)).toThrow(/resolves \(through a symlink\) to a path outside/);
    expect(existsSync(join(root, 'outside', 'trial-3'))).toBe(true);
  });
});
