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

/**
 * A sub-environment of an {@link AsyncVectorEnv} failed in its worker thread (its constructor,
 * `reset` or `step` threw, or the worker died). `envIndex` names the sub-environment and
 * `remoteName` the error's name in the worker (e.g. `InvalidArgumentError`).
 * @example
 * ```ts
 * try { envs.step(actions); } catch (e) { if (VectorEnvWorkerError.isInstance(e)) console.error(e.envIndex, e.remoteName); }
 * ```
 * @category Errors
 */
export class VectorEnvWorkerError extends BigModelError {
  constructor(
    readonly envIndex: number,
    readonly remoteName: string,
    message: string,
  ) {
    super(`Sub-environment ${envIndex} failed in its worker: ${remoteName}: ${message}`);
    this.name = 'VectorEnvWorkerError';
  }

  /** True when `error` is a {@link VectorEnvWorkerError} from any copy of this package. */
  static override isInstance(error: unknown): error is VectorEnvWorkerError {
    return BigModelError.isInstance(error) && error.name === 'VectorEnvWorkerError';
  }
}
