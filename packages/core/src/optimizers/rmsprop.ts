/**
 * RMSprop (Hinton 2012) with centering, momentum and coupled weight decay, step for step as
 * torch.optim.RMSprop (PyTorch 1.13), against which it is tested.
 */
import * as tf from '@tensorflow/tfjs';

import { BigModelOptimizer, checkBaseConfig, checkRange, type OptimizerBaseConfig } from './bigmodel-optimizer';

/**
 * Configuration of {@link Rmsprop}.
 *
 * @category Optimizers
 */
export interface RmspropConfig extends OptimizerBaseConfig {
  /** Decay of the squared-gradient average (PyTorch's alpha), in [0, 1) (default 0.99). */
  rho?: number;
  /** Added to the denominator (default 1e-8). */
  epsilon?: number;
  /** Momentum factor (default 0). */
  momentum?: number;
  /** Divide by the estimated variance instead of the second moment (default false). */
  centered?: boolean;
  /** L2 penalty added to the gradient (default 0). */
  weightDecay?: number;
}

/**
 * Fills RMSprop's defaults and validates; throws InvalidArgumentError naming the option.
 *
 * @category Optimizers
 */
export function resolveRmspropConfig(config: RmspropConfig) {
  checkBaseConfig(config);
  const resolved = { rho: 0.99, epsilon: 1e-8, momentum: 0, centered: false, weightDecay: 0, ...config };
  checkRange('rho', resolved.rho, 0, 1 - Number.EPSILON);
  checkRange('epsilon', resolved.epsilon, 0, Infinity, true);
  checkRange('momentum', resolved.momentum, 0, 1);
  checkRange('weightDecay', resolved.weightDecay, 0, Infinity);
  return resolved;
}

/**
 * RMSprop as in PyTorch: `s = rho*s + (1-rho)*g^2`, centered: `a = rho*a + (1-rho)*g` and
 * `d = sqrt(s - a^2) + eps` (else `sqrt(s) + eps`); with momentum `b = mu*b + g/d; w -= lr*b`,
 * else `w -= lr*g/d`.
 *
 * @example
 * ```ts
 * const optimizer = new Rmsprop({ lr: 1e-3, centered: true, momentum: 0.9 });
 * ```
 * @category Optimizers
 */
export class Rmsprop extends BigModelOptimizer {
  /** @internal */
  static className = 'BigModelRMSprop';
  protected readonly slotNames = ['squareAverage', 'gradientAverage', 'momentum'] as const;
  private readonly config: ReturnType<typeof resolveRmspropConfig>;

  constructor(config: RmspropConfig) {
    const resolved = resolveRmspropConfig(config);
    super(resolved);
    this.config = resolved;
  }

  protected update(w: tf.Tensor, g: tf.Tensor, [square, average, buf]: tf.Tensor[], lr: number) {
    const { rho, epsilon, momentum, centered, weightDecay } = this.config;
    const gradient = weightDecay !== 0 ? tf.add(g, tf.mul(w, weightDecay)) : g;
    const nextSquare = tf.add(tf.mul(square, rho), tf.mul(tf.mul(gradient, gradient), 1 - rho));
    const nextAverage = centered ? tf.add(tf.mul(average, rho), tf.mul(gradient, 1 - rho)) : average;
    const variance = centered ? tf.sub(nextSquare, tf.mul(nextAverage, nextAverage)) : nextSquare;
    const denominator = tf.add(tf.sqrt(variance), epsilon);
    if (momentum > 0) {
      const nextBuf = tf.add(tf.mul(buf, momentum), tf.div(gradient, denominator));
      return { variable: tf.sub(w, tf.mul(nextBuf, lr)), slots: [nextSquare, nextAverage, nextBuf] };
    }
    return { variable: tf.sub(w, tf.mul(tf.div(gradient, denominator), lr)), slots: [nextSquare, nextAverage, buf] };
  }

  override getConfig(): tf.serialization.ConfigDict {
    const { rho, epsilon, momentum, centered, weightDecay } = this.config;
    return { ...this.baseConfig(), rho, epsilon, momentum, centered, weightDecay } as tf.serialization.ConfigDict;
  }
}
tf.serialization.registerClass(Rmsprop);
