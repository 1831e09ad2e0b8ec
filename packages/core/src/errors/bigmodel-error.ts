const MARKER = Symbol.for('bigmodel.error');

/**
 * The root of every error bigmodel throws on purpose.
 *
 * Each subclass has a stable `name` and a static `isInstance` that works across duplicate
 * installs of the package (it checks a global symbol, not the prototype chain).
 *
 * @example
 * ```ts
 * try {
 *   await initBackend({ backend: 'tpu' as never });
 * } catch (e) {
 *   if (BigModelError.isInstance(e)) showToUser(`${e.name}: ${e.message}`);
 *   else throw e;
 * }
 * ```
 * @category Errors
 */
export class BigModelError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'BigModelError';
    Object.defineProperty(this, MARKER, { value: true });
  }

  /** True when `error` is a {@link BigModelError} from any copy of `@bigmodel/core`. */
  static isInstance(error: unknown): error is BigModelError {
    return typeof error === 'object' && error !== null && (error as Record<symbol, unknown>)[MARKER] === true;
  }
}
