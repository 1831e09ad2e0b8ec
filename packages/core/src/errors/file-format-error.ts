import { BigModelError } from './bigmodel-error';

/**
 * A file bigmodel reads (a saved model, a checkpoint, a dataset file) is missing, truncated or
 * malformed. Names the file and what is wrong with it.
 *
 * @example
 * ```ts
 * throw new FileFormatError({ path: 'model/model.json', problem: 'is not valid JSON' });
 * ```
 * @category Errors
 */
export class FileFormatError extends BigModelError {
  /** The offending file. */
  readonly path: string;

  constructor({ path, problem, hint, cause }: { path: string; problem: string; hint?: string; cause?: unknown }) {
    super(`${path} ${problem}.${hint ? ` ${hint}` : ''}`, { cause });
    this.name = 'FileFormatError';
    this.path = path;
  }

  /** True when `error` is a {@link FileFormatError} from any copy of `@bigmodel/core`. */
  static override isInstance(error: unknown): error is FileFormatError {
    return BigModelError.isInstance(error) && error.name === 'FileFormatError';
  }
}
