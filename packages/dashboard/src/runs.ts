/** Finding runs and reading their metrics, confined to the runs directory. */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';

/** A run: a directory under the runs directory holding a `metrics.jsonl`. */
export interface RunInfo {
  /** Path relative to the runs directory, with `/` separators. */
  name: string;
  /** Last modification of its metrics, in ms since the epoch. */
  updated: number;
}

const MAX_DEPTH = 3;

/** Runs under `root` (up to three levels deep), newest first. */
export function listRuns(root: string): RunInfo[] {
  const runs: RunInfo[] = [];
  const visit = (dir: string, depth: number) => {
    if (depth > MAX_DEPTH || !existsSync(dir)) return;
    const metrics = join(dir, 'metrics.jsonl');
    if (existsSync(metrics)) runs.push({ name: relative(root, dir).split(sep).join('/'), updated: statSync(metrics).mtimeMs });
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory()) visit(join(dir, entry.name), depth + 1);
    }
  };
  visit(root, 0);
  return runs.sort((a, b) => b.updated - a.updated);
}

/**
 * The directory of run `name` under `root`, or undefined when `name` points outside `root` (an
 * absolute path, `..`) or is not a run.
 */
export function resolveRun(root: string, name: string): string | undefined {
  if (name.length === 0 || name.includes('\0')) return undefined;
  const base = resolve(root);
  const dir = resolve(base, name);
  const inside = relative(base, dir);
  if (inside === '' || inside.startsWith('..') || resolve(base, inside) !== dir) return undefined;
  return existsSync(join(dir, 'metrics.jsonl')) ? dir : undefined;
}

/** The records of a run's metrics.jsonl from line `from` on (a partial last line is left for later). */
export function readMetrics(dir: string, from = 0): { records: Record<string, unknown>[]; next: number } {
  const text = readFileSync(join(dir, 'metrics.jsonl'), 'utf8');
  const complete = text.endsWith('\n') ? text : text.slice(0, text.lastIndexOf('\n') + 1);
  const lines = complete.split('\n').filter((l) => l.length > 0);
  const records: Record<string, unknown>[] = [];
  for (const line of lines.slice(from)) {
    try {
      records.push(JSON.parse(line) as Record<string, unknown>);
    } catch {
      records.push({ unreadable: line.slice(0, 80) });
    }
  }
  return { records, next: lines.length };
}

/** The file `path` inside run directory `dir`, or undefined when it would leave the run or does not exist. */
export function resolveRunFile(dir: string, path: string): string | undefined {
  if (path.length === 0 || path.includes('\0')) return undefined;
  const file = resolve(dir, path);
  const inside = relative(dir, file);
  if (inside === '' || inside.startsWith('..') || resolve(dir, inside) !== file) return undefined;
  return existsSync(file) && statSync(file).isFile() ? file : undefined;
}
