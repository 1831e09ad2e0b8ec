import { BigModelError } from './bigmodel-error';

/**
 * A TensorFlow.js backend could not be loaded or used. The message says why and how to install it.
 *
 * @example
 * ```ts
 * throw new BackendError({ backend: 'node', message: 'Cannot load @tensorflow/tfjs-node.', hint: 'npm install @tensorflow/tfjs-node' });
 * ```
 * @category Errors
 */
export class BackendError extends BigModelError {
  /** The bigmodel backend name that failed. */
  readonly backend: string;

  constructor({ backend, message, hint, cause }: { backend: string; message: string; hint?: string; cause?: unknown }) {
    super(`Backend "${backend}": ${message}${hint ? ` ${hint}` : ''}`, { cause });
    this.name = 'BackendError';
    this.backend = backend;
  }

  /** True when `error` is a {@link BackendError} from any copy of `@bigmodel/core`. */
  static override isInstance(error: unknown): error is BackendError {
    return BigModelError.isInstance(error) && error.name === 'BackendError';
  }
}
