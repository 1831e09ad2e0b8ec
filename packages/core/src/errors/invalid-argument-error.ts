import { BigModelError } from './bigmodel-error';

/**
 * A parameter had a value the callee cannot accept. Carries the parameter's name and the value.
 *
 * @example
 * ```ts
 * throw new InvalidArgumentError({ parameter: 'batchSize', value: 0, message: 'must be a positive integer' });
 * ```
 * @category Errors
 */
export class InvalidArgumentError extends BigModelError {
  /** The name of the offending parameter, as the caller wrote it. */
  readonly parameter: string;
  /** The value that was given. */
  readonly value: unknown;

  constructor({ parameter, value, message, cause }: { parameter: string; value: unknown; message: string; cause?: unknown }) {
    super(`Invalid argument for ${parameter}: ${formatValue(value)}. ${message}`, { cause });
    this.name = 'InvalidArgumentError';
    this.parameter = parameter;
    this.value = value;
  }

  /** True when `error` is an {@link InvalidArgumentError} from any copy of `@bigmodel/core`. */
  static override isInstance(error: unknown): error is InvalidArgumentError {
    return BigModelError.isInstance(error) && error.name === 'InvalidArgumentError';
  }
}

/**
 * Renders a value for an error message: strings quoted, arrays and objects as short JSON.
 *
 * @category Errors
 */
export function formatValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || value == null) return String(value);
  try {
    const json = JSON.stringify(value);
    return json.length > 200 ? `${json.slice(0, 197)}...` : json;
  } catch {
    return Object.prototype.toString.call(value);
  }
}
