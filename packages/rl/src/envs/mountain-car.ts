/**
 * MountainCar (Moore 1990), step for step as Gymnasium 1.x
 * `gymnasium/envs/classic_control/mountain_car.py`.
 */
import { InvalidArgumentError } from '@bigmodel/core';

import type { ResetOptions, ResetResult, RgbFrame, StepResult } from '../env/env';
import { ResetNeededError } from '../env/errors';
import { Box } from '../spaces/box';
import { Discrete } from '../spaces/discrete';
import { Canvas } from '../utils/canvas';
import { parseResetBounds } from '../utils/reset-bounds';
import { PhysicalStateEnv, type PhysicalStateEnvOptions } from './physical-state-env';

/**
 * Options of {@link MountainCar}.
 *
 * @category Environments
 */
export interface MountainCarOptions extends PhysicalStateEnvOptions {
  /** Velocity the car must have at the goal (default 0). */
  goalVelocity?: number;
}

/**
 * An underpowered car in a valley must rock back and forth to reach the flag on the right hill.
 *
 * - Action Space: `Discrete(3)`: 0 accelerate left, 1 do nothing, 2 accelerate right.
 * - Observation Space: `Box(2)` float32: position [-1.2, 0.6], velocity [-0.07, 0.07].
 * - Rewards: -1 per step.
 * - Starting State: position uniform in [-0.6, -0.4] (reset `options.low` / `options.high`), velocity 0.
 * - Episode End: terminated when position >= 0.5 with velocity >= goalVelocity; truncated at 200 steps.
 *
 * `state` is `[position, velocity]` (float64).
 * @example
 * ```ts
 * const env = new MountainCar();
 * env.reset({ seed: 0 });
 * env.step(2);
 * ```
 * @category Environments
 */
export class MountainCar extends PhysicalStateEnv<number> {
  readonly minPosition = -1.2;
  readonly maxPosition = 0.6;
  readonly maxSpeed = 0.07;
  readonly goalPosition = 0.5;
  readonly goalVelocity: number;
  readonly force = 0.001;
  readonly gravity = 0.0025;
  readonly actionSpace = new Discrete(3);
  readonly observationSpace = new Box({ low: [-1.2, -0.07], high: [0.6, 0.07], dtype: 'float32' });

  constructor(options: MountainCarOptions = {}) {
    super({ name: 'MountainCar', stateNames: ['position', 'velocity'], observationSize: 2 }, new Float64Array(2), options);
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

  step(action: number): StepResult<Float32Array> {
    if (action !== 0 && action !== 1 && action !== 2)
      throw new InvalidArgumentError({ parameter: 'action', value: action, message: 'MountainCar takes 0 (left), 1 (none) or 2 (right).' });
    if (!this.hasState) throw new ResetNeededError('Call reset before using step.');
    let position = this.s[0];
    let velocity = this.s[1];
    velocity += (action - 1) * this.force + Math.cos(3 * position) * -this.gravity;
    velocity = Math.min(Math.max(velocity, -this.maxSpeed), this.maxSpeed);
    position += velocity;
    position = Math.min(Math.max(position, this.minPosition), this.maxPosition);
    if (position === this.minPosition && velocity < 0) velocity = 0;
    const terminated = position >= this.goalPosition && velocity >= this.goalVelocity;
    this.s[0] = position;
    this.s[1] = velocity;
    const observation = this.stepObservation();
    observation[0] = position;
    observation[1] = velocity;
    return this.stepResult(observation, -1.0, terminated);
  }

  /** A 600x400 frame: the hill `sin(3x)`, the flag and the car. */
  render(): RgbFrame {
    return renderMountain(this.hasState ? this.s[0] : -0.5, this.goalPosition);
  }
}

/**
 * Draws the valley `y = 0.45 sin(3x) + 0.55`, the goal flag and the car at `position`.
 *
 * @category Environments
 */
export function renderMountain(position: number, goalPosition: number): RgbFrame {
  const canvas = new Canvas(600, 400);
  const scale = 600 / 1.8;
  const height = (x: number) => Math.sin(3 * x) * 0.45 + 0.55;
  for (let i = 0; i < 100; i++) {
    const x0 = -1.2 + (1.8 * i) / 100,
      x1 = -1.2 + (1.8 * (i + 1)) / 100;
    canvas.line((x0 + 1.2) * scale, height(x0) * scale, (x1 + 1.2) * scale, height(x1) * scale, 2, [0, 0, 0]);
  }
  const flagX = (goalPosition + 1.2) * scale,
    flagY = height(goalPosition) * scale;
  canvas.line(flagX, flagY, flagX, flagY + 50, 2, [0, 0, 0]);
  canvas.polygon(
    [
      [flagX, flagY + 50],
      [flagX, flagY + 40],
      [flagX + 25, flagY + 45],
    ],
    [204, 204, 0],
  );
  const angle = Math.cos(3 * position);
  const cx = (position + 1.2) * scale,
    cy = height(position) * scale + 10;
  const [c, s] = [Math.cos(angle), Math.sin(angle)];
  const corners: [number, number][] = [
    [-20, 0],
    [20, 0],
    [20, 20],
    [-20, 20],
  ].map(([x, y]) => [cx + x * c - y * s, cy + x * s + y * c]);
  canvas.polygon(corners, [0, 0, 0]);
  return canvas.frame();
}
