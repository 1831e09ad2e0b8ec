/**
 * Several environments stepped in lockstep (Gymnasium's `SyncVectorEnv`), with Gymnasium's default
 * next-step autoreset: the step after a sub-environment's episode ends resets it, ignores its action
 * and returns the new episode's first observation with reward 0 and both flags false. The step that
 * ended the episode therefore returns the final observation itself (needed to bootstrap on
 * truncation). Gymnasium's same-step mode is available too: the ending step resets at once,
 * returns the new first observation, and puts the final observation and info in
 * `info.finalObservation` / `info.finalInfo` (the on-policy agents use it, so that no step of a
 * rollout is spent on a reset).
 */
import { InvalidArgumentError } from '@bigmodel/core';

import type { Env, Info, ResetOptions } from '../env/env';
import type { Space } from '../spaces/space';
import type { AutoresetMode, VectorEnv, VectorStepResult } from './vector-env';

export type { AutoresetMode, VectorStepResult } from './vector-env';

/**
 * Steps `numEnvs` environments with observations that are float arrays (Box) or integers (Discrete).
 * @example
 * ```ts
 * const envs = new SyncVectorEnv(Array.from({ length: 4 }, () => () => make('CartPole-v1')));
 * const { observations } = envs.reset({ seed: 0 }); // sub-env i seeded with 0 + i
 * envs.step([0, 1, 0, 1]);
 * ```
 * @category Vector
 */
export class SyncVectorEnv<Act = unknown> implements VectorEnv<Act> {
  /** The sub-environments. */
  readonly envs: Env<Float32Array | number, Act>[];
  /** Number of sub-environments. */
  readonly numEnvs: number;
  /** One sub-environment's observation space. */
  readonly singleObservationSpace: Space<Float32Array | number>;
  /** One sub-environment's action space. */
  readonly singleActionSpace: Space<Act>;
  /** Numbers per observation. */
  readonly observationSize: number;
  private readonly autoreset: boolean[];

  constructor(
    envFns: (() => Env<Float32Array | number, Act>)[],
    readonly options: { autoresetMode?: AutoresetMode } = {},
  ) {
    if (envFns.length === 0)
      throw new InvalidArgumentError({ parameter: 'envFns', value: 0, message: 'A vector environment needs at least one environment.' });
    this.envs = envFns.map((fn) => fn());
    this.numEnvs = this.envs.length;
    this.singleObservationSpace = this.envs[0].observationSpace;
    this.singleActionSpace = this.envs[0].actionSpace;
    const space = this.singleObservationSpace as unknown as { size?: number };
    this.observationSize = space.size ?? 1;
    this.autoreset = new Array(this.numEnvs).fill(false);
    const mode = options.autoresetMode ?? 'next-step';
    if (mode !== 'next-step' && mode !== 'same-step')
      throw new InvalidArgumentError({ parameter: 'autoresetMode', value: mode, message: "Expected 'next-step' or 'same-step'." });
    this.sameStep = mode === 'same-step';
  }

  private readonly sameStep: boolean;

  /** Resets every sub-environment, sub-environment i with `seed + i` when a seed is given. */
  reset(options: ResetOptions = {}): { observations: Float32Array; infos: Info[] } {
    const observations = new Float32Array(this.numEnvs * this.observationSize);
    const infos: Info[] = [];
    for (let i = 0; i < this.numEnvs; i++) {
      const { observation, info } = this.envs[i].reset({
        seed: options.seed === undefined ? undefined : options.seed + i,
        options: options.options,
      });
      this.write(observations, i, observation);
      infos.push(info);
      this.autoreset[i] = false;
    }
    return { observations, infos };
  }

  /** Steps every sub-environment with its action (or resets it, if its episode ended on the previous step). */
  step(actions: ArrayLike<Act>): VectorStepResult {
    if (actions.length !== this.numEnvs)
      throw new InvalidArgumentError({
        parameter: 'actions',
        value: actions.length,
        message: `Needs one action per sub-environment (${this.numEnvs}).`,
      });
    const observations = new Float32Array(this.numEnvs * this.observationSize);
    const rewards = new Float64Array(this.numEnvs);
    const terminations = new Uint8Array(this.numEnvs);
    const truncations = new Uint8Array(this.numEnvs);
    const infos: Info[] = [];
    for (let i = 0; i < this.numEnvs; i++) {
      if (this.autoreset[i]) {
        const { observation, info } = this.envs[i].reset();
        this.write(observations, i, observation);
        infos.push(info);
        this.autoreset[i] = false;
        continue;
      }
      const result = this.envs[i].step(actions[i]);
      rewards[i] = result.reward;
      terminations[i] = result.terminated ? 1 : 0;
      truncations[i] = result.truncated ? 1 : 0;
      const ended = result.terminated || result.truncated;
      if (ended && this.sameStep) {
        const { observation, info } = this.envs[i].reset();
        this.write(observations, i, observation);
        infos.push({ ...info, finalObservation: result.observation, finalInfo: result.info });
        continue;
      }
      this.write(observations, i, result.observation);
      infos.push(result.info);
      this.autoreset[i] = ended;
    }
    return { observations, rewards, terminations, truncations, infos };
  }

  /** Closes every sub-environment. */
  close(): void {
    for (const env of this.envs) env.close();
  }

  private write(out: Float32Array, i: number, observation: Float32Array | number): void {
    if (typeof observation === 'number') out[i] = observation;
    else out.set(observation, i * this.observationSize);
  }
}
