import { lstatSync, statSync } from 'node:fs';
import { join } from 'node:path';

import { FileFormatError, resolveContainedPath } from '@bigmodel/core';

import { JOURNAL_FILE, METRICS_FILE } from './list-runs';

/**
 * The real directory of run `name` (as {@link listRuns} names it) under `root`, or undefined when
 * `name` is not a run inside `root`: an absolute path, `..`, a symlink leading outside `root`, or a
 * directory without a regular `metrics.jsonl` or `journal.jsonl`.
 *
 * @example
 * ```ts
 * const dir = resolveRun('runs', request.query.run); // undefined: refuse the request
 * ```
 * @category Dashboard
 */
export function resolveRun(root: string, name: string): string | undefined {
  if (typeof name !== 'string') return undefined;
  let dir: string;
  try {
    dir = resolveContainedPath(root, name);
  } catch (error) {
    if (FileFormatError.isInstance(error)) return undefined;
    throw error;
  }
  const regular = (file: string) => {
    try {
      return lstatSync(join(dir, file)).isFile();
    } catch {
      return false;
    }
  };
  return statSync(dir).isDirectory() && (regular(METRICS_FILE) || regular(JOURNAL_FILE)) ? dir : undefined;
}
