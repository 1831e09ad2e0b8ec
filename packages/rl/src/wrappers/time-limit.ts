import { InvalidArgumentError } from '@bigmodel/core';

import { Wrapper, type Env, type ResetOptions, type ResetResult, type StepResult } from '../env/env';

/**
 * Truncates episodes after `maxEpisodeSteps` steps (Gymnasium's `TimeLimit`): the step that reaches
 * the limit returns `truncated: true` (and keeps `terminated` as the environment said).
 * @example
 * ```ts
 * const env = new TimeLimit(new Pendulum(), 200);
 * ```
 * @category Wrappers
 */
export class TimeLimit<Obs, Act> extends Wrapper<Obs, Act> {
  private elapsedSteps = 0;

  constructor(
    env: Env<Obs, Act>,
    readonly maxEpisodeSteps: number,
  ) {
    super(env);
    if (!Number.isInteger(maxEpisodeSteps) || maxEpisodeSteps < 1) {
      throw new InvalidArgumentError({ parameter: 'maxEpisodeSteps', value: maxEpisodeSteps, message: 'Must be a positive integer.' });
    }
  }

  override reset(options?: ResetOptions): ResetResult<Obs> {
    this.elapsedSteps = 0;
    return this.env.reset(options);
  }

  override step(action: Act): StepResult<Obs> {
    const result = this.env.step(action);
    this.elapsedSteps += 1;
    if (this.elapsedSteps >= this.maxEpisodeSteps) result.truncated = true;
    return result;
  }
}
