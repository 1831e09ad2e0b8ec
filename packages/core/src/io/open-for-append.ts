import { closeSync, constants, fstatSync, openSync } from 'node:fs';

import { FileFormatError } from '../errors';

/**
 * Opens `path` for appending (creating it), refusing what a log or a journal must not be: a symlink
 * (the write would land wherever it points), a FIFO or a device (opened without blocking). Returns
 * the file descriptor; the caller closes it.
 *
 * @example
 * ```ts
 * const fd = openForAppend('runs/x/metrics.jsonl');
 * ```
 * @category IO
 */
export function openForAppend(path: string): number {
  let fd: number;
  try {
    fd = openSync(path, constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | constants.O_NOFOLLOW | constants.O_NONBLOCK, 0o644);
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    const problem = code === 'ELOOP' ? 'is a symlink' : code === 'ENXIO' ? 'is a FIFO' : `cannot be opened for appending (${code})`;
    throw new FileFormatError({ path, problem, hint: 'Refusing to write through it: remove it, or use another directory.', cause });
  }
  if (!fstatSync(fd).isFile()) {
    closeSync(fd);
    throw new FileFormatError({ path, problem: 'is not a regular file', hint: 'Refusing to write to it.' });
  }
  return fd;
}
