import { BigModelError } from './bigmodel-error';

/**
 * A computation produced NaN or Infinity where finite numbers are required.
 *
 * @example
 * ```ts
 * throw new NumericalError({ quantity: 'loss', value: NaN, step: 120 });
 * ```
 * @category Errors
 */
export class NumericalError extends BigModelError {
  /** What became non-finite (e.g. `loss`). */
  readonly quantity: string;
  /** The offending value. */
  readonly value: number;
  /** The training step at which it happened, when known. */
  readonly step?: number;

  constructor({ quantity, value, step, hint }: { quantity: string; value: number; step?: number; hint?: string }) {
    super(
      `${quantity} is ${value}${step === undefined ? '' : ` at step ${step}`}.` +
        ` ${hint ?? 'Lower the learning rate, clip gradients, or check the inputs for NaN/Inf.'}`,
    );
    this.name = 'NumericalError';
    this.quantity = quantity;
    this.value = value;
    this.step = step;
  }

  /** True when `error` is a {@link NumericalError} from any copy of `@bigmodel/core`. */
  static override isInstance(error: unknown): error is NumericalError {
    return BigModelError.isInstance(error) && error.name === 'NumericalError';
  }
}
