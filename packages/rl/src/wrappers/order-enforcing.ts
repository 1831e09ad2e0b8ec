import { Wrapper, type Env, type ResetOptions, type ResetResult, type StepResult } from '../env/env';
import { ResetNeededError } from '../env/errors';
import { rlLogger } from '../env/logger';

/**
 * Throws {@link ResetNeededError} when `step` comes before the first `reset` (Gymnasium's
 * `OrderEnforcing`), and warns once through the logger when `step` comes after an episode ended
 * without a reset in between (Gymnasium's environment checker; the step still runs).
 * @example
 * ```ts
 * const env = new OrderEnforcing(new CartPole());
 * env.step(0); // throws ResetNeededError
 * ```
 * @category Wrappers
 */
export class OrderEnforcing<Obs, Act> extends Wrapper<Obs, Act> {
  private hasReset = false;
  private ended = false;
  private warned = false;

  constructor(env: Env<Obs, Act>) {
    super(env);
  }

  override reset(options?: ResetOptions): ResetResult<Obs> {
    this.hasReset = true;
    this.ended = false;
    this.warned = false;
    return this.env.reset(options);
  }

  override step(action: Act): StepResult<Obs> {
    if (!this.hasReset) throw new ResetNeededError('Cannot call env.step() before calling env.reset().');
    if (this.ended && !this.warned) {
      this.warned = true;
      rlLogger().warn(
        "Calling 'step()' after the episode returned terminated or truncated = true; call 'reset()' first. " +
          'Further steps are undefined behavior.',
      );
    }
    const result = this.env.step(action);
    if (result.terminated || result.truncated) this.ended = true;
    return result;
  }

  /** Whether `reset` has been called. */
  get hasResetOnce(): boolean {
    return this.hasReset;
  }
}
