/**
 * CartPole (Barto, Sutton & Anderson 1983), step for step as Gymnasium 1.x
 * `gymnasium/envs/classic_control/cartpole.py`, against whose equations cart-pole.spec.ts checks it.
 */
import { InvalidArgumentError } from '@bigmodel/core';

import type { ResetOptions, ResetResult, RgbFrame, StepResult } from '../env/env';
import { ResetNeededError } from '../env/errors';
import { rlLogger } from '../env/logger';
import { Box } from '../spaces/box';
import { Discrete } from '../spaces/discrete';
import { Canvas } from '../utils/canvas';
import { parseResetBounds } from '../utils/reset-bounds';
import { PhysicalStateEnv, type PhysicalStateEnvOptions } from './physical-state-env';

/**
 * Options of {@link CartPole} (Gymnasium's keyword arguments).
 *
 * @category Environments
 */
export interface CartPoleOptions extends PhysicalStateEnvOptions {
  /** Reward 0 per step and -1 on termination, as in Sutton & Barto's book (default false: +1 per step). */
  suttonBartoReward?: boolean;
  /** `euler` (default, position updated with the old velocity) or `semi-implicit-euler`. */
  kinematicsIntegrator?: 'euler' | 'semi-implicit-euler';
}

const F32_MAX = 3.4028234663852886e38;

/**
 * A pole hinged on a cart that moves along a frictionless track; push the cart left or right to keep
 * the pole upright.
 *
 * - Action Space: `Discrete(2)`: 0 pushes the cart left, 1 right, with a force of 10 N.
 * - Observation Space: `Box(4)` float32: cart position [-4.8, 4.8], cart velocity, pole angle
 *   [-0.419, 0.419] rad, pole angular velocity.
 * - Rewards: +1 for every step, the terminating one included (with `suttonBartoReward`: 0, and -1 on
 *   termination).
 * - Starting State: every state value uniform in [-0.05, 0.05] (reset `options.low` / `options.high`
 *   change the bounds).
 * - Episode End: terminated when the pole angle leaves ±12° or the cart position leaves ±2.4;
 *   truncated by the registry's time limit (500 steps for v1, 200 for v0).
 *
 * `state` is `[x, xDot, theta, thetaDot]` in float64, readable and writable.
 * @example
 * ```ts
 * const env = new CartPole();
 * let { observation } = env.reset({ seed: 0 });
 * const { reward, terminated } = env.step(1);
 * ```
 * @category Environments
 */
export class CartPole extends PhysicalStateEnv<number> {
  readonly gravity = 9.8;
  readonly massCart = 1.0;
  readonly massPole = 0.1;
  readonly totalMass = 1.1;
  /** Half the pole's length. */
  readonly length = 0.5;
  readonly poleMassLength = 0.05;
  readonly forceMag = 10.0;
  /** Seconds between state updates. */
  readonly tau = 0.02;
  readonly thetaThresholdRadians = (12 * 2 * Math.PI) / 360;
  readonly xThreshold = 2.4;
  readonly actionSpace = new Discrete(2);
  readonly observationSpace = new Box({
    low: [-4.8, -F32_MAX, -((12 * 2 * Math.PI) / 360) * 2, -F32_MAX],
    high: [4.8, F32_MAX, ((12 * 2 * Math.PI) / 360) * 2, F32_MAX],
    dtype: 'float32',
  });
  private readonly suttonBartoReward: boolean;
  private readonly semiImplicit: boolean;
  private stepsBeyondTerminated: number | null = null;

  constructor(options: CartPoleOptions = {}) {
    super({ name: 'CartPole', stateNames: ['x', 'xDot', 'theta', 'thetaDot'], observationSize: 4 }, new Float64Array(4), options);
    this.suttonBartoReward = options.suttonBartoReward ?? false;
    const integrator = options.kinematicsIntegrator ?? 'euler';
    if (integrator !== 'euler' && integrator !== 'semi-implicit-euler') {
      throw new InvalidArgumentError({
        parameter: 'kinematicsIntegrator',
        value: integrator,
        message: "Expected 'euler' or 'semi-implicit-euler'.",
      });
    }
    this.semiImplicit = integrator !== 'euler';
  }

