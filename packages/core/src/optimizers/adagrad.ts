/**
 * Adagrad (Duchi et al. 2011) with learning-rate decay, initial accumulator and coupled weight
 * decay, step for step as torch.optim.Adagrad (PyTorch 1.13), against which it is tested.
 */
import * as tf from '@tensorflow/tfjs';

import { BigModelOptimizer, checkBaseConfig, checkRange, type OptimizerBaseConfig } from './bigmodel-optimizer';

/**
 * Configuration of {@link Adagrad}.
 *
 * @category Optimizers
 */
export interface AdagradConfig extends OptimizerBaseConfig {
  /** The rate at step t is `lr / (1 + (t - 1) * lrDecay)` (default 0). */
  lrDecay?: number;
  /** Starting value of the squared-gradient sum (default 0). */
  initialAccumulatorValue?: number;
  /** Added to the denominator (default 1e-10, as in PyTorch). */
  epsilon?: number;
  /** L2 penalty added to the gradient (default 0). */
  weightDecay?: number;
}

/**
 * Fills Adagrad's defaults and validates; throws InvalidArgumentError naming the option.
 *
 * @category Optimizers
 */
export function resolveAdagradConfig(config: AdagradConfig) {
  checkBaseConfig(config);
  const resolved = { lrDecay: 0, initialAccumulatorValue: 0, epsilon: 1e-10, weightDecay: 0, ...config };
  checkRange('lrDecay', resolved.lrDecay, 0, Infinity);
  checkRange('initialAccumulatorValue', resolved.initialAccumulatorValue, 0, Infinity);
  checkRange('epsilon', resolved.epsilon, 0, Infinity, true);
  checkRange('weightDecay', resolved.weightDecay, 0, Infinity);
  return resolved;
}

/**
 * Adagrad as in PyTorch: `s += g^2; w -= lr/(1 + (t-1)*lrDecay) * g / (sqrt(s) + eps)`.
 *
 * @example
 * ```ts
 * const optimizer = new Adagrad({ lr: 0.1, initialAccumulatorValue: 0.1 });
 * ```
 * @category Optimizers
 */
export class Adagrad extends BigModelOptimizer {
  /** @internal */
  static className = 'BigModelAdagrad';
  protected readonly slotNames = ['sum'] as const;
  private readonly config: ReturnType<typeof resolveAdagradConfig>;

  constructor(config: AdagradConfig) {
    const resolved = resolveAdagradConfig(config);
    super(resolved);
    this.config = resolved;
  }

  protected override initialSlot(_name: string, variable: tf.Variable): tf.Tensor {
    return tf.fill(variable.shape, this.config.initialAccumulatorValue);
  }

  protected update(w: tf.Tensor, g: tf.Tensor, [sum]: tf.Tensor[], lr: number, step: number) {
    const { lrDecay, epsilon, weightDecay } = this.config;
    const gradient = weightDecay !== 0 ? tf.add(g, tf.mul(w, weightDecay)) : g;
    const rate = lr / (1 + (step - 1) * lrDecay);
    const nextSum = tf.add(sum, tf.mul(gradient, gradient));
    const denominator = tf.add(tf.sqrt(nextSum), epsilon);
    return { variable: tf.sub(w, tf.mul(tf.div(gradient, denominator), rate)), slots: [nextSum] };
  }

  override getConfig(): tf.serialization.ConfigDict {
    const { lrDecay, initialAccumulatorValue, epsilon, weightDecay } = this.config;
    return { ...this.baseConfig(), lrDecay, initialAccumulatorValue, epsilon, weightDecay } as tf.serialization.ConfigDict;
  }
}
tf.serialization.registerClass(Adagrad);
