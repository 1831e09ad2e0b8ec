/**
 * The networks the benchmark times, built the same way as bench/pytorch_reference.py builds them.
 * Uses only @tensorflow/tfjs, so that it runs with and without bigmodel's kernels; the optimizer
 * comes from the caller (tfjs's Adam by default; bench/run.ts gives bigmodel's rows core's Adam).
 */
import * as tf from '@tensorflow/tfjs';

/** Makes an Adam optimizer with learning rate `lr` and first-moment decay `beta1` (second-moment decay 0.999). */
export type AdamFactory = (lr: number, beta1: number) => tf.Optimizer;

/** tfjs's own Adam (tf.train.adam with its defaults otherwise: beta2 0.999, epsilon the backend's, 1e-7). */
export const tfjsAdam: AdamFactory = (lr, beta1) => tf.train.adam(lr, beta1);

/** The reference CNN (same layers as createReferenceCnn in @bigmodel/core). */
export function referenceCnn(): tf.Sequential {
  return tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 32, kernelSize: 3, activation: 'relu' }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.conv2d({ filters: 64, kernelSize: 3, activation: 'relu' }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 128, activation: 'relu' }),
      tf.layers.dense({ units: 10, activation: 'softmax' }),
    ],
  });
}

/** One reference-CNN train step (batch 64, Adam 1e-3, categorical cross-entropy). Returns a step function. */
export function cnnStep(adam: AdamFactory = tfjsAdam): { step: () => number; dispose: () => void } {
  const model = referenceCnn();
  const optimizer = adam(1e-3, 0.9);
  const x = tf.randomUniform([64, 28, 28, 1]);
  const y = tf.oneHot(tf.randomUniform([64], 0, 10, 'int32'), 10).toFloat();
  const step = () => {
    const loss = optimizer.minimize(() => tf.losses.softmaxCrossEntropy(y, model.apply(x) as tf.Tensor) as tf.Scalar, true)!;
    const value = loss.dataSync()[0];
    loss.dispose();
    return value;
  };
  return { step, dispose: () => (tf.dispose([x, y]), model.dispose(), optimizer.dispose()) };
}

/** DCGAN for 28x28 MNIST (nz 100): generator and discriminator as the issue and the PyTorch script define them. */
export function dcgan(): { generator: tf.LayersModel; discriminator: tf.LayersModel } {
  const generator = tf.sequential({
    layers: [
      tf.layers.dense({ inputShape: [100], units: 7 * 7 * 128, useBias: false }),
      tf.layers.batchNormalization(),
      tf.layers.reLU(),
      tf.layers.reshape({ targetShape: [7, 7, 128] }),
      tf.layers.conv2dTranspose({ filters: 64, kernelSize: 4, strides: 2, padding: 'same', useBias: false }),
      tf.layers.batchNormalization(),
      tf.layers.reLU(),
      tf.layers.conv2dTranspose({ filters: 1, kernelSize: 4, strides: 2, padding: 'same', activation: 'tanh' }),
    ],
  });
  const discriminator = tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 64, kernelSize: 4, strides: 2, padding: 'same' }),
      tf.layers.leakyReLU({ alpha: 0.2 }),
      tf.layers.conv2d({ filters: 128, kernelSize: 4, strides: 2, padding: 'same', useBias: false }),
      tf.layers.batchNormalization(),
      tf.layers.leakyReLU({ alpha: 0.2 }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 1 }),
    ],
  });
  return { generator, discriminator };
}

/**
 * One DCGAN step at batch 64: a discriminator update on real and fake, then a generator update.
 * The generator runs forward twice (PyTorch reuses one forward for both updates), so this side
 * does ~9% more arithmetic than the PyTorch step it is compared with.
 */
export function dcganStep(adam: AdamFactory = tfjsAdam): { step: () => number; dispose: () => void } {
  const { generator, discriminator } = dcgan();
  const optD = adam(2e-4, 0.5);
  const optG = adam(2e-4, 0.5);
  const real = tf.randomUniform([64, 28, 28, 1], -1, 1);
  const ones = tf.ones([64, 1]);
  const zeros = tf.zeros([64, 1]);
  const dVars = discriminator.trainableWeights.map((w) => w.read() as tf.Variable);
  const gVars = generator.trainableWeights.map((w) => w.read() as tf.Variable);
  const bce = (labels: tf.Tensor, logits: tf.Tensor) => tf.losses.sigmoidCrossEntropy(labels, logits) as tf.Scalar;
  const step = () => {
    const z = tf.randomNormal([64, 100]);
    // The fake batch for the discriminator is made outside any gradient tape (PyTorch's detach()).
    const fake = tf.tidy(() => generator.apply(z, { training: true }) as tf.Tensor);
    const dLoss = optD.minimize(
      () => {
        const lossReal = bce(ones, discriminator.apply(real, { training: true }) as tf.Tensor);
        const lossFake = bce(zeros, discriminator.apply(fake, { training: true }) as tf.Tensor);
        return tf.add(lossReal, lossFake) as tf.Scalar;
      },
      true,
      dVars,
    )!;
    const gLoss = optG.minimize(
      () => bce(ones, discriminator.apply(generator.apply(z, { training: true }) as tf.Tensor, { training: true }) as tf.Tensor),
      true,
      gVars,
    )!;
    const value = dLoss.dataSync()[0] + gLoss.dataSync()[0];
    tf.dispose([z, fake, dLoss, gLoss]);
    return value;
  };
  return {
    step,
    dispose: () => (tf.dispose([real, ones, zeros]), generator.dispose(), discriminator.dispose(), optD.dispose(), optG.dispose()),
  };
}
