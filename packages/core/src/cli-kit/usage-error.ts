import { BigModelError } from '../errors/bigmodel-error';

/**
 * The command line itself is wrong: an unknown flag or command, a missing flag or argument, too many
 * arguments. CLIs exit with status 2 for it (and for any other error found before the command starts).
 *
 * @example
 * ```ts
 * throw new UsageError({ parameter: '--sed', message: 'unknown flag --sed; did you mean --seed?' });
 * ```
 * @category CLI
 */
export class UsageError extends BigModelError {
  /** The flag, argument or command at fault, as the user wrote it (or its name when missing). */
  readonly parameter: string;

  constructor({ parameter, message }: { parameter: string; message: string }) {
    super(message);
    this.name = 'UsageError';
    this.parameter = parameter;
  }

  /** True when `error` is a {@link UsageError} from any copy of `@bigmodel/core`. */
  static override isInstance(error: unknown): error is UsageError {
    return BigModelError.isInstance(error) && error.name === 'UsageError';
  }
}
