/**
 * Weight penalties for layers' `kernelRegularizer` / `biasRegularizer`, with Keras' definitions:
 * L1 = `l1 * sum |w|`, L2 = `l2 * sum w^2`, L1L2 = both. They serialize with the model (so a saved
 * model loads them back) and validate their rates.
 *
 * L2 here is a term in the loss, so adaptive optimizers rescale its gradient; decoupled weight
 * decay (`AdamW`'s `weightDecay`) shrinks the weights directly instead. Dropout is a layer
 * (`tf.layers.dropout`), active only in training.
 */
import * as tf from '@tensorflow/tfjs';

import { InvalidArgumentError } from '../errors';

/**
 * tfjs-layers accepts regularizers that are instances of its own Regularizer class, which it does
 * not export; it is the parent class of the regularizers `tf.regularizers` makes.
 */
const RegularizerBase = Object.getPrototypeOf(tf.regularizers.l1l2().constructor) as new () => {
  apply(x: tf.Tensor): tf.Scalar;
  getConfig(): tf.serialization.ConfigDict;
};

function checkRate(parameter: string, value: number): void {
  if (!(value >= 0) || !Number.isFinite(value))
    throw new InvalidArgumentError({ parameter, value, message: 'A penalty rate must be a finite number >= 0.' });
}

/**
 * `l1 * sum |w| + l2 * sum w^2`.
 *
 * @example
 * ```ts
 * tf.layers.dense({ units: 10, kernelRegularizer: new L1L2({ l2: 1e-4 }) });
 * ```
 * @category Regularizers
 */
export class L1L2 extends RegularizerBase {
  /** @internal */
  static className = 'BigModelL1L2';
  /** The L1 rate. */
  readonly l1: number;
  /** The L2 rate. */
  readonly l2: number;

  constructor({ l1 = 0, l2 = 0 }: { l1?: number; l2?: number } = {}) {
    super();
    checkRate('l1', l1);
    checkRate('l2', l2);
    this.l1 = l1;
    this.l2 = l2;
  }

  /** The penalty for weights `x`. */
  override apply(x: tf.Tensor): tf.Scalar {
    return tf.tidy(() => {
      let penalty: tf.Tensor = tf.scalar(0);
      if (this.l1 > 0) penalty = tf.add(penalty, tf.mul(this.l1, tf.sum(tf.abs(x))));
      if (this.l2 > 0) penalty = tf.add(penalty, tf.mul(this.l2, tf.sum(tf.square(x))));
      return penalty as tf.Scalar;
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { l1: this.l1, l2: this.l2 };
  }

  /** Rebuilds the regularizer from {@link L1L2.getConfig}. */
  static fromConfig<T extends tf.serialization.Serializable>(
    cls: tf.serialization.SerializableConstructor<T>,
    config: tf.serialization.ConfigDict,
  ): T {
    return new cls(config) as T;
  }
}
tf.serialization.registerClass(L1L2 as unknown as tf.serialization.SerializableConstructor<tf.serialization.Serializable>);

/**
 * `l1 * sum |w|`.
 * @example
 * ```ts
 * tf.layers.dense({ units: 10, kernelRegularizer: l1(1e-5) });
 * ```
 * @category Regularizers
 */
export function l1(rate = 0.01): L1L2 {
  return new L1L2({ l1: rate });
}

/**
 * `l2 * sum w^2`.
 * @example
 * ```ts
 * tf.layers.conv2d({ filters: 32, kernelSize: 3, kernelRegularizer: l2(1e-4) });
 * ```
 * @category Regularizers
 */
export function l2(rate = 0.01): L1L2 {
  return new L1L2({ l2: rate });
}
