/**
 * The saved-model directories a search journal names (`model` of a result record), read back
 * safely: the journal is untrusted, so a name must have the runner's own shape (`models/trial-ID`,
 * `rescore/models/trial-ID-fold-F`) and, once symlinks are resolved, stay inside the search
 * directory. Anything else is a {@link FileFormatError}; nothing outside is ever read or removed.
 */
import { lstatSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

import { FileFormatError, resolveContainedPath } from '@bigmodel/core';

/** The shapes of the model paths the runner writes, relative to the search directory. */
const MODEL_PATH = /^(rescore\/)?models\/trial-\d+(-fold-\d+)?$/;

/**
 * True when `name` has the shape of a model path the runner writes.
 *
 * @category Runner
 */
export function isSearchModelPath(name: unknown): name is string {
  return typeof name === 'string' && MODEL_PATH.test(name);
}

const lexists = (path: string) => {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
};

/**
 * The real path of the model directory `name` (read from the journal `source`) of the search in
 * `dir`, or `undefined` when it does not exist. Refuses, with a {@link FileFormatError}, a `name`
 * that is not a runner model path or that resolves outside `dir`.
 * @category Runner
 */
export function searchModelDir(dir: string, name: string, source: string): string | undefined {
  if (!isSearchModelPath(name)) {
    throw new FileFormatError({
      path: source,
      problem: `names the model directory ${JSON.stringify(name)}, which is not models/trial-ID`,
      hint: 'Refusing to touch it.',
    });
  }
  if (!lexists(join(dir, name))) return undefined;
  return resolveContainedPath(dir, name, { source });
}

/**
 * Removes the model directory `name` (see {@link searchModelDir}) of the search in `dir`. Its parent
 * (`models/`) must resolve inside `dir`; the entry itself is removed without following it (a
 * symlink is unlinked, its target left alone).
 * @category Runner
 */
export function removeSearchModelDir(dir: string, name: string, source: string): void {
  if (!isSearchModelPath(name)) {
    throw new FileFormatError({
      path: source,
      problem: `names the model directory ${JSON.stringify(name)}, which is not models/trial-ID`,
      hint: 'Refusing to remove it.',
    });
  }
  if (!lexists(join(dir, dirname(name)))) return;
  const parent = resolveContainedPath(dir, dirname(name), { source });
  rmSync(join(parent, basename(name)), { recursive: true, force: true });
}
