import { InvalidArgumentError } from '@bigmodel/core';

import type { ActionMask } from '../env/action-mask';
import type { Env } from '../env/env';

/**
 * Anything that picks actions from observations: every agent of this package.
 *
 * @category Agents
 */
export interface Policy<Act = number | Float32Array> {
  /**
   * The action for `observation`; `deterministic` takes the most likely (greedy) one. Agents that
   * mask actions choose among those `actionMask` (the step's `info.actionMask`) marks valid.
   */
  predict(observation: Float32Array, deterministic?: boolean, actionMask?: ActionMask | null): Act;
  /** `predict` on any backend, webgpu included (every agent has it); {@link evaluateAsync} uses it when present. */
  predictAsync?(observation: Float32Array, deterministic?: boolean, actionMask?: ActionMask | null): Promise<Act>;
}

/**
 * Options of {@link evaluate}.
 *
 * @category Agents
 */
export interface EvaluateOptions {
  /** Episodes to run (default 10). */
  episodes?: number;
  /** Seed of the first reset; later episodes continue the environment's generator (default 0). */
  seed?: number;
  /** Greedy / mean actions (default true). */
  deterministic?: boolean;
  /** Called after each episode with the number done (progress). */
  onEpisode?: (done: number) => void;
}

/**
 * What {@link evaluate} measured.
 *
 * @category Agents
 */
export interface EvaluationResult {
  meanReturn: number;
  stdReturn: number;
  /** Each episode's undiscounted return. */
  returns: number[];
  /** Each episode's length. */
  lengths: number[];
}

/**
 * Runs whole episodes with `policy` and reports the mean and (population) standard deviation of
 * the returns, as Stable-Baselines3's `evaluate_policy`; each step's `info.actionMask`, when the
 * environment gives one, is passed to the policy.
 * @example
 * ```ts
 * const { meanReturn, stdReturn } = evaluate(agent, make('CartPole-v1'), { episodes: 100, seed: 0 });
 * ```
 * @category Agents
 */
export function evaluate<Act>(policy: Policy<Act>, env: Env<Float32Array, Act>, options: EvaluateOptions = {}): EvaluationResult {
  const episodes = runEpisodes(env, options);
  let next = episodes.next();
  while (!next.done) {
    const { observation, deterministic, actionMask } = next.value;
    next = episodes.next(policy.predict(observation, deterministic, actionMask));
  }
  return next.value;
}

/**
 * {@link evaluate} on any backend, webgpu included: the policy's `predictAsync` picks the actions
 * when it has one. Same numbers as `evaluate`.
 * @example
 * ```ts
 * const { meanReturn } = await evaluateAsync(agent, make('CartPole-v1'), { episodes: 100, seed: 0 });
 * ```
 * @category Agents
 */
export async function evaluateAsync<Act>(
  policy: Policy<Act>,
  env: Env<Float32Array, Act>,
  options: EvaluateOptions = {},
): Promise<EvaluationResult> {
  const episodes = runEpisodes(env, options);
  let next = episodes.next();
  while (!next.done) {
    const { observation, deterministic, actionMask } = next.value;
    const action = policy.predictAsync
      ? await policy.predictAsync(observation, deterministic, actionMask)
      : policy.predict(observation, deterministic, actionMask);
    next = episodes.next(action);
  }
  return next.value;
}

/** What the evaluation loop asks the policy for at each step. */
interface ActionRequest {
  observation: Float32Array;
  deterministic: boolean;
  actionMask: ActionMask | undefined;
}

/** The evaluation loop: yields each step's request for an action, receives the action. */
function* runEpisodes<Act>(env: Env<Float32Array, Act>, options: EvaluateOptions): Generator<ActionRequest, EvaluationResult, Act> {
  const { episodes = 10, seed = 0, deterministic = true, onEpisode } = options;
  if (!Number.isInteger(episodes) || episodes < 1)
    throw new InvalidArgumentError({ parameter: 'episodes', value: episodes, message: 'Must be a positive integer.' });
  const returns: number[] = [];
  const lengths: number[] = [];
  for (let episode = 0; episode < episodes; episode++) {
    let { observation, info } = env.reset(episode === 0 ? { seed } : {});
    let total = 0;
    let length = 0;
    for (;;) {
      const action = yield { observation, deterministic, actionMask: info['actionMask'] as ActionMask | undefined };
      const result = env.step(action);
      total += result.reward;
      length += 1;
      observation = result.observation;
      info = result.info;
      if (result.terminated || result.truncated) break;
    }
    returns.push(total);
    lengths.push(length);
    onEpisode?.(episode + 1);
  }
  const meanReturn = returns.reduce((a, b) => a + b, 0) / episodes;
  const stdReturn = Math.sqrt(returns.reduce((a, r) => a + (r - meanReturn) ** 2, 0) / episodes);
  return { meanReturn, stdReturn, returns, lengths };
}
