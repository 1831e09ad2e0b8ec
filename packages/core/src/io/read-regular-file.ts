import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';

import { FileFormatError } from '../errors';

/**
 * The most bytes {@link readRegularFile} and {@link readContainedFile} read when no `maxBytes` is given: 1 GiB.
 *
 * @category IO
 */
export const DEFAULT_MAX_FILE_BYTES = 1024 * 1024 * 1024;

/**
 * Reads the regular file at `path` (no FIFO, device or directory; opened without blocking), checking
 * its size by `fstat` against `expectedBytes` or `maxBytes` before reading. For paths the caller
 * chose itself; a path read from a file goes through {@link readContainedFile}.
 *
 * @category IO
 */
export function readRegularFile(path: string, options: { expectedBytes?: number; maxBytes?: number } = {}): Buffer {
  const { expectedBytes, maxBytes = DEFAULT_MAX_FILE_BYTES } = options;
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (cause) {
    const missing = (cause as NodeJS.ErrnoException).code === 'ENOENT';
    throw new FileFormatError({ path, problem: missing ? 'does not exist' : 'cannot be opened', cause });
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) throw new FileFormatError({ path, problem: 'is not a regular file', hint: 'Refusing to read it.' });
    if (expectedBytes !== undefined && stat.size !== expectedBytes) {
      throw new FileFormatError({
        path,
        problem: `holds ${stat.size} bytes where ${expectedBytes} are expected`,
        hint: 'It is truncated, padded or not this file.',
      });
    }
    if (stat.size > maxBytes) {
      throw new FileFormatError({
        path,
        problem: `holds ${stat.size} bytes, more than the limit of ${maxBytes}`,
        hint: 'Refusing to read it.',
      });
    }
    const bytes = Buffer.allocUnsafe(stat.size);
    let read = 0;
    while (read < bytes.length) {
      const n = readSync(fd, bytes, read, bytes.length - read, read);
      if (n === 0)
        throw new FileFormatError({ path, problem: `ended after ${read} of ${bytes.length} bytes`, hint: 'It changed while being read.' });
      read += n;
    }
    return bytes;
  } finally {
    closeSync(fd);
  }
}
