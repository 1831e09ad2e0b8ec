/**
 * What every vector environment offers (SyncVectorEnv, AsyncVectorEnv): the agents step either.
 */
import type { Env, Info, ResetOptions } from '../env/env';
import type { Space } from '../spaces/space';

/**
 * What a vector environment's `step` returns: one entry per sub-environment.
 *
 * @category Vector
 */
export interface VectorStepResult {
  /** Observations, `numEnvs x observationSize`, row after row. */
  observations: Float32Array;
  /** Rewards. */
  rewards: Float64Array;
  /** 1 where the sub-environment's episode terminated on this step. */
  terminations: Uint8Array;
  /** 1 where it was truncated on this step. */
  truncations: Uint8Array;
  /** Each sub-environment's info (the reset info on an autoreset step). */
  infos: Info[];
}

/**
 * When a finished sub-environment is reset (Gymnasium's `AutoresetMode`).
 *
 * @category Vector
 */
export type AutoresetMode = 'next-step' | 'same-step';

/**
 * `numEnvs` environments stepped in lockstep, with Gymnasium's autoreset rules (see
 * {@link SyncVectorEnv}).
 *
 * @category Vector
 */
export interface VectorEnv<Act = unknown> {
  /** Number of sub-environments. */
  readonly numEnvs: number;
  /** One sub-environment's observation space. */
  readonly singleObservationSpace: Space<Float32Array | number>;
  /** One sub-environment's action space. */
  readonly singleActionSpace: Space<Act>;
  /** Numbers per observation. */
  readonly observationSize: number;
  /** The sub-environments, when they live in this thread (SyncVectorEnv only). */
  readonly envs?: Env<Float32Array | number, Act>[];
  /** Resets every sub-environment, sub-environment i with `seed + i` when a seed is given. */
  reset(options?: ResetOptions): { observations: Float32Array; infos: Info[] };
  /** Steps every sub-environment with its action (or resets it, after an episode's end in next-step mode). */
  step(actions: ArrayLike<Act>): VectorStepResult;
  /** Closes every sub-environment. */
  close(): void;
}
