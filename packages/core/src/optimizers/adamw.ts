/**
 * AdamW (Loshchilov & Hutter 2019): Adam with decoupled weight decay, step for step as
 * torch.optim.AdamW (PyTorch 1.13): `w *= 1 - lr*wd`, then the Adam step on the raw gradient.
 */
import * as tf from '@tensorflow/tfjs';

import { Adam, adamStep, type AdamConfig } from './adam';

/**
 * AdamW: decoupled weight decay (default 0.01) that does not pass through the adaptive scaling.
 *
 * @example
 * ```ts
 * const optimizer = new AdamW({ learningRate: 1e-3, weightDecay: 0.05 });
 * ```
 * @category Optimizers
 */
export class AdamW extends Adam {
  /** @internal */
  static override className = 'BigModelAdamW';

  constructor(config: AdamConfig) {
    super({ weightDecay: 0.01, ...config });
  }

  protected override update(w: tf.Tensor, g: tf.Tensor, slots: tf.Tensor[], lr: number, step: number) {
    const decayed = this.config.weightDecay !== 0 ? tf.mul(w, 1 - lr * this.config.weightDecay) : w;
    return adamStep(decayed, g, slots, lr, step, this.config);
  }
}
tf.serialization.registerClass(AdamW);
