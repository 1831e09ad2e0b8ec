import { BigModelError } from '@bigmodel/core';

/**
 * `step` was called before the first `reset` (Gymnasium's `ResetNeeded`, raised by order enforcement).
 * @example
 * ```ts
 * const env = make('CartPole-v1');
 * try { env.step(0); } catch (e) { if (ResetNeededError.isInstance(e)) env.reset({ seed: 0 }); }
 * ```
 * @category Errors
 */
export class ResetNeededError extends BigModelError {
  constructor(message: string) {
    super(message);
    this.name = 'ResetNeededError';
  }

  /** True when `error` is a {@link ResetNeededError} from any copy of this package. */
  static override isInstance(error: unknown): error is ResetNeededError {
    return BigModelError.isInstance(error) && error.name === 'ResetNeededError';
  }
}
