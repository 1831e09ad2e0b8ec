/** Finding the runs under the runs directory, without following a symlink anywhere. */
import { lstatSync, readdirSync, type Stats } from 'node:fs';
import { join } from 'node:path';

/**
 * The file a training run writes (`JsonlLogger` in @bigmodel/core).
 *
 * @category Dashboard
 */
export const METRICS_FILE = 'metrics.jsonl';
/**
 * The file a search writes (`runSearch` in @bigmodel/nas).
 *
 * @category Dashboard
 */
export const JOURNAL_FILE = 'journal.jsonl';

/**
 * A run: a directory under the runs directory holding a `metrics.jsonl`, a search `journal.jsonl`, or both.
 *
 * @category Dashboard
 */
export interface RunInfo {
  /** Path relative to the runs directory, with `/` separators (any characters a file name may hold). */
  name: string;
  /** Whether it holds a `metrics.jsonl` (a training run). */
  metrics: boolean;
  /** Whether it holds a `journal.jsonl` (a neural architecture or hyperparameter search). */
  search: boolean;
  /** Last modification of those files, in ms since the epoch. */
  updated: number;
}

const MAX_DEPTH = 3;
const MAX_ENTRIES = 10_000;

/** The file's lstat when it is a regular file (not a symlink, FIFO or device), else undefined. */
function regularFile(path: string): Stats | undefined {
  try {
    const stat = lstatSync(path);
    return stat.isFile() ? stat : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The runs under `root` (up to three levels deep), newest first. A run is a real directory (a
 * symlink is not followed, wherever it leads) holding a regular `metrics.jsonl` or `journal.jsonl`
 * (a symlink, FIFO or device of that name does not count); the folders inside a search (its saved
 * models, its re-scoring journal) are not runs of their own. At most 10,000 directory entries are
 * looked at, so that a huge tree cannot stall the page.
 *
 * @example
 * ```ts
 * const [newest] = listRuns('runs'); // { name: 'dqn/cartpole', metrics: true, search: false, updated: ... }
 * ```
 * @category Dashboard
 */
export function listRuns(root: string): RunInfo[] {
  const runs: RunInfo[] = [];
  let seen = 0;
  const visit = (dir: string, parts: string[]) => {
    const metrics = regularFile(join(dir, METRICS_FILE));
    const journal = regularFile(join(dir, JOURNAL_FILE));
    if (parts.length > 0 && (metrics || journal)) {
      const updated = Math.max(metrics?.mtimeMs ?? 0, journal?.mtimeMs ?? 0);
      runs.push({ name: parts.join('/'), metrics: metrics !== undefined, search: journal !== undefined, updated });
    }
    // A search's folders (models/, rescore/ with its own journal.jsonl) belong to it: they are not runs.
    if (parts.length >= MAX_DEPTH || journal) return;
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return; // unreadable, or removed since it was listed
    }
    for (const entry of entries) {
      if (++seen > MAX_ENTRIES) return;
      if (entry.isDirectory()) visit(join(dir, entry.name), [...parts, entry.name]);
    }
  };
  visit(root, []);
  return runs.sort((a, b) => b.updated - a.updated || (a.name < b.name ? -1 : 1));
}
