import { Wrapper, type Env, type StepResult } from '../env/env';
import { RunningMeanStd } from '../utils/running-mean-std';

/**
 * Scales rewards by the running standard deviation of the discounted return (Gymnasium's
 * `NormalizeReward`): `G = gamma * G * (1 - terminated) + r`, reward / sqrt(var(G) + epsilon). Set
 * `updateRunningMean = false` to freeze the statistics.
 * @example
 * ```ts
 * const env = new NormalizeReward(make('Pendulum-v1'), 0.99);
 * ```
 * @category Wrappers
 */
export class NormalizeReward<Obs, Act> extends Wrapper<Obs, Act> {
  /** The running statistics of the discounted return. */
  returnRms = new RunningMeanStd(1);
  /** Whether rewards update the statistics (default true). */
  updateRunningMean = true;
  private discountedReward = 0;
  private readonly scratch = new Float64Array(1);

  constructor(
    env: Env<Obs, Act>,
    readonly gamma = 0.99,
    readonly epsilon = 1e-8,
  ) {
    super(env);
  }

  override step(action: Act): StepResult<Obs> {
    const result = this.env.step(action);
    this.discountedReward = this.discountedReward * this.gamma * (result.terminated ? 0 : 1) + result.reward;
    if (this.updateRunningMean) {
      this.scratch[0] = this.discountedReward;
      this.returnRms.update(this.scratch, 1);
    }
    result.reward = result.reward / Math.sqrt(this.returnRms.var[0] + this.epsilon);
    return result;
  }
}
