import * as tf from '@tensorflow/tfjs';

/**
 * The reference CNN that bigmodel's benchmark and showcase train on MNIST (the Keras MNIST
 * example): conv 32 3x3 relu, maxpool 2, conv 64 3x3 relu, maxpool 2, flatten, dense 128 relu,
 * dense `classes` softmax, on 28x28x1 NHWC inputs. Not compiled: pair it with Adam 1e-3 and
 * categorical cross-entropy, as the benchmark does.
 *
 * @param options.classes number of output classes (default 10)
 * @param options.seed seed for the Glorot-uniform kernel initializers (default: unseeded)
 * @example
 * ```ts
 * const model = createReferenceCnn({ seed: 0 });
 * model.compile({ optimizer: tf.train.adam(1e-3), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
 * ```
 * @category Models
 */
export function createReferenceCnn(options: { classes?: number; seed?: number } = {}): tf.Sequential {
  const { classes = 10, seed } = options;
  let layerSeed = seed;
  const init = () => tf.initializers.glorotUniform({ seed: layerSeed === undefined ? undefined : layerSeed++ });
  return tf.sequential({
    name: 'reference_cnn',
    layers: [
      tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 32, kernelSize: 3, activation: 'relu', kernelInitializer: init() }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.conv2d({ filters: 64, kernelSize: 3, activation: 'relu', kernelInitializer: init() }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 128, activation: 'relu', kernelInitializer: init() }),
      tf.layers.dense({ units: classes, activation: 'softmax', kernelInitializer: init() }),
    ],
  });
}
