import { InvalidArgumentError } from '@bigmodel/core';

import { BaseEnv } from '../core/env';

/**
 * What the classic-control environments share: a physical state held in a typed array in
 * Gymnasium's order and precision (float64, or float32 where Gymnasium keeps float32), readable and
 * writable as `env.unwrapped.state`, so that any trajectory can be replayed against the reference
 * implementation from any state.
 * @example
 * ```ts
 * const env = new CartPole();
 * env.reset({ seed: 0 });
 * env.state = [0, 0, 0.1, 0]; // [x, xDot, theta, thetaDot]
 * env.step(1);
 * ```
 * @category Environments
 */
export abstract class PhysicalStateEnv<Act, S extends Float64Array | Float32Array = Float64Array> extends BaseEnv<Float32Array, Act> {
  /** Whether the state is set (by `reset` or by assigning `state`); `step` requires it. */
  protected hasState = false;

  /**
   * @param envName The name in error messages (`CartPole`).
   * @param stateNames The state's components in Gymnasium's order (`['x', 'xDot', 'theta', 'thetaDot']`).
   * @param s The state's storage, of `stateNames.length` elements; subclasses step it in place.
   */
  protected constructor(
    private readonly envName: string,
    private readonly stateNames: readonly string[],
    protected readonly s: S,
  ) {
    super();
  }

  /** The physical state as a plain array in Gymnasium's order (null before the first reset). */
  get state(): number[] | null {
    return this.hasState ? Array.from(this.s) : null;
  }

  /** Sets the physical state (null forgets it, so that `step` needs a `reset` again). */
  set state(value: ArrayLike<number> | null) {
    if (value === null) {
      this.hasState = false;
      return;
    }
    if (value.length !== this.s.length) {
      throw new InvalidArgumentError({ parameter: 'state', value: Array.from(value), message: `${this.envName} state is [${this.stateNames.join(', ')}].` });
    }
    this.s.set(value);
    this.hasState = true;
  }
}
