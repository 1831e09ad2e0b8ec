import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';

import { FileFormatError, resolveContainedPath } from '@bigmodel/core';

import { METRICS_FILE } from './list-runs';

/**
 * The most bytes of a metrics file one {@link readMetrics} call reads: 4 MiB.
 *
 * @category Dashboard
 */
export const METRICS_CHUNK_BYTES = 4 * 1024 * 1024;

/**
 * What {@link readMetrics} returns.
 *
 * @category Dashboard
 */
export interface MetricsChunk {
  /** The records of the complete lines read (`{ unreadable }` for a line that is not JSON). */
  records: Record<string, unknown>[];
  /** The byte offset to read from next time. */
  next: number;
  /** Whether complete lines may remain after `next` (read again at once). */
  more: boolean;
  /** Whether the file was shorter than `from`, so was read from its start (a new run in the same directory). */
  reset: boolean;
}

/**
 * The records of run directory `dir`'s `metrics.jsonl` from byte offset `from` on, at most
 * `maxBytes` at a time; a partial last line is left for later. The file must stay inside `dir` after
 * symlinks are resolved and be a regular file, opened without blocking (a FIFO is refused, not waited
 * on); otherwise a `FileFormatError`. Only the new bytes are read, so a page polling a long run costs
 * what the run wrote since the last poll.
 *
 * @example
 * ```ts
 * let from = 0;
 * const { records, next } = readMetrics(resolveRun('runs', 'dqn')!, from); // from = next for the next poll
 * ```
 * @category Dashboard
 */
export function readMetrics(dir: string, from = 0, maxBytes = METRICS_CHUNK_BYTES): MetricsChunk {
  const path = resolveContainedPath(dir, METRICS_FILE);
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOFOLLOW);
  } catch (cause) {
    throw new FileFormatError({ path, problem: 'cannot be opened', cause });
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) throw new FileFormatError({ path, problem: 'is not a regular file', hint: 'Refusing to read it.' });
    const reset = from > stat.size;
    const start = reset ? 0 : from;
    const bytes = Buffer.alloc(Math.min(stat.size - start, maxBytes));
    let read = 0;
    while (read < bytes.length) {
      const n = readSync(fd, bytes, read, bytes.length - read, start + read);
      if (n === 0) break;
      read += n;
    }
    const chunk = bytes.subarray(0, read);
    let end = chunk.lastIndexOf(0x0a) + 1;
    const records: Record<string, unknown>[] = [];
    if (end === 0 && read === maxBytes && maxBytes > 0) {
      // One line longer than a chunk: skip it (what follows it is read as usual).
      records.push({ unreadable: `a line longer than ${maxBytes} bytes` });
      end = read;
    }
    for (const line of chunk.subarray(0, end).toString('utf8').split('\n')) {
      if (line.trim() === '') continue;
      try {
        const value: unknown = JSON.parse(line);
        const isRecord = value !== null && typeof value === 'object' && !Array.isArray(value);
        records.push(isRecord ? (value as Record<string, unknown>) : { unreadable: line.slice(0, 80) });
      } catch {
        records.push({ unreadable: line.slice(0, 80) });
      }
    }
    const next = start + end;
    return { records, next, more: end > 0 && stat.size - next > 0 && read === maxBytes, reset };
  } finally {
    closeSync(fd);
  }
}
