/**
 * Stochastic gradient descent with momentum, Nesterov momentum, dampening and (coupled, L2-style)
 * weight decay, step for step as torch.optim.SGD (PyTorch 1.13), against which it is tested.
 */
import * as tf from '@tensorflow/tfjs';

import { InvalidArgumentError } from '../errors';
import { BigModelOptimizer, checkBaseConfig, checkRange, type OptimizerBaseConfig } from './bigmodel-optimizer';

/**
 * Configuration of {@link Sgd}.
 *
 * @category Optimizers
 */
export interface SgdConfig extends OptimizerBaseConfig {
  /** Momentum factor in [0, 1) (default 0: plain SGD). */
  momentum?: number;
  /** Dampening of the momentum in [0, 1] (default 0). */
  dampening?: number;
  /** Nesterov momentum (default false; needs momentum > 0 and dampening 0). */
  nesterov?: boolean;
  /** L2 penalty added to the gradient, `g + weightDecay * w` (default 0). */
  weightDecay?: number;
}

/**
 * Fills SGD's defaults and validates; throws InvalidArgumentError naming the option.
 *
 * @category Optimizers
 */
export function resolveSgdConfig(config: SgdConfig): Required<Omit<SgdConfig, 'clipNorm' | 'clipValue'>> & SgdConfig {
  checkBaseConfig(config);
  const resolved = { momentum: 0, dampening: 0, nesterov: false, weightDecay: 0, ...config };
  checkRange('momentum', resolved.momentum, 0, 1);
  checkRange('dampening', resolved.dampening, 0, 1);
  checkRange('weightDecay', resolved.weightDecay, 0, Infinity);
  if (resolved.nesterov && (resolved.momentum <= 0 || resolved.dampening !== 0)) {
    throw new InvalidArgumentError({
      parameter: 'nesterov',
      value: true,
      message: 'Nesterov momentum needs momentum > 0 and dampening 0.',
    });
  }
  return resolved;
}

/**
 * SGD as in PyTorch: `d = g + wd*w; buf = momentum*buf + (1 - dampening)*d` (buf = d on the
 * first step); `d = nesterov ? d + momentum*buf : buf`; `w -= lr*d`.
 *
 * @example
 * ```ts
 * const optimizer = new Sgd({ lr: 0.1, momentum: 0.9, nesterov: true });
 * model.compile({ optimizer, loss: 'categoricalCrossentropy' });
 * ```
 * @category Optimizers
 */
export class Sgd extends BigModelOptimizer {
  /** @internal */
  static className = 'BigModelSGD';
  private readonly config: ReturnType<typeof resolveSgdConfig>;
  /** A momentum buffer per variable, only when there is momentum. */
  protected get slotNames(): readonly string[] {
    return this.config.momentum > 0 ? ['momentum'] : [];
  }

  constructor(config: SgdConfig) {
    const resolved = resolveSgdConfig(config);
    super(resolved);
    this.config = resolved;
  }

  protected update(w: tf.Tensor, g: tf.Tensor, [buf]: tf.Tensor[], lr: number, _step: number, fresh: boolean) {
    const { momentum, dampening, nesterov, weightDecay } = this.config;
    let d = weightDecay !== 0 ? tf.add(g, tf.mul(w, weightDecay)) : g;
    let nextBuf = buf;
    if (momentum > 0) {
      nextBuf = fresh ? d : tf.add(tf.mul(buf, momentum), tf.mul(d, 1 - dampening));
      d = nesterov ? tf.add(d, tf.mul(nextBuf, momentum)) : nextBuf;
    }
    return { variable: tf.sub(w, tf.mul(d, lr)), slots: momentum > 0 ? [nextBuf] : [] };
  }

  override getConfig(): tf.serialization.ConfigDict {
    const { momentum, dampening, nesterov, weightDecay } = this.config;
    return { ...this.baseConfig(), momentum, dampening, nesterov, weightDecay } as tf.serialization.ConfigDict;
  }
}
tf.serialization.registerClass(Sgd);
