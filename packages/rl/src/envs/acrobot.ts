/**
 * Acrobot (Sutton 1996; the dynamics of Sutton & Barto's book), step for step as Gymnasium 1.x
 * `gymnasium/envs/classic_control/acrobot.py`: one classic RK4 step over [0, 0.2] on the state with
 * the torque appended, angles wrapped to [-π, π] and velocities bounded after the step, termination
 * tested on the new state, reward 0 on the terminating step.
 */
import { InvalidArgumentError } from '@bigmodel/core';

import type { ResetOptions, ResetResult, RgbFrame, StepResult } from '../env/env';
import { ResetNeededError } from '../env/errors';
import { Box } from '../spaces/box';
import { Discrete } from '../spaces/discrete';
import { Canvas } from '../utils/canvas';
import { bound, wrap } from '../internal/gymnasium-utils';
import { parseResetBounds } from '../utils/reset-bounds';
import { PhysicalStateEnv, type PhysicalStateEnvOptions } from './physical-state-env';

/**
 * Options of {@link Acrobot}.
 *
 * @category Environments
 */
export interface AcrobotOptions extends PhysicalStateEnvOptions {
  /** `book` (default, Sutton & Barto's dynamics) or `nips` (the NIPS paper's, without one term). */
  bookOrNips?: 'book' | 'nips';
}

const MAX_VEL_1 = 4 * Math.PI;
const MAX_VEL_2 = 9 * Math.PI;

/**
 * Two links, the joint between them actuated; swing the free end above a line one link-length above
 * the base.
 *
 * - Action Space: `Discrete(3)`: torque -1, 0 or +1 on the middle joint.
 * - Observation Space: `Box(6)` float32: cos θ1, sin θ1, cos θ2, sin θ2 in [-1, 1], θ̇1 in [-4π, 4π],
 *   θ̇2 in [-9π, 9π].
 * - Rewards: -1 per step, 0 on the terminating step.
 * - Starting State: θ1, θ2, θ̇1, θ̇2 uniform in [-0.1, 0.1] (reset `options.low` / `options.high`),
 *   rounded to float32.
 * - Episode End: terminated when `-cos θ1 - cos(θ1 + θ2) > 1`; truncated at 500 steps.
 *
 * `state` is `[theta1, theta2, dtheta1, dtheta2]` (float64).
 * @example
 * ```ts
 * const env = new Acrobot();
 * env.reset({ seed: 0 });
 * env.step(2);
 * ```
 * @category Environments
 */
export class Acrobot extends PhysicalStateEnv<number> {
  readonly dt = 0.2;
  readonly linkLength1 = 1.0;
  readonly linkLength2 = 1.0;
  readonly linkMass1 = 1.0;
  readonly linkMass2 = 1.0;
  readonly linkComPos1 = 0.5;
  readonly linkComPos2 = 0.5;
  readonly linkMoi = 1.0;
  readonly availTorque = [-1.0, 0.0, 1.0] as const;
  readonly actionSpace = new Discrete(3);
  readonly observationSpace = new Box({
    low: [-1, -1, -1, -1, -MAX_VEL_1, -MAX_VEL_2],
    high: [1, 1, 1, 1, MAX_VEL_1, MAX_VEL_2],
    dtype: 'float32',
  });
  private readonly book: boolean;
  // RK4 scratch: state with torque, four slopes, the trial point.
  private readonly y = new Float64Array(5);
  private readonly k = [new Float64Array(5), new Float64Array(5), new Float64Array(5), new Float64Array(5)];
  private readonly trial = new Float64Array(5);

  constructor(options: AcrobotOptions = {}) {
    super({ name: 'Acrobot', stateNames: ['theta1', 'theta2', 'dtheta1', 'dtheta2'], observationSize: 6 }, new Float64Array(4), options);
    const mode = options.bookOrNips ?? 'book';
    if (mode !== 'book' && mode !== 'nips')
      throw new InvalidArgumentError({ parameter: 'bookOrNips', value: mode, message: "Expected 'book' or 'nips'." });
    this.book = mode === 'book';
  }

  override reset(options: ResetOptions = {}): ResetResult<Float32Array> {
    super.reset(options);
    const [low, high] = parseResetBounds(options.options, -0.1, 0.1);
    for (let i = 0; i < 4; i++) this.s[i] = Math.fround(this.npRandom.uniform(low, high));
    this.hasState = true;
    return { observation: this.observe(), info: {} };
  }

  step(action: number): StepResult<Float32Array> {
    if (action !== 0 && action !== 1 && action !== 2)
      throw new InvalidArgumentError({ parameter: 'action', value: action, message: 'Acrobot takes 0, 1 or 2 (torque -1, 0, +1).' });
    if (!this.hasState) throw new ResetNeededError('Call reset before using step.');
    const y = this.y;
    y.set(this.s);
    y[4] = this.availTorque[action];
    this.rk4(y, this.dt);
    this.s[0] = wrap(y[0], -Math.PI, Math.PI);
    this.s[1] = wrap(y[1], -Math.PI, Math.PI);
    this.s[2] = bound(y[2], -MAX_VEL_1, MAX_VEL_1);
    this.s[3] = bound(y[3], -MAX_VEL_2, MAX_VEL_2);
    const terminated = -Math.cos(this.s[0]) - Math.cos(this.s[1] + this.s[0]) > 1.0;
    return this.stepResult(this.observe(this.stepObservation()), terminated ? 0.0 : -1.0, terminated);
  }

