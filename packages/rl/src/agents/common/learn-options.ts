import { InvalidArgumentError, type MetricsLogger } from '@bigmodel/core';

/**
 * Options of every agent's `learn` (e.g. {@link Dqn.learn}, {@link Ppo.learn}).
 *
 * @category Agents
 */
export interface LearnOptions {
  /** Receives `charts/*` (vs `epoch` = environment step) and `losses/*` (vs `step`) records. */
  logger?: MetricsLogger;
  /** Called after every environment step with the step count; return `false` to stop early. */
  onStep?: (step: number) => boolean | void;
}

/** `learn(totalTimesteps)` takes an integer >= 1; throws InvalidArgumentError naming `totalTimesteps`. */
export function checkTotalTimesteps(totalTimesteps: number): void {
  if (!Number.isInteger(totalTimesteps) || totalTimesteps < 1) {
    throw new InvalidArgumentError({ parameter: 'totalTimesteps', value: totalTimesteps, message: 'Must be an integer >= 1.' });
  }
}
