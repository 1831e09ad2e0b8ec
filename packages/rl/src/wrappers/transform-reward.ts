import { Wrapper, type Env, type StepResult } from '../env/env';

/**
 * Applies `fn` to every reward (Gymnasium's `TransformReward`).
 * @example
 * ```ts
 * const env = new TransformReward(make('MountainCar-v0'), (r) => r / 100);
 * ```
 * @category Wrappers
 */
export class TransformReward<Obs, Act> extends Wrapper<Obs, Act> {
  constructor(
    env: Env<Obs, Act>,
    readonly fn: (reward: number) => number,
  ) {
    super(env);
  }

  override step(action: Act): StepResult<Obs> {
    const result = this.env.step(action);
    result.reward = this.fn(result.reward);
    return result;
  }
}
