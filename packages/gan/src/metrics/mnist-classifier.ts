/**
 * The MNIST classifier behind the sample-quality metrics (TF-GAN's MNIST classifier score and
 * Frechet distance use a classifier trained on real digits). Trained by this package's own code
 * (`bigmodel-gan train-classifier`) with core's `fit` on core's fixed MNIST train split, with
 * shift-and-zoom augmentation; shipped in the package's `classifier/` directory.
 */
import { join } from 'node:path';

import * as tf from '@tensorflow/tfjs';
import {
  Adam,
  InvalidArgumentError,
  TensorDataset,
  cosineWithWarmup,
  fit,
  loadModel,
  loadMnist,
  mnistToTensors,
  mulberry32,
  randomCrop,
  randomScale,
  saveModel,
  writeFileAtomic,
  type MetricsLogger,
} from '@bigmodel/core';

/**
 * Name of the layer whose output is the feature vector the Frechet distance compares.
 *
 * @category Metrics
 */
export const FEATURE_LAYER = 'features';

/**
 * Directory of the classifier shipped with the package (`classifier/` next to `dist/`).
 *
 * @category Metrics
 */
export const DEFAULT_CLASSIFIER_DIR = join(__dirname, '..', '..', 'classifier');

/**
 * The classifier: two conv blocks (32 and 64 filters of 3x3, ReLU, batch norm, 2x2 max pool), a
 * 3x3 conv of 128, flatten, a 128-unit ReLU layer named `features` (the Frechet features) and a
 * 10-way softmax. Input 28x28x1 in [0, 1].
 *
 * @param seed seed of the Glorot-uniform initializers
 * @example
 * ```ts
 * const model = createMnistClassifier(0);
 * model.predict(tf.zeros([1, 28, 28, 1]));
 * ```
 * @category Metrics
 */
export function createMnistClassifier(seed: number): tf.Sequential {
  let layerSeed = seed;
  const init = () => tf.initializers.glorotUniform({ seed: layerSeed++ });
  return tf.sequential({
    name: 'mnist_classifier',
    layers: [
      tf.layers.conv2d({
        inputShape: [28, 28, 1],
        filters: 32,
        kernelSize: 3,
        padding: 'same',
        activation: 'relu',
        kernelInitializer: init(),
      }),
      tf.layers.batchNormalization(),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.conv2d({ filters: 64, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: init() }),
      tf.layers.batchNormalization(),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.conv2d({ filters: 128, kernelSize: 3, activation: 'relu', kernelInitializer: init() }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 128, activation: 'relu', kernelInitializer: init(), name: FEATURE_LAYER }),
      tf.layers.dense({ units: 10, activation: 'softmax', kernelInitializer: init() }),
    ],
  });
}

/**
 * Options of {@link trainMnistClassifier}.
 *
 * @category Metrics
 */
export interface TrainClassifierOptions {
  /** Epochs over the 8,337 training digits (default 20). */
  epochs?: number;
  /** Seed of weights, batch order and augmentation (default 0). */
  seed?: number;
  /** Use only the first `limit` training digits (smoke tests; default all). */
  limit?: number;
  /** Where to save the model (model.json + weights.bin) and `training.json`; default: no save. */
  out?: string;
  /** Receives per-step and per-epoch metrics. */
  logger?: MetricsLogger;
  /** Called after every step with the global step and total steps (for a progress bar). */
  onStep?: (step: number, total: number, loss: number) => void;
}

/**
 * What {@link trainMnistClassifier} returns.
 *
 * @category Metrics
 */
export interface TrainedClassifier {
  /** The trained model (the caller disposes it). */
  model: tf.LayersModel;
  /** Accuracy on core's MNIST test split (1,663 digits). */
  testAccuracy: number;
  /** Epochs trained. */
  epochs: number;
  /** Seed used. */
  seed: number;
}

/**
 * Trains {@link createMnistClassifier} with core's `fit` (batch 64, Adam with a cosine schedule
 * from 2e-3, random shifts of up to 2 pixels and zooms in [0.9, 1.1]), then measures test
 * accuracy. The same seed gives the same weights on the same backend.
 *
 * @example
 * ```ts
 * const { model, testAccuracy } = await trainMnistClassifier({ epochs: 20, seed: 0, out: 'classifier' });
 * ```
 * @category Metrics
 */
export async function trainMnistClassifier(options: TrainClassifierOptions = {}): Promise<TrainedClassifier> {
  const { epochs = 20, seed = 0 } = options;
  if (!Number.isInteger(epochs) || epochs <= 0)
    throw new InvalidArgumentError({ parameter: 'epochs', value: epochs, message: 'Must be an integer > 0.' });
  const mnist = loadMnist();
  const limit = Math.min(options.limit ?? mnist.train.count, mnist.train.count);
  const train = new TensorDataset(mnist.train.images.subarray(0, limit * 784), [28, 28, 1], mnist.train.labels.subarray(0, limit), {
    classes: 10,
  });
  const stepsPerEpoch = Math.ceil(limit / 64);
  const totalSteps = epochs * stepsPerEpoch;
  const model = createMnistClassifier(seed);
  const learningRate =
    totalSteps > 1 ? cosineWithWarmup({ peak: 2e-3, warmupSteps: Math.min(100, totalSteps - 1), totalSteps, floor: 1e-5 }) : 2e-3;
  model.compile({ optimizer: new Adam({ learningRate }), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  await fit(model, train, {
    epochs,
    batchSize: 64,
    seed,
    logger: options.logger,
    augment: (xs, { step }) =>
      tf.tidy(() => {
        const random = mulberry32(seed * 1_000_003 + step);
        const zoomed = randomScale(xs as tf.Tensor4D, { min: 0.9, max: 1.1, random });
        return randomCrop(zoomed, { padding: 2, random });
      }),
    callbacks: [{ onBatchEnd: (step, { loss }) => options.onStep?.(step, totalSteps, loss) }],
  });
  const test = mnistToTensors(mnist.test);
  const accuracy = tf.tidy(() => {
    const predicted = (model.predict(test.xs, { batchSize: 256 }) as tf.Tensor).argMax(-1);
    return tf.mean(tf.equal(predicted, test.ys.argMax(-1)).toFloat());
  });
  const testAccuracy = (await accuracy.data())[0];
  tf.dispose([test.xs, test.ys, accuracy]);
  if (options.out !== undefined) {
    await saveModel(model, options.out);
    writeFileAtomic(
      join(options.out, 'training.json'),
      `${JSON.stringify(
        { epochs, seed, testAccuracy, testCount: mnist.test.count, trainCount: limit, backend: tf.getBackend() },
        null,
        2,
      )}\n`,
    );
  }
  return { model, testAccuracy, epochs, seed };
}

/**
 * Loads a classifier saved by {@link trainMnistClassifier} (default: the one shipped with the
 * package).
 *
 * @example
 * ```ts
 * const classifier = await loadMnistClassifier();
 * ```
 * @category Metrics
 */
export async function loadMnistClassifier(dir: string = DEFAULT_CLASSIFIER_DIR): Promise<tf.LayersModel> {
  return loadModel(dir);
}