  /** One classic Runge-Kutta step of length `dt` on `y` in place (Gymnasium's `rk4` over `[0, dt]`). */
  private rk4(y: Float64Array, dt: number): void {
    const [k1, k2, k3, k4] = this.k;
    const trial = this.trial;
    const dt2 = dt / 2.0;
    this.dsdt(y, k1);
    for (let i = 0; i < 5; i++) trial[i] = y[i] + dt2 * k1[i];
    this.dsdt(trial, k2);
    for (let i = 0; i < 5; i++) trial[i] = y[i] + dt2 * k2[i];
    this.dsdt(trial, k3);
    for (let i = 0; i < 5; i++) trial[i] = y[i] + dt * k3[i];
    this.dsdt(trial, k4);
    for (let i = 0; i < 4; i++) y[i] = y[i] + (dt / 6.0) * (k1[i] + 2 * k2[i] + 2 * k3[i] + k4[i]);
  }

  /** The time derivative of `[θ1, θ2, θ̇1, θ̇2, torque]` (Gymnasium's `_dsdt`). */
  private dsdt(s: Float64Array, out: Float64Array): void {
    const m1 = this.linkMass1,
      m2 = this.linkMass2,
      l1 = this.linkLength1;
    const lc1 = this.linkComPos1,
      lc2 = this.linkComPos2,
      I1 = this.linkMoi,
      I2 = this.linkMoi;
    const g = 9.8;
    const a = s[4];
    const theta1 = s[0],
      theta2 = s[1],
      dtheta1 = s[2],
      dtheta2 = s[3];
    const d1 = m1 * lc1 ** 2 + m2 * (l1 ** 2 + lc2 ** 2 + 2 * l1 * lc2 * Math.cos(theta2)) + I1 + I2;
    const d2 = m2 * (lc2 ** 2 + l1 * lc2 * Math.cos(theta2)) + I2;
    const phi2 = m2 * lc2 * g * Math.cos(theta1 + theta2 - Math.PI / 2.0);
    const phi1 =
      -m2 * l1 * lc2 * dtheta2 ** 2 * Math.sin(theta2) -
      2 * m2 * l1 * lc2 * dtheta2 * dtheta1 * Math.sin(theta2) +
      (m1 * lc1 + m2 * l1) * g * Math.cos(theta1 - Math.PI / 2) +
      phi2;
    const ddtheta2 = this.book
      ? (a + (d2 / d1) * phi1 - m2 * l1 * lc2 * dtheta1 ** 2 * Math.sin(theta2) - phi2) / (m2 * lc2 ** 2 + I2 - d2 ** 2 / d1)
      : (a + (d2 / d1) * phi1 - phi2) / (m2 * lc2 ** 2 + I2 - d2 ** 2 / d1);
    const ddtheta1 = -(d2 * ddtheta2 + phi1) / d1;
    out[0] = dtheta1;
    out[1] = dtheta2;
    out[2] = ddtheta1;
    out[3] = ddtheta2;
    out[4] = 0.0;
  }

  private observe(observation: Float32Array = new Float32Array(6)): Float32Array {
    const s = this.s;
    observation[0] = Math.cos(s[0]);
    observation[1] = Math.sin(s[0]);
    observation[2] = Math.cos(s[1]);
    observation[3] = Math.sin(s[1]);
    observation[4] = s[2];
    observation[5] = s[3];
    return observation;
  }

  /** A 500x500 frame: the two links from the pivot and the goal line. */
  render(): RgbFrame {
    const canvas = new Canvas(500, 500);
    const scale = 500 / 4.4;
    const [t1, t2] = this.hasState ? [this.s[0], this.s[1]] : [0, 0];
    const [ox, oy] = [250, 250];
    const p1 = [ox + this.linkLength1 * Math.sin(t1) * scale, oy - this.linkLength1 * Math.cos(t1) * scale];
    const p2 = [p1[0] + this.linkLength2 * Math.sin(t1 + t2) * scale, p1[1] - this.linkLength2 * Math.cos(t1 + t2) * scale];
    canvas.line(ox - 2.2 * scale, oy + scale, ox + 2.2 * scale, oy + scale, 1, [0, 0, 0]);
    canvas.line(ox, oy, p1[0], p1[1], 0.2 * scale, [0, 204, 204]);
    canvas.line(p1[0], p1[1], p2[0], p2[1], 0.2 * scale, [0, 204, 204]);
    canvas.circle(ox, oy, 0.1 * scale, [204, 204, 0]);
    canvas.circle(p1[0], p1[1], 0.1 * scale, [204, 204, 0]);
    return canvas.frame();
  }
}
