/**
 * The search journal: one JSON record per line in `DIR/journal.jsonl`, appended with a single
 * `write` and an `fsync`, so a line on disk is a complete record and a kill loses at most the
 * line being written. Records:
 *
 * - `search`: the first line, the search's specification (space, strategy, evaluator, seed, ...);
 * - `ask`: a trial the strategy proposed (id, config, budget, hash);
 * - `result`: a trial's outcome (status `ok` | `failed` | `infeasible`, score, metrics, error,
 *   `model`, the directory of its saved model when the evaluator saved one, and `repeatOf`, the
 *   trial whose result a cached repeat copies).
 *
 * Reading: a line that is not valid JSON or not a record (a torn last line, an edited file) is
 * recorded in {@link JournalContents.skipped} and left out; the search goes on without it (a lost
 * `result` means that trial runs again). With `strict: true` it is a {@link FileFormatError}
 * instead. A missing or unreadable `search` line is always a FileFormatError: without it there is
 * nothing to resume. So is a result whose `model` is not its trial's own `models/trial-ID`: the
 * runner removes the models it does not keep, and a journal must never steer that outside the
 * search directory (see `search-model-dir.ts`).
 */
import { closeSync, existsSync, fsyncSync, mkdirSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';

import { FileFormatError, openForAppend, readRegularFile } from '@bigmodel/core';

import type { Trial } from '../strategies/strategy';
import type { SearchSpec } from './search-spec';

/**
 * The largest journal read (a million trials' records fit well within it).
 *
 * @category Runner
 */
export const MAX_JOURNAL_BYTES = 1024 * 1024 * 1024;

/**
 * The journal's first record.
 *
 * @category Runner
 */
export interface SearchRecord {
  type: 'search';
  version: 1;
  spec: SearchSpec;
  createdAt: string;
  /** The `keepModels` the search was started with (a resume keeps to it unless given another). */
  keepModels?: boolean | number;
  /** The `cache` the search was started with (a resume keeps to it unless given another). */
  cache?: boolean;
}

/**
 * A trial the strategy proposed.
 *
 * @category Runner
 */
export interface AskRecord {
  type: 'ask';
  trial: Trial;
}

/**
 * The outcome of a trial.
 *
 * @category Runner
 */
export interface ResultRecord {
  type: 'result';
  trialId: number;
  status: 'ok' | 'failed' | 'infeasible';
  /** The score (null in JSON for a failed trial's NaN / -Infinity). */
  score: number | null;
  /** The evaluator's other metrics. */
  metrics: Record<string, number | string | boolean>;
  /** The error message of a failed trial, or the broken constraint of an infeasible one. */
  error?: string;
  /** Seconds the evaluation took. */
  seconds: number;
  finishedAt: string;
  /**
   * The trial's saved model, relative to the search directory (`models/trial-ID`), when the
   * evaluator saved one. The runner keeps only the best trial's, so an older record's may be gone.
   */
  model?: string;
  /**
   * A repeat: the trial whose result this copies (the same configuration and budget, evaluated
   * once and served from the runner's cache; `seconds` is 0 and there is no model).
   */
  repeatOf?: number;
}

/**
 * Any journal record.
 *
 * @category Runner
 */
export type JournalRecord = SearchRecord | AskRecord | ResultRecord;

/**
 * What {@link readJournal} returns.
 *
 * @category Runner
 */
export interface JournalContents {
  search: SearchRecord;
  /** The other records, in file order. */
  records: (AskRecord | ResultRecord)[];
  /** Lines that could not be read, 1-based, with the reason. */
  skipped: { line: number; reason: string }[];
}

/**
 * The journal file of a search directory.
 *
 * @category Runner
 */
export const journalPath = (dir: string) => join(dir, 'journal.jsonl');

function checkRecord(value: unknown): JournalRecord | string {
  if (!value || typeof value !== 'object') return 'not an object';
  const r = value as Record<string, unknown>;
  switch (r['type']) {
    case 'search':
      return r['spec'] && typeof r['spec'] === 'object' ? (r as unknown as SearchRecord) : 'search record without spec';
    case 'ask': {
      const t = r['trial'] as Record<string, unknown> | undefined;
      return t && Number.isInteger(t['id']) && t['config'] && typeof t['budget'] === 'number'
        ? (r as unknown as AskRecord)
        : 'ask record without a trial';
    }
    case 'result':
      return Number.isInteger(r['trialId']) && ['ok', 'failed', 'infeasible'].includes(r['status'] as string)
        ? (r as unknown as ResultRecord)
        : 'result record without trialId/status';
    default:
      return `unknown record type ${JSON.stringify(r['type'])}`;
  }
}

/**
 * Reads a search journal; see the file header for how unreadable lines are handled.
 * @example
 * ```ts
 * const { search, records, skipped } = readJournal('runs/nas');
 * ```
 * @category Runner
 */
export function readJournal(dir: string, options: { strict?: boolean } = {}): JournalContents {
  const path = journalPath(dir);
  if (!existsSync(path))
    throw new FileFormatError({ path, problem: 'does not exist', hint: 'Start a search with runSearch (or `bigmodel-nas search`) first.' });
  const lines = readRegularFile(path, { maxBytes: MAX_JOURNAL_BYTES }).toString('utf8').split('\n');
  let search: SearchRecord | undefined;
  const records: (AskRecord | ResultRecord)[] = [];
  const skipped: { line: number; reason: string }[] = [];
  lines.forEach((text, i) => {
    if (text.trim() === '') return;
    let record: JournalRecord | string;
    try {
      record = checkRecord(JSON.parse(text));
    } catch (error) {
      record = `invalid JSON (${(error as Error).message})`;
    }
    if (typeof record === 'string') {
      if (options.strict || i === 0)
        throw new FileFormatError({
          path,
          problem: `line ${i + 1} is unreadable: ${record}`,
          hint:
            i === 0
              ? 'The first line holds the search specification; without it the search cannot resume.'
              : 'Read without strict to skip it.',
        });
      skipped.push({ line: i + 1, reason: record });
    } else if (record.type === 'search') {
      if (i !== 0) skipped.push({ line: i + 1, reason: 'a second search record' });
      else search = record;
    } else {
      if (record.type === 'result' && record.model !== undefined && record.model !== `models/trial-${record.trialId}`) {
        throw new FileFormatError({
          path,
          problem: `line ${i + 1} names the model directory ${JSON.stringify(record.model)}, not models/trial-${record.trialId}`,
          hint: 'Was the journal edited? Refusing to touch that path.',
        });
      }
      records.push(record);
    }
  });
  if (!search) throw new FileFormatError({ path, problem: 'does not start with a search record', hint: 'Is this a bigmodel-nas journal?' });
  return { search, records, skipped };
}

/**
 * An open journal that appends records durably; see the file header. `R` is the record type
 * (the search journal's by default; the re-scoring journal has its own).
 * @category Runner
 */
export class JournalWriter<R extends { type: string } = JournalRecord> {
  private fd: number;

  /** Opens (creating) the journal at `path` (default: the search journal of `dir`) for appending; a torn last line is closed off first. */
  constructor(
    readonly dir: string,
    path = journalPath(dir),
  ) {
    mkdirSync(dirname(path), { recursive: true });
    const torn =
      existsSync(path) &&
      (() => {
        const text = readRegularFile(path, { maxBytes: MAX_JOURNAL_BYTES }).toString('utf8');
        return text.length > 0 && !text.endsWith('\n');
      })();
    this.fd = openForAppend(path);
    if (torn) writeSync(this.fd, '\n');
  }

  /** Appends one record as one line, then fsyncs. */
  append(record: R): void {
    writeSync(this.fd, `${JSON.stringify(record)}\n`);
    fsyncSync(this.fd);
  }

  /** Closes the file. */
  close(): void {
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
  }
}
