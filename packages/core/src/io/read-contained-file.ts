import { InvalidArgumentError } from '../errors';
import { DEFAULT_MAX_FILE_BYTES, readRegularFile } from './read-regular-file';
import { type ContainedPathOptions, resolveContainedPath } from './resolve-contained-path';

/**
 * Options for {@link readContainedFile}.
 *
 * @category IO
 */
export interface ReadContainedFileOptions extends ContainedPathOptions {
  /** The exact size the file must have (e.g. the bytes a manifest's shapes describe), checked before reading. */
  expectedBytes?: number;
  /** The largest size accepted, checked before reading. Default {@link DEFAULT_MAX_FILE_BYTES}. */
  maxBytes?: number;
}

/**
 * Reads a file named by an untrusted file (see {@link resolveContainedPath}) after checking it: it
 * must stay inside `dir` after symlinks are resolved, be a regular file (a FIFO or a device is refused
 * without blocking), and have the expected size, or at most `maxBytes`, by `fstat` before a byte is
 * read. Failures are {@link FileFormatError}s naming the file.
 *
 * @example
 * ```ts
 * const bytes = readContainedFile(dir, 'weights.bin', { expectedBytes: 4 * count, source: join(dir, 'checkpoint.json') });
 * ```
 * @category IO
 */
export function readContainedFile(dir: string, name: string, options: ReadContainedFileOptions = {}): Buffer {
  const { expectedBytes, maxBytes = DEFAULT_MAX_FILE_BYTES } = options;
  for (const [parameter, value] of [
    ['options.expectedBytes', expectedBytes],
    ['options.maxBytes', maxBytes],
  ] as const) {
    if (value !== undefined && !(Number.isSafeInteger(value) && value >= 0)) {
      throw new InvalidArgumentError({ parameter, value, message: 'Expected a non-negative integer number of bytes.' });
    }
  }
  const path = resolveContainedPath(dir, name, options);
  return readRegularFile(path, { expectedBytes, maxBytes });
}
