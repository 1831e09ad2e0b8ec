import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

/** Where training metrics go: one record per call, with namespaced keys (`losses/train`, `charts/valAccuracy`). */
export interface MetricsLogger {
  log(record: Record<string, number | string>): void;
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
    appendFileSync(this.path, `${JSON.stringify({ time: Date.now() / 1000, ...record })}\n`);
  }
}
