import { FileFormatError } from '../errors/file-format-error';
import { readRegularFile } from '../io/read-regular-file';

/**
 * The most bytes {@link readInputFile} reads when no `maxBytes` is given: 16 MiB (a config or a small input).
 *
 * @category CLI
 */
export const DEFAULT_MAX_INPUT_BYTES = 16 * 1024 * 1024;

/**
 * Reads the file a command-line flag names (`--config`, `--space`, `--input`, ...) as a bounded
 * regular file: a FIFO, a device or a directory is refused at once instead of blocking, and so is
 * a file over `maxBytes`. Any failure is one `FileFormatError` naming the file and the flag:
 * `hp.json cannot be read (--config): is not a regular file.`.
 *
 * @example
 * ```ts
 * const config = JSON.parse(readInputFile('--config', path).toString('utf8'));
 * ```
 * @category CLI
 */
export function readInputFile(flag: string, path: string, { maxBytes = DEFAULT_MAX_INPUT_BYTES }: { maxBytes?: number } = {}): Buffer {
  try {
    return readRegularFile(path, { maxBytes });
  } catch (cause) {
    const message = (cause as Error).message;
    // readRegularFile's messages start with the path: keep only what is wrong.
    const reason = message.startsWith(`${path} `) ? message.slice(path.length + 1).replace(/\.$/, '') : message;
    throw new FileFormatError({ path, problem: `cannot be read (${flag}): ${reason.replace(/\. Refusing to read it$/, '')}`, cause });
  }
}
