import { Wrapper, type Env, type StepResult } from '../env/env';
import { Box } from '../spaces/box';

/**
 * Clips continuous actions into the action space's bounds before the environment sees them
 * (Gymnasium's `ClipAction`); the wrapped action space is unbounded.
 * @example
 * ```ts
 * const env = new ClipAction(make('Pendulum-v1'));
 * env.reset({ seed: 0 });
 * env.step(Float32Array.of(5)); // the pendulum receives 2
 * ```
 * @category Wrappers
 */
export class ClipAction<Obs> extends Wrapper<Obs, ArrayLike<number>> {
  private readonly bounds: Box;
  private readonly unbounded: Box;

  constructor(env: Env<Obs, ArrayLike<number>>) {
    super(env);
    this.bounds = env.actionSpace as unknown as Box;
    this.unbounded = new Box({ low: -Infinity, high: Infinity, shape: this.bounds.shape, dtype: this.bounds.dtype });
  }

  override get actionSpace(): Box {
    return this.unbounded;
  }

  override step(action: ArrayLike<number>): StepResult<Obs> {
    const clipped = new Float32Array(action.length);
    for (let i = 0; i < action.length; i++) clipped[i] = Math.min(Math.max(action[i], this.bounds.low[i]), this.bounds.high[i]);
    return this.env.step(clipped);
  }
}
