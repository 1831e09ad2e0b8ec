import { InvalidArgumentError } from '@bigmodel/core';

import { BaseEnv, type Info, type StepResult } from '../env/env';

/**
 * Options every classic-control environment takes (through `make(id, kwargs)` too).
 *
 * @category Environments
 */
export interface PhysicalStateEnvOptions {
  /**
   * Make `step` allocate nothing (default false): every `step` returns the SAME result object and
   * the SAME observation array (and the same empty `info`), overwritten in place by the next `step`.
   * The values are exactly the default mode's; only their lifetime changes: read or copy what you
   * keep before stepping again (`Float32Array.from(result.observation)`). `reset` still returns a
   * fresh observation. The agents, `SyncVectorEnv` and `evaluate` keep observations across steps, so
   * leave this off for them; it is for tight loops that consume each step at once (benchmarks,
   * rollouts that copy into their own buffers).
   */
  reuseStepResult?: boolean;
}

/**
 * The shape of a classic-control environment, given by the subclass.
 *
 * @category Environments
 */
export interface PhysicalStateLayout {
  /** The name in error messages (`CartPole`). */
  name: string;
  /** The state's components in Gymnasium's order (`['x', 'xDot', 'theta', 'thetaDot']`). */
  stateNames: readonly string[];
  /** The numbers in one observation. */
  observationSize: number;
}

const EMPTY_INFO: Info = Object.freeze({}) as Info;

/**
 * What the classic-control environments share: a physical state held in a typed array in
 * Gymnasium's order and precision (float64, or float32 where Gymnasium keeps float32), readable and
 * writable as `env.unwrapped.state`, so that any trajectory can be replayed against the reference
 * implementation from any state; and the step result, fresh every step or (with
 * {@link PhysicalStateEnvOptions.reuseStepResult}) reused.
 * @example
 * ```ts
 * const env = new CartPole();
 * env.reset({ seed: 0 });
 * env.state = [0, 0, 0.1, 0]; // [x, xDot, theta, thetaDot]
 * env.step(1);
 * ```
 * @category Environments
 */
export abstract class PhysicalStateEnv<Act, S extends Float64Array | Float32Array = Float64Array> extends BaseEnv<Float32Array, Act> {
  /** Whether the state is set (by `reset` or by assigning `state`); `step` requires it. */
  protected hasState = false;
  /** Whether `step` reuses its result object and observation (see {@link PhysicalStateEnvOptions}). */
  readonly reuseStepResult: boolean;
  private readonly reused: StepResult<Float32Array> | null;

  /**
   * @param layout The environment's name, state components and observation size.
   * @param s The state's storage, `layout.stateNames.length` numbers; subclasses step it in place.
   * @param options The shared options (`reuseStepResult`).
   */
  protected constructor(
    private readonly layout: PhysicalStateLayout,
    protected readonly s: S,
    options: PhysicalStateEnvOptions = {},
  ) {
    super();
    this.reuseStepResult = options.reuseStepResult ?? false;
    this.reused = this.reuseStepResult
      ? { observation: new Float32Array(layout.observationSize), reward: 0, terminated: false, truncated: false, info: EMPTY_INFO }
      : null;
  }

  /** The physical state as a plain array in Gymnasium's order (null before the first reset). */
  get state(): number[] | null {
    return this.hasState ? Array.from(this.s) : null;
  }

  /** Sets the physical state (null forgets it, so that `step` needs a `reset` again). */
  set state(value: ArrayLike<number> | null) {
    if (value === null) {
      this.hasState = false;
      return;
    }
    if (value.length !== this.s.length) {
      throw new InvalidArgumentError({
        parameter: 'state',
        value: Array.from(value),
        message: `${this.layout.name} state is [${this.layout.stateNames.join(', ')}].`,
      });
    }
    this.s.set(value);
    this.hasState = true;
  }

  /** The array `step` writes its observation into: the reused one, or a new one. */
  protected stepObservation(): Float32Array {
    return this.reused ? this.reused.observation : new Float32Array(this.layout.observationSize);
  }

  /** The result of a step whose observation came from {@link stepObservation} (classic control never truncates itself). */
  protected stepResult(observation: Float32Array, reward: number, terminated: boolean): StepResult<Float32Array> {
    const result = this.reused;
    if (result === null) return { observation, reward, terminated, truncated: false, info: {} };
    result.reward = reward;
    result.terminated = terminated;
    result.truncated = false;
    result.info = EMPTY_INFO; // a wrapper may have replaced it (RecordEpisodeStatistics adds `episode`)
    return result;
  }
}
