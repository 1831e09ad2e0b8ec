import { BigModelError } from './bigmodel-error';
import { formatValue } from './invalid-argument-error';

/**
 * A tensor's shape (or layout) does not fit what an operation supports.
 *
 * @example
 * ```ts
 * throw new ShapeError({ parameter: 'x', expected: '[batch, height, width, channels] (NHWC)', actual: [1, 3, 28, 28] });
 * ```
 * @category Errors
 */
export class ShapeError extends BigModelError {
  /** The tensor or attribute whose shape is wrong. */
  readonly parameter: string;
  /** What was expected, in words or as a shape. */
  readonly expected: string;
  /** The shape (or layout) that was given. */
  readonly actual: unknown;

  constructor({ parameter, expected, actual, hint }: { parameter: string; expected: string; actual: unknown; hint?: string }) {
    super(`Shape error in ${parameter}: expected ${expected}, got ${formatValue(actual)}.${hint ? ` ${hint}` : ''}`);
    this.name = 'ShapeError';
    this.parameter = parameter;
    this.expected = expected;
    this.actual = actual;
  }

  /** True when `error` is a {@link ShapeError} from any copy of `@bigmodel/core`. */
  static override isInstance(error: unknown): error is ShapeError {
    return BigModelError.isInstance(error) && error.name === 'ShapeError';
  }
}