  override reset(options: ResetOptions = {}): ResetResult<Float32Array> {
    super.reset(options);
    const [low, high] = parseResetBounds(options.options, -0.05, 0.05);
    for (let i = 0; i < 4; i++) this.s[i] = this.npRandom.uniform(low, high);
    this.hasState = true;
    this.stepsBeyondTerminated = null;
    return { observation: Float32Array.from(this.s), info: {} };
  }

  step(action: number): StepResult<Float32Array> {
    if (action !== 0 && action !== 1)
      throw new InvalidArgumentError({ parameter: 'action', value: action, message: 'CartPole takes 0 (push left) or 1 (push right).' });
    if (!this.hasState) throw new ResetNeededError('Call reset before using step.');
    const s = this.s;
    const x = s[0],
      xDot = s[1],
      theta = s[2],
      thetaDot = s[3];
    const force = action === 1 ? this.forceMag : -this.forceMag;
    const cosTheta = Math.cos(theta);
    const sinTheta = Math.sin(theta);
    const temp = (force + this.poleMassLength * thetaDot * thetaDot * sinTheta) / this.totalMass;
    const thetaAcc =
      (this.gravity * sinTheta - cosTheta * temp) / (this.length * (4.0 / 3.0 - (this.massPole * cosTheta * cosTheta) / this.totalMass));
    const xAcc = temp - (this.poleMassLength * thetaAcc * cosTheta) / this.totalMass;
    if (this.semiImplicit) {
      s[1] = xDot + this.tau * xAcc;
      s[0] = x + this.tau * s[1];
      s[3] = thetaDot + this.tau * thetaAcc;
      s[2] = theta + this.tau * s[3];
    } else {
      s[0] = x + this.tau * xDot;
      s[1] = xDot + this.tau * xAcc;
      s[2] = theta + this.tau * thetaDot;
      s[3] = thetaDot + this.tau * thetaAcc;
    }
    const terminated =
      s[0] < -this.xThreshold || s[0] > this.xThreshold || s[2] < -this.thetaThresholdRadians || s[2] > this.thetaThresholdRadians;
    let reward: number;
    if (!terminated) {
      reward = this.suttonBartoReward ? 0 : 1;
    } else if (this.stepsBeyondTerminated === null) {
      this.stepsBeyondTerminated = 0;
      reward = this.suttonBartoReward ? -1 : 1;
    } else {
      if (this.stepsBeyondTerminated === 0) {
        rlLogger().warn(
          "You are calling 'step()' even though this environment has already returned terminated = true. " +
            "You should always call 'reset()' once you receive 'terminated = true'; any further steps are undefined behavior.",
        );
      }
      this.stepsBeyondTerminated += 1;
      reward = this.suttonBartoReward ? -1 : 0;
    }
    const observation = this.stepObservation();
    observation[0] = s[0];
    observation[1] = s[1];
    observation[2] = s[2];
    observation[3] = s[3];
    return this.stepResult(observation, reward, terminated);
  }

  /** A 600x400 frame: track, cart and pole, as Gymnasium's rgb_array rendering lays them out. */
  render(): RgbFrame {
    const canvas = new Canvas(600, 400);
    const scale = 600 / (this.xThreshold * 2);
    const poleWidth = 10,
      poleLen = scale * (2 * this.length),
      cartWidth = 50,
      cartHeight = 30,
      cartY = 100;
    const [x, , theta] = this.hasState ? this.s : [0, 0, 0];
    const cartX = x * scale + 300;
    canvas.line(0, cartY, 600, cartY, 1, [0, 0, 0]);
    canvas.rect(cartX - cartWidth / 2, cartY - cartHeight / 2 + 15 - 15, cartWidth, cartHeight, [0, 0, 0]);
    const axleY = cartY + cartHeight / 4;
    const tipX = cartX + Math.sin(theta) * (poleLen - poleWidth / 2);
    const tipY = axleY + Math.cos(theta) * (poleLen - poleWidth / 2);
    canvas.line(cartX, axleY, tipX, tipY, poleWidth, [202, 152, 101]);
    canvas.circle(cartX, axleY, poleWidth / 2, [129, 132, 203]);
    return canvas.frame();
  }
}
