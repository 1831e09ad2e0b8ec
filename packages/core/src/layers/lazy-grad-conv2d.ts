/**
 * A 2D convolution layer whose gradient computes only the gradients the caller asks for.
 *
 * tfjs-layers' Conv2D runs `tf.fused.conv2d`. Wherever that op takes its fused path (outside a
 * gradient, and inside one when the activation is linear), its gradient is a `customGrad` closure
 * in tfjs-core that computes the gradients of the input, the filter and the bias together,
 * whichever are needed. A plain `tf.conv2d` followed by `tf.add(bias)` is recorded on the tape
 * with the ops' registered gradients, and the tape calls only those on the path from the sources
 * to the loss. So a generator update that backpropagates through a discriminator (the
 * discriminator's weights not among the sources) runs no filter gradient for it, and a weight
 * update whose input is data runs no input gradient for its first layer.
 *
 * The layer is tfjs-layers' own Conv2D class with `call` replaced inside a gradient for
 * channels-last inputs and 'same' / 'valid' padding (the stock call runs otherwise, so inference
 * keeps the fused kernel and the stock layer's values bit for bit): weights (names, order, shapes,
 * initializers), `getConfig`, `computeOutputShape` and serialization are the stock layer's, and a
 * saved model loads back as a stock `Conv2D` (its class name stays 'Conv2D'; the serialization
 * registry is left alone, so stock layers are untouched).
 */
import * as tf from '@tensorflow/tfjs';

import { stockLayerClass, type CallKwargs } from './stock-layer';

/**
 * The arguments of {@link lazyGradConv2d}: those of `tf.layers.conv2d` (filters, kernelSize, strides, ...).
 *
 * @category Layers
 */
export type LazyGradConv2DArgs = Parameters<typeof tf.layers.conv2d>[0];

/** The stock layer's members that {@link LazyGradConv2D.call} reads (protected in tfjs-layers' typings). */
interface StockConv2DFields {
  readonly strides: number[];
  readonly padding: string;
  readonly dataFormat: string;
  readonly dilationRate: number[];
  readonly activation: { apply(x: tf.Tensor): tf.Tensor };
  readonly kernel: { read(): tf.Tensor };
  readonly bias: { read(): tf.Tensor } | null;
}

/**
 * tfjs-layers' `Conv2D` whose gradient runs only the convolution gradients that are needed (see
 * {@link lazyGradConv2d}). Its forward pass is the stock layer's (outside a gradient bit for bit,
 * inside one up to float rounding); its weights, config and saved form are the stock layer's.
 *
 * @category Layers
 */
export class LazyGradConv2D extends stockLayerClass<LazyGradConv2DArgs>('Conv2D') {
  /**
   * Inside a gradient, `y = activation(conv2d(x, kernel) + bias)` as a plain `tf.conv2d` and
   * `tf.add`, for channels-last inputs with 'same' or 'valid' padding. Outside any gradient (no
   * gradient to prune), and for other inputs, the stock call.
   */
  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: CallKwargs): tf.Tensor | tf.Tensor[] {
    const layer = this as unknown as StockConv2DFields;
    const list = Array.isArray(inputs) ? inputs : [inputs];
    const recording = tf.engine().state.gradientDepth > 0;
    if (!recording || layer.dataFormat !== 'channelsLast' || (layer.padding !== 'same' && layer.padding !== 'valid') || list.length !== 1) {
      return super.call(inputs, kwargs);
    }
    return tf.tidy(() => {
      let y = tf.conv2d(
        list[0] as tf.Tensor4D,
        layer.kernel.read() as tf.Tensor4D,
        layer.strides as [number, number],
        layer.padding as 'same' | 'valid',
        'NHWC',
        layer.dilationRate as [number, number],
      );
      if (layer.bias !== null) y = tf.add(y, layer.bias.read());
      return layer.activation.apply(y);
    });
  }
}

/**
 * A 2D convolution layer, as `tf.layers.conv2d(args)`, whose gradient computes only what is
 * needed: backpropagating to its input without its weights among the sources runs no filter
 * gradient, and a weight gradient from data input runs no input gradient. tfjs-layers' own layer
 * computes both whenever its convolution is fused (a linear activation, as in a DCGAN
 * discriminator), which costs a DCGAN step about 6% of its time on wasm. Weights, config and saved
 * models are the stock layer's: a saved model loads back with stock `Conv2D` layers.
 *
 * @param args the arguments of `tf.layers.conv2d`
 * @example
 * ```ts
 * const discriminator = tf.sequential({
 *   layers: [
 *     lazyGradConv2d({ inputShape: [28, 28, 1], filters: 64, kernelSize: 4, strides: 2, padding: 'same' }),
 *     tf.layers.leakyReLU({ alpha: 0.2 }),
 *     tf.layers.flatten(),
 *     tf.layers.dense({ units: 1 }),
 *   ],
 * });
 * ```
 * @category Layers
 */
export function lazyGradConv2d(args: LazyGradConv2DArgs): LazyGradConv2D {
  return new LazyGradConv2D(args);
}
