import { join } from 'node:path';

import { FileFormatError, readContainedFile } from '@bigmodel/core';

import { JOURNAL_FILE } from './list-runs';

/**
 * The largest search journal {@link readSearch} reads: 64 MiB (a journal holds two short lines per trial).
 *
 * @category Dashboard
 */
export const MAX_JOURNAL_BYTES = 64 * 1024 * 1024;

/**
 * A finished trial of a search, as the dashboard shows it.
 *
 * @category Dashboard
 */
export interface SearchTrial {
  /** The trial's id (the strategy's running number). */
  id: number;
  /** `ok`, `failed` or `infeasible`. */
  status: string;
  /** The score (higher is better), or null for a failed or infeasible trial. */
  score: number | null;
  /** The best score of the trials finished so far, this one included (null until one is `ok`). */
  bestSoFar: number | null;
  /** The fidelity it was evaluated at (epochs), when the journal says. */
  budget?: number;
  /** Seconds the evaluation took, when the journal says. */
  seconds?: number;
  /** The configuration, when the journal's `ask` record for it was read. */
  config?: Record<string, unknown>;
}

/**
 * What {@link readSearch} returns: a search's finished trials in the order they finished.
 *
 * @category Dashboard
 */
export interface SearchSummary {
  /** The strategy's name (`random`, `evolution`, `reinforce`, `tpe`), when the journal says. */
  strategy?: string;
  /** The number of trials the search was started with, when the journal says. */
  plannedTrials?: number;
  /** Finished trials, in finishing order. */
  trials: SearchTrial[];
  /** The number of lines that were not records of a search journal (a torn last line, an edited file). */
  skippedLines: number;
}

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const isResult = (value: unknown): value is Json =>
  isObject(value) && value['type'] === 'result' && Number.isSafeInteger(value['trialId']) && typeof value['status'] === 'string';
const finite = (value: unknown): number | undefined => (typeof value === 'number' && Number.isFinite(value) ? value : undefined);

/**
 * Reads the `journal.jsonl` that `runSearch` (@bigmodel/nas) writes in run directory `dir`, as
 * untrusted input: it must stay inside `dir` after symlinks are resolved, be a regular file, and
 * hold at most {@link MAX_JOURNAL_BYTES} (a `FileFormatError` otherwise, before a byte is read). Each
 * line is parsed on its own; a line that is not a well-formed record (or a second result for a trial,
 * or a result for a trial never asked, which @bigmodel/nas ignores too) is counted in `skippedLines`
 * and left out. The first line must be the journal's `search` record. Only reads: nothing is written.
 *
 * @example
 * ```ts
 * const { trials } = readSearch(resolveRun('runs', 'nas-mnist')!);
 * const best = trials.at(-1)?.bestSoFar;
 * ```
 * @category Dashboard
 */
export function readSearch(dir: string): SearchSummary {
  const text = readContainedFile(dir, JOURNAL_FILE, { maxBytes: MAX_JOURNAL_BYTES }).toString('utf8');
  const lines = text.split('\n');
  const parse = (line: string): unknown => {
    try {
      return JSON.parse(line);
    } catch {
      return undefined;
    }
  };
  const first = parse(lines[0] ?? '');
  if (!isObject(first) || first['type'] !== 'search' || !isObject(first['spec'])) {
    const path = join(dir, JOURNAL_FILE);
    throw new FileFormatError({ path, problem: 'does not start with a search record', hint: 'Is it a bigmodel-nas journal?' });
  }
  const spec = first['spec'];
  const strategy = isObject(spec['strategy']) && typeof spec['strategy']['name'] === 'string' ? spec['strategy']['name'] : undefined;
  const plannedTrials = finite(spec['trials']);
  const configs = new Map<number, { config?: Json; budget?: number }>();
  const trials: SearchTrial[] = [];
  const finished = new Set<number>();
  let skippedLines = 0;
  let best: number | null = null;
  for (const line of lines.slice(1)) {
    if (line.trim() === '') continue;
    const record = parse(line);
    if (isObject(record) && record['type'] === 'ask' && isObject(record['trial']) && Number.isSafeInteger(record['trial']['id'])) {
      const trial = record['trial'];
      const config = isObject(trial['config']) ? trial['config'] : undefined;
      configs.set(trial['id'] as number, { config, budget: finite(trial['budget']) });
    } else if (isResult(record) && configs.has(record['trialId'] as number) && !finished.has(record['trialId'] as number)) {
      // As @bigmodel/nas joins them: a result counts once, and only for a trial that was asked.
      const id = record['trialId'] as number;
      finished.add(id);
      const score = record['status'] === 'ok' ? (finite(record['score']) ?? null) : null;
      if (score !== null && (best === null || score > best)) best = score;
      const asked = configs.get(id);
      const status = String(record['status']).slice(0, 20);
      trials.push({ id, status, score, bestSoFar: best, budget: asked?.budget, seconds: finite(record['seconds']), config: asked?.config });
    } else {
      skippedLines++;
    }
  }
  return { strategy, plannedTrials, trials, skippedLines };
}
