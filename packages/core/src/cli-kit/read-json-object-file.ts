import { FileFormatError } from '../errors/file-format-error';
import { readInputFile } from './read-input-file';

/**
 * Reads the JSON object a command-line flag's file holds (`--config hp.json`), bounded as
 * {@link readInputFile} reads; an empty file, invalid JSON or anything but an object is one
 * `FileFormatError` naming the file and the flag. `what` says what the object holds
 * (`'hyperparameters'`).
 *
 * @example
 * ```ts
 * const overrides = readJsonObjectFile('--config', path, 'GanConfig fields');
 * ```
 * @category CLI
 */
export function readJsonObjectFile(flag: string, path: string, what: string): Record<string, unknown> {
  const text = readInputFile(flag, path).toString('utf8');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (cause) {
    const problem = text.trim() === '' ? `is empty (${flag} wants a JSON object)` : `is not valid JSON (${flag})`;
    throw new FileFormatError({ path, problem, cause });
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new FileFormatError({ path, problem: `is not a JSON object of ${what} (${flag})` });
  }
  return value as Record<string, unknown>;
}
