/**
 * MountainCarContinuous, step for step as Gymnasium 1.x
 * `gymnasium/envs/classic_control/continuous_mountain_car.py`: the state is stored as float32 after
 * each step, termination is tested on the float64 values before that rounding, and the action cost
 * uses the action as given (unclipped).
 */
import { InvalidArgumentError } from '@bigmodel/core';

import type { ResetOptions, ResetResult, RgbFrame, StepResult } from '../env/env';
import { ResetNeededError } from '../env/errors';
import { Box } from '../spaces/box';
import { parseResetBounds } from '../utils/reset-bounds';
import { renderMountain } from './mountain-car';
import { PhysicalStateEnv, type PhysicalStateEnvOptions } from './physical-state-env';

/**
 * Options of {@link ContinuousMountainCar}.
 *
 * @category Environments
 */
export interface ContinuousMountainCarOptions extends PhysicalStateEnvOptions {
  /** Velocity the car must have at the goal (default 0). */
  goalVelocity?: number;
}

/**
 * MountainCar with a continuous force.
 *
 * - Action Space: `Box(-1, 1, (1,))` float32: the force, clipped to [-1, 1] and scaled by 0.0015.
 * - Observation Space: `Box(2)` float32: position [-1.2, 0.6], velocity [-0.07, 0.07].
 * - Rewards: -0.1 * action² per step, +100 on reaching the goal.
 * - Starting State: position uniform in [-0.6, -0.4] (reset `options.low` / `options.high`), velocity 0.
 * - Episode End: terminated when position >= 0.45 with velocity >= goalVelocity; truncated at 999 steps.
 *
 * `state` is `[position, velocity]`, float32 values.
 * @example
 * ```ts
 * const env = new ContinuousMountainCar();
 * env.reset({ seed: 0 });
 * env.step(Float32Array.of(1));
 * ```
 * @category Environments
 */
export class ContinuousMountainCar extends PhysicalStateEnv<ArrayLike<number>, Float32Array> {
  readonly minAction = -1.0;
  readonly maxAction = 1.0;
  readonly minPosition = -1.2;
  readonly maxPosition = 0.6;
  readonly maxSpeed = 0.07;
  readonly goalPosition = 0.45;
  readonly goalVelocity: number;
  readonly power = 0.0015;
  readonly actionSpace = new Box({ low: -1, high: 1, shape: [1], dtype: 'float32' });
  readonly observationSpace = new Box({ low: [-1.2, -0.07], high: [0.6, 0.07], dtype: 'float32' });

  constructor(options: ContinuousMountainCarOptions = {}) {
    super({ name: 'MountainCarContinuous', stateNames: ['position', 'velocity'], observationSize: 2 }, new Float32Array(2), options);
    this.goalVelocity = options.goalVelocity ?? 0;
  }

  override reset(options: ResetOptions = {}): ResetResult<Float32Array> {
    super.reset(options);
    const [low, high] = parseResetBounds(options.options, -0.6, -0.4);
    this.s[0] = this.npRandom.uniform(low, high);
    this.s[1] = 0;
    this.hasState = true;
    return { observation: Float32Array.from(this.s), info: {} };
  }

  step(action: ArrayLike<number>): StepResult<Float32Array> {
    const a = action?.[0];
    if (action == null || action.length !== 1 || typeof a !== 'number' || Number.isNaN(a)) {
      throw new InvalidArgumentError({
        parameter: 'action',
        value: action,
        message: 'MountainCarContinuous takes one number (the force, clipped to [-1, 1]).',
      });
    }
    if (!this.hasState) throw new ResetNeededError('Call reset before using step.');
    let position = this.s[0];
    let velocity = this.s[1];
    const force = Math.min(Math.max(a, this.minAction), this.maxAction);
    velocity += force * this.power - 0.0025 * Math.cos(3 * position);
    if (velocity > this.maxSpeed) velocity = this.maxSpeed;
    if (velocity < -this.maxSpeed) velocity = -this.maxSpeed;
    position += velocity;
    if (position > this.maxPosition) position = this.maxPosition;
    if (position < this.minPosition) position = this.minPosition;
    if (position === this.minPosition && velocity < 0) velocity = 0;
    const terminated = position >= this.goalPosition && velocity >= this.goalVelocity;
    let reward = terminated ? 100.0 : 0;
    reward -= a * a * 0.1;
    // Gymnasium stores the new state as a float32 array (and returns a copy).
    this.s[0] = position;
    this.s[1] = velocity;
    const observation = this.stepObservation();
    observation.set(this.s);
    return this.stepResult(observation, reward, terminated);
  }

  /** A 600x400 frame: the hill, the flag and the car. */
  render(): RgbFrame {
    return renderMountain(this.hasState ? this.s[0] : -0.5, this.goalPosition);
  }
}
