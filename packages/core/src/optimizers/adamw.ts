/**
 * AdamW (Loshchilov & Hutter 2019): Adam with decoupled weight decay, step for step as
 * torch.optim.AdamW (PyTorch 1.13): `w *= 1 - lr*wd`, then the Adam step on the raw gradient.
 */
import * as tf from '@tensorflow/tfjs';

import { adamStep, resolveAdamConfig, type AdamConfig } from './adam';
import { BigModelOptimizer, configFromDict } from './bigmodel-optimizer';

/**
 * AdamW: decoupled weight decay (default 0.01) that does not pass through the adaptive scaling.
 *
 * @example
 * ```ts
 * const optimizer = new AdamW({ lr: 1e-3, weightDecay: 0.05 });
 * ```
 * @category Optimizers
 */
export class AdamW extends BigModelOptimizer {
  /** @internal */
  static className = 'BigModelAdamW';
  protected readonly slotNames = ['m', 'v', 'vMax'] as const;
  private readonly config: ReturnType<typeof resolveAdamConfig>;

  constructor(config: AdamConfig) {
    const resolved = resolveAdamConfig(config, 0.01);
    super(resolved);
    this.config = resolved;
  }

  protected update(w: tf.Tensor, g: tf.Tensor, slots: tf.Tensor[], lr: number, step: number) {
    const decayed = this.config.weightDecay !== 0 ? tf.mul(w, 1 - lr * this.config.weightDecay) : w;
    return adamStep(decayed, g, slots, lr, step, this.config);
  }

  override getConfig(): tf.serialization.ConfigDict {
    const { beta1, beta2, epsilon, weightDecay, amsgrad } = this.config;
    return { ...this.baseConfig(), beta1, beta2, epsilon, weightDecay, amsgrad } as tf.serialization.ConfigDict;
  }

  /** Rebuilds an AdamW from {@link AdamW.getConfig}. */
  static override fromConfig<T extends tf.serialization.Serializable>(
    cls: tf.serialization.SerializableConstructor<T>,
    config: tf.serialization.ConfigDict,
  ): T {
    return new cls(configFromDict<AdamConfig>(config)) as T;
  }
}
tf.serialization.registerClass(AdamW);
