/**
 * A registry entry (Gymnasium's `EnvSpec`): how {@link make} builds and wraps an environment.
 * @category Registry
 */
export interface EnvSpec {
  /** The id, e.g. `CartPole-v1`. */
  id: string;
  /** Episodes are truncated after this many steps by {@link TimeLimit} (none when undefined). */
  maxEpisodeSteps?: number;
  /** The mean return over 100 episodes at which the task counts as solved (none when undefined). */
  rewardThreshold?: number;
  /** Keyword arguments the environment was made with. */
  kwargs: Record<string, unknown>;
}
