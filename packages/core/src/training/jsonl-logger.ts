import { closeSync, existsSync, mkdirSync, readFileSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

import { openForAppend } from '../io/open-for-append';
import { writeFileAtomic } from '../io/write-file-atomic';

/**
 * Where training metrics go: one record per call, with namespaced keys (`losses/train`, `charts/valAccuracy`).
 *
 * @category Training
 */
export interface MetricsLogger {
  log(record: Record<string, number | string>): void;
  /**
   * Drops the records of steps after `step`, so that a run resumed from a checkpoint at `step`
   * (which redoes the steps after it) logs them once. Training loops call it when they resume.
   */
  truncateAfter?(step: number): void;
}

/**
 * Appends each record as one JSON line to `path` (a dashboard can tail it).
 * @example
 * ```ts
 * await fit(model, data, { epochs: 3, batchSize: 64, logger: new JsonlLogger('runs/cnn/metrics.jsonl') });
 * ```
 * @category Training
 */
export class JsonlLogger implements MetricsLogger {
  constructor(readonly path: string) {
    mkdirSync(dirname(path), { recursive: true });
  }

  log(record: Record<string, number | string>): void {
    const fd = openForAppend(this.path);
    try {
      writeSync(fd, `${JSON.stringify({ time: Date.now() / 1000, ...record })}\n`);
    } finally {
      closeSync(fd);
    }
  }

  /**
   * Rewrites the log (atomically) without the records whose `step` is after `step`, and without a
   * line cut short by a kill; records without a step stay.
   */
  truncateAfter(step: number): void {
    if (!existsSync(this.path)) return;
    const kept = readFileSync(this.path, 'utf8')
      .split('\n')
      .filter((line) => {
        if (line.trim() === '') return false;
        try {
          const record = JSON.parse(line) as { step?: unknown };
          return typeof record.step !== 'number' || record.step <= step;
        } catch {
          return false; // a line cut short by a kill mid-write
        }
      });
    writeFileAtomic(this.path, kept.map((line) => `${line}\n`).join(''));
  }
}
