/**
 * What every agent shares: its training loop and its action choice are written once, as
 * generators whose steps are the tensor reads (see `reads.ts`); `learn` and `predict` drive them
 * with synchronous reads (cpu, wasm), `learnAsync` and `predictAsync` with asynchronous ones (any
 * backend, webgpu included). The numbers are the same either way.
 */
import type { ActionMask } from '../../env/action-mask';
import type { Policy } from '../evaluate';
import type { LearnOptions } from './learn-options';
import { runAsync, runSync, type Reads } from './reads';

/**
 * The base of every agent: `learn` / `learnAsync` and `predict` / `predictAsync` over the agent's
 * own `learnReads` and `predictReads`.
 *
 * @category Agents
 */
export abstract class AgentBase<Act> implements Policy<Act> {
  /** The training loop for `totalTimesteps` more environment steps, its reads as generator steps. */
  protected abstract learnReads(totalTimesteps: number, options: LearnOptions): Reads<this>;

  /** The action for one raw observation, its reads as generator steps. */
  protected abstract predictReads(observation: Float32Array | number, deterministic: boolean, actionMask?: ActionMask | null): Reads<Act>;

  /**
   * Trains for `totalTimesteps` more environment steps (the agent's class says how it counts them),
   * reading the device synchronously: cpu and wasm.
   */
  learn(totalTimesteps: number, options: LearnOptions = {}): this {
    return runSync(this.learnReads(totalTimesteps, options));
  }

  /** {@link AgentBase.learn} on any backend, webgpu included: the device is read asynchronously. Same numbers as `learn`. */
  learnAsync(totalTimesteps: number, options: LearnOptions = {}): Promise<this> {
    return runAsync(this.learnReads(totalTimesteps, options));
  }

  /**
   * The action for one raw observation: the greedy or mean one when `deterministic` (the default),
   * else a sample; agents that mask actions choose among those `actionMask` marks valid.
   */
  predict(observation: Float32Array | number, deterministic = true, actionMask?: ActionMask | null): Act {
    return runSync(this.predictReads(observation, deterministic, actionMask));
  }

  /** {@link AgentBase.predict} on any backend, webgpu included. */
  predictAsync(observation: Float32Array | number, deterministic = true, actionMask?: ActionMask | null): Promise<Act> {
    return runAsync(this.predictReads(observation, deterministic, actionMask));
  }
}
