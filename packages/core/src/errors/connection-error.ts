import { BigModelError } from './bigmodel-error';

/**
 * A service bigmodel talks to (a Redis server for distributed search, ...) could not be reached,
 * refused the credentials, or went away. Names the service and its address (never a password).
 *
 * @example
 * ```ts
 * throw new ConnectionError({ service: 'redis', address: 'redis://127.0.0.1:6379/0', problem: 'refused the password' });
 * ```
 * @category Errors
 */
export class ConnectionError extends BigModelError {
  /** The kind of service (`redis`). */
  readonly service: string;
  /** Where it was looked for, with any password removed. */
  readonly address: string;

  constructor({
    service,
    address,
    problem,
    hint,
    cause,
  }: {
    service: string;
    address: string;
    problem: string;
    hint?: string;
    cause?: unknown;
  }) {
    super(`${service} at ${address} ${problem}.${hint ? ` ${hint}` : ''}`, { cause });
    this.name = 'ConnectionError';
    this.service = service;
    this.address = address;
  }

  /** True when `error` is a {@link ConnectionError} from any copy of `@bigmodel/core`. */
  static override isInstance(error: unknown): error is ConnectionError {
    return BigModelError.isInstance(error) && error.name === 'ConnectionError';
  }
}
