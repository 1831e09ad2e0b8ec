/**
 * A dense layer whose gradient computes only the gradients the caller asks for: the dense
 * counterpart of {@link LazyGradConv2D}.
 *
 * tfjs-layers' Dense runs `tf.fused.matMul`, whose gradient (a `customGrad` closure in tfjs-core,
 * taken inside a gradient when the activation is linear) computes the gradients of both operands
 * and of the bias, whichever are needed. A plain `tf.matMul` followed by `tf.add(bias)` is
 * recorded with the ops' registered gradients, and the tape calls only the needed ones: a
 * generator's first dense layer, fed with noise, then computes no gradient for the noise, and a
 * discriminator's last dense layer computes no weight gradient in the generator's update.
 *
 * It is tfjs-layers' own Dense class with `call` replaced inside a gradient for rank-2 inputs
 * (outside any gradient, and for other inputs, the stock call runs): weights, config and
 * serialization are the stock layer's, and a saved model loads back as a stock `Dense`.
 */
import * as tf from '@tensorflow/tfjs';

import { stockLayerClass, type CallKwargs } from './stock-layer';

/**
 * The arguments of {@link lazyGradDense}: those of `tf.layers.dense` (units, activation, useBias, ...).
 *
 * @category Layers
 */
export type LazyGradDenseArgs = Parameters<typeof tf.layers.dense>[0];

/** The stock layer's members that {@link LazyGradDense.call} reads (protected or private in tfjs-layers' typings). */
interface StockDenseFields {
  readonly activation: { apply(x: tf.Tensor): tf.Tensor };
  readonly kernel: { read(): tf.Tensor };
  readonly bias: { read(): tf.Tensor } | null;
  invokeCallHook(inputs: tf.Tensor | tf.Tensor[], kwargs: CallKwargs): void;
}

/**
 * tfjs-layers' `Dense` whose gradient runs only the matrix-product gradients that are needed
 * (see {@link lazyGradDense}). Its forward pass is the stock layer's (outside a gradient bit for
 * bit, inside one up to float rounding); its weights, config and saved form are the stock layer's.
 *
 * @category Layers
 */
export class LazyGradDense extends stockLayerClass<LazyGradDenseArgs>('Dense') {
  /**
   * Inside a gradient, `y = activation(matMul(x, kernel) + bias)` as a plain `tf.matMul` and
   * `tf.add`, for rank-2 inputs. Outside any gradient, and for other inputs, the stock call.
   */
  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: CallKwargs): tf.Tensor | tf.Tensor[] {
    const layer = this as unknown as StockDenseFields;
    const list = Array.isArray(inputs) ? inputs : [inputs];
    if (tf.engine().state.gradientDepth === 0 || list.length !== 1 || list[0].rank !== 2) return super.call(inputs, kwargs);
    return tf.tidy(() => {
      layer.invokeCallHook(inputs, kwargs);
      let y = tf.matMul(list[0], layer.kernel.read());
      if (layer.bias !== null) y = tf.add(y, layer.bias.read());
      return layer.activation.apply(y);
    });
  }
}

/**
 * A dense layer, as `tf.layers.dense(args)`, whose gradient computes only what is needed:
 * backpropagating to its input without its weights among the sources computes no weight
 * gradient, and a weight gradient from data input (e.g. a generator's noise) computes no input
 * gradient. tfjs-layers' own layer computes both whenever its product is fused (a linear
 * activation). Weights, config and saved models are the stock layer's.
 *
 * @param args the arguments of `tf.layers.dense`
 * @example
 * ```ts
 * const generatorInput = lazyGradDense({ inputShape: [100], units: 7 * 7 * 128, useBias: false });
 * ```
 * @category Layers
 */
export function lazyGradDense(args: LazyGradDenseArgs): LazyGradDense {
  return new LazyGradDense(args);
}
