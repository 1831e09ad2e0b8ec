import type { MetricsLogger } from '@bigmodel/core';

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
