/**
 * The inverted pendulum swing-up, step for step as Gymnasium 1.x
 * `gymnasium/envs/classic_control/pendulum.py`.
 */
import { InvalidArgumentError } from '@bigmodel/core';

import type { ResetOptions, ResetResult, RgbFrame, StepResult } from '../env/env';
import { ResetNeededError } from '../env/errors';
import { Box } from '../spaces/box';
import { Canvas } from '../utils/canvas';
import { readNumber } from '../utils/reset-bounds';
import { angleNormalize } from '../internal/gymnasium-utils';
import { PhysicalStateEnv, type PhysicalStateEnvOptions } from './physical-state-env';

/**
 * Options of {@link Pendulum}.
 *
 * @category Environments
 */
export interface PendulumOptions extends PhysicalStateEnvOptions {
  /** Gravity (default 10). */
  g?: number;
}

/**
 * Swing a pendulum up and keep it upright with a limited torque.
 *
 * - Action Space: `Box(-2, 2, (1,))` float32: the torque (clipped to [-2, 2]).
 * - Observation Space: `Box(3)` float32: cos θ, sin θ in [-1, 1], angular velocity in [-8, 8].
 * - Rewards: `-(θ² + 0.1 θ̇² + 0.001 u²)` with θ normalized to [-π, π), on the state before the step.
 * - Starting State: θ uniform in [-π, π], θ̇ uniform in [-1, 1] (reset `options.x_init` / `options.y_init`).
 * - Episode End: never terminates; truncated at 200 steps.
 *
 * `state` is `[theta, thetaDot]` (float64).
 * @example
 * ```ts
 * const env = new Pendulum();
 * env.reset({ seed: 0 });
 * env.step(Float32Array.of(0.5));
 * ```
 * @category Environments
 */
export class Pendulum extends PhysicalStateEnv<ArrayLike<number>> {
  readonly maxSpeed = 8;
  readonly maxTorque = 2.0;
  readonly dt = 0.05;
  readonly g: number;
  readonly m = 1.0;
  readonly l = 1.0;
  readonly actionSpace = new Box({ low: -2, high: 2, shape: [1], dtype: 'float32' });
  readonly observationSpace = new Box({ low: [-1, -1, -8], high: [1, 1, 8], dtype: 'float32' });
  /** The last torque applied (for rendering), null after reset. */
  lastU: number | null = null;

  constructor(options: PendulumOptions = {}) {
    super({ name: 'Pendulum', stateNames: ['theta', 'thetaDot'], observationSize: 3 }, new Float64Array(2), options);
    this.g = options.g ?? 10.0;
  }

  override reset(options: ResetOptions = {}): ResetResult<Float32Array> {
    super.reset(options);
    const x = readNumber(options.options, 'x_init', Math.PI);
    const y = readNumber(options.options, 'y_init', 1.0);
    this.s[0] = this.npRandom.uniform(-x, x);
    this.s[1] = this.npRandom.uniform(-y, y);
    this.hasState = true;
    this.lastU = null;
    return { observation: this.observe(), info: {} };
  }

  step(action: ArrayLike<number>): StepResult<Float32Array> {
    const a = action?.[0];
    if (action == null || action.length !== 1 || typeof a !== 'number' || Number.isNaN(a)) {
      throw new InvalidArgumentError({
        parameter: 'action',
        value: action,
        message: 'Pendulum takes one number (the torque, clipped to [-2, 2]).',
      });
    }
    if (!this.hasState) throw new ResetNeededError('Call reset before using step.');
    const th = this.s[0],
      thDot = this.s[1];
    // The torque is clipped in the action's float32, as numpy clips a float32 array.
    const u = Math.fround(Math.min(Math.max(a, -this.maxTorque), this.maxTorque));
    this.lastU = u;
    const an = angleNormalize(th);
    const costs = an * an + 0.1 * thDot * thDot + 0.001 * (u * u);
    let newThDot = thDot + (((3 * this.g) / (2 * this.l)) * Math.sin(th) + (3.0 / (this.m * this.l * this.l)) * u) * this.dt;
    newThDot = Math.min(Math.max(newThDot, -this.maxSpeed), this.maxSpeed);
    this.s[0] = th + newThDot * this.dt;
    this.s[1] = newThDot;
    return this.stepResult(this.observe(this.stepObservation()), -costs, false);
  }

  private observe(observation: Float32Array = new Float32Array(3)): Float32Array {
    observation[0] = Math.cos(this.s[0]);
    observation[1] = Math.sin(this.s[0]);
    observation[2] = this.s[1];
    return observation;
  }

  /** A 500x500 frame: the rod from the pivot, θ = 0 pointing up. */
  render(): RgbFrame {
    const canvas = new Canvas(500, 500);
    const th = this.hasState ? this.s[0] : 0;
    const scale = 500 / 4.4;
    const [cx, cy] = [250, 250];
    canvas.line(cx, cy, cx - Math.sin(th) * scale, cy + Math.cos(th) * scale, 0.2 * scale, [204, 77, 77]);
    canvas.circle(cx, cy, 0.05 * scale, [0, 0, 0]);
    return canvas.frame();
  }
}
