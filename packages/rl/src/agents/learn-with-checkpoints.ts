/**
 * A run that survives being killed: `learn` in stretches, with the agent saved after each one, so
 * that {@link loadAgent} on the checkpoint and another call continue it bitwise as if it had never
 * stopped (the agents' checkpoints hold the episodes in progress and the environments' state).
 */
import { InvalidArgumentError } from '@bigmodel/core';

import type { LearnOptions } from './common/learn-options';
import type { Agent } from './load-agent';

/**
 * Options of {@link learnWithCheckpoints}.
 * @category Agents
 */
export interface LearnWithCheckpointsOptions extends LearnOptions {
  /** The checkpoint's directory: its checkpoint (core's format) is replaced atomically at each checkpoint. */
  dir: string;
  /**
   * Environment steps between checkpoints: one is taken at the first step at or past each multiple
   * of `every` (PPO and A2C step whole rollouts), and one at the end.
   */
  every: number;
  /** JSON kept in each checkpoint's `extra` field, computed when it is taken (a caller's own position, e.g. its log's length). */
  extra?: () => Record<string, unknown>;
  /** Called after each checkpoint with the step count. */
  onCheckpoint?: (step: number) => void | Promise<void>;
}

/**
 * Trains `agent` until it has taken `totalTimesteps` environment steps in all (steps taken before,
 * e.g. by a run this one resumes, count), checkpointing it every `options.every` steps. The
 * schedules (exploration, learning rate, clip range) span `totalTimesteps`, so a resumed run must
 * be given the same total. Returns the agent; its last checkpoint is its final state.
 * @example
 * ```ts
 * const agent = new Dqn({ env: 'CartPole-v1', seed: 0 });
 * await learnWithCheckpoints(agent, 50_000, { dir: 'runs/dqn/checkpoint', every: 5_000 });
 * // after a crash:
 * await learnWithCheckpoints(await loadAgent('runs/dqn/checkpoint'), 50_000, { dir: 'runs/dqn/checkpoint', every: 5_000 });
 * ```
 * @category Agents
 */
export async function learnWithCheckpoints(agent: Agent, totalTimesteps: number, options: LearnWithCheckpointsOptions): Promise<Agent> {
  const { dir, every, extra, onCheckpoint, logger, onStep } = options;
  if (!Number.isInteger(totalTimesteps) || totalTimesteps < 1) {
    throw new InvalidArgumentError({ parameter: 'totalTimesteps', value: totalTimesteps, message: 'Must be an integer >= 1.' });
  }
  if (!Number.isInteger(every) || every < 1) {
    throw new InvalidArgumentError({ parameter: 'every', value: every, message: 'Must be an integer >= 1.' });
  }
  if ('totalTimesteps' in agent) {
    // DQN's and PPO's schedules span the whole run, as given to the first `learn`.
    if (agent.totalTimesteps === 0) agent.totalTimesteps = totalTimesteps;
    else if (agent.totalTimesteps !== totalTimesteps) {
      throw new InvalidArgumentError({
        parameter: 'totalTimesteps',
        value: totalTimesteps,
        message: `The agent's schedules span ${agent.totalTimesteps} steps; resume it with that total.`,
      });
    }
  }
  let stopped = false;
  const stop = (step: number) => {
    if (onStep?.(step) === false) stopped = true;
    return !stopped;
  };
  while (agent.numTimesteps < totalTimesteps && !stopped) {
    const next = Math.min(totalTimesteps, (Math.floor(agent.numTimesteps / every) + 1) * every);
    await agent.learnAsync(next - agent.numTimesteps, { logger, onStep: stop });
    await agent.save(dir, extra?.());
    await onCheckpoint?.(agent.numTimesteps);
  }
  return agent;
}
