/**
 * A one-step continuous bandit for the off-policy agents' learning tests: observation [1], action a
 * in [-2, 2], reward -(a - 0.6)^2, and the episode terminates. The best action is 0.6 (return 0); a
 * uniformly random one returns -(4/3 + 0.36) = -1.69 on average, the bounds -6.76 and -1.96.
 */
import { BaseEnv, type RgbFrame, type StepResult } from '../env/env';
import { Box } from '../spaces/box';
import { Canvas } from '../utils/canvas';

export class ContinuousBandit extends BaseEnv<Float32Array, Float32Array> {
  readonly actionSpace = new Box({ low: -2, high: 2, shape: [1] });
  readonly observationSpace = new Box({ low: 0, high: 1, shape: [1] });
  override reset(options = {}) {
    super.reset(options);
    return { observation: Float32Array.of(1), info: {} };
  }
  step(action: Float32Array): StepResult<Float32Array> {
    return { observation: Float32Array.of(1), reward: -((action[0] - 0.6) ** 2), terminated: true, truncated: false, info: {} };
  }
  render(): RgbFrame {
    return new Canvas(1, 1).frame();
  }
}
