/**
 * The environment interface (Gymnasium's `Env`), in TypeScript: `reset` starts an episode,
 * `step` advances it, and wrappers change one aspect while passing the rest through.
 */
import type { RgbImage } from '@bigmodel/core';

import type { Space } from '../spaces/space';
import { Rng } from '../utils/rng';
import type { EnvSpec } from './env-spec';

/**
 * Extra information an environment returns with a reset or a step.
 *
 * @category Environments
 */
export type Info = Record<string, unknown>;

/**
 * Arguments of {@link Env.reset}.
 *
 * @category Environments
 */
export interface ResetOptions {
  /** Reseeds the environment's generator; left out, the episode continues the generator's sequence. */
  seed?: number;
  /** Environment-specific options (e.g. `{ low, high }` for the start distribution of classic control). */
  options?: Record<string, unknown>;
}

/**
 * What {@link Env.reset} returns.
 *
 * @category Environments
 */
export interface ResetResult<Obs> {
  /** The first observation of the episode. */
  observation: Obs;
  /** Extra information. */
  info: Info;
}

/**
 * What {@link Env.step} returns; each call returns a new object that wrappers may amend.
 *
 * @category Environments
 */
export interface StepResult<Obs> {
  /** The observation after the step. */
  observation: Obs;
  /** The reward of the step. */
  reward: number;
  /** Whether the episode reached a terminal state of the MDP (no bootstrapping past it). */
  terminated: boolean;
  /** Whether the episode was cut short (a time limit); the value of `observation` still counts. */
  truncated: boolean;
  /** Extra information. */
  info: Info;
}

/**
 * An RGB frame: `height x width` pixels, 3 bytes each, row-major (core's `RgbImage`).
 *
 * @category Environments
 */
export type RgbFrame = RgbImage & { channels: 3 };

/**
 * An environment (Gymnasium's `Env`).
 * @typeParam Obs - the observation type
 * @typeParam Act - the action type
 * @category Environments
 */
export interface Env<Obs = unknown, Act = unknown> {
  /** The actions `step` accepts. */
  readonly actionSpace: Space<Act>;
  /** The observations `reset` and `step` return. */
  readonly observationSpace: Space<Obs>;
  /** The registry entry this environment was made from, when made by {@link make}. */
  spec?: EnvSpec;
  /** The innermost environment, below every wrapper. */
  readonly unwrapped: Env;
  /** Starts an episode. */
  reset(options?: ResetOptions): ResetResult<Obs>;
  /** Advances the episode by one action. */
  step(action: Act): StepResult<Obs>;
  /** Draws the current state as an RGB frame (no canvas needed). */
  render(): RgbFrame;
  /** Releases resources. */
  close(): void;
}

/**
 * A convenient base for environments: it owns the generator `npRandom` (reseeded by `reset({seed})`,
 * as Gymnasium's `Env.reset` does) and is its own `unwrapped`. Subclasses call `super.reset(options)`
 * first in their `reset`.
 * @category Environments
 */
export abstract class BaseEnv<Obs, Act> implements Env<Obs, Act> {
  abstract readonly actionSpace: Space<Act>;
  abstract readonly observationSpace: Space<Obs>;
  spec?: EnvSpec;
  /** The environment's generator (seeded on the first reset with a seed, else from OS entropy). */
  npRandom: Rng = new Rng();

  get unwrapped(): Env {
    return this as Env;
  }

  reset(options: ResetOptions = {}): ResetResult<Obs> {
    if (options.seed !== undefined) this.npRandom = new Rng(options.seed);
    return undefined as unknown as ResetResult<Obs>;
  }

  abstract step(action: Act): StepResult<Obs>;
  abstract render(): RgbFrame;

  close(): void {}
}

/**
 * A wrapper passes everything through to the environment it wraps; subclasses override what they
 * change (Gymnasium's `Wrapper`).
 * @category Wrappers
 */
export class Wrapper<Obs, Act, InnerObs = Obs, InnerAct = Act> implements Env<Obs, Act> {
  constructor(readonly env: Env<InnerObs, InnerAct>) {}

  get actionSpace(): Space<Act> {
    return this.env.actionSpace as unknown as Space<Act>;
  }

  get observationSpace(): Space<Obs> {
    return this.env.observationSpace as unknown as Space<Obs>;
  }

  get spec(): EnvSpec | undefined {
    return this.env.spec;
  }

  set spec(spec: EnvSpec | undefined) {
    this.env.spec = spec;
  }

  get unwrapped(): Env {
    return this.env.unwrapped;
  }

  reset(options?: ResetOptions): ResetResult<Obs> {
    return this.env.reset(options) as unknown as ResetResult<Obs>;
  }

  step(action: Act): StepResult<Obs> {
    return this.env.step(action as unknown as InnerAct) as unknown as StepResult<Obs>;
  }

  render(): RgbFrame {
    return this.env.render();
  }

  close(): void {
    this.env.close();
  }
}
