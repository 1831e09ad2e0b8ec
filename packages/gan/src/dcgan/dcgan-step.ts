/**
 * DCGAN: Radford, Metz & Chintala 2015, "Unsupervised Representation Learning with Deep
 * Convolutional Generative Adversarial Networks" (the networks: `models/networks.ts`), trained as in
 * Goodfellow et al. 2014, "Generative Adversarial Nets", Algorithm 1, with the non-saturating
 * generator loss of its Section 3, in the order of PyTorch's examples, dcgan/main.py.
 *
 * Discriminator (Eq. 1, ascending `log D(x) + log(1 - D(G(z)))`): binary cross-entropy on logits,
 * real images with target `1 - labelSmoothing` (one-sided label smoothing; 0 in the paper), fake
 * images with target 0, the fake batch a constant (PyTorch's `fake.detach()`).
 * Generator (Section 3, ascending `log D(G(z))` instead of descending `log(1 - D(G(z)))`):
 * `BCE(D(G(z)), 1)` through the just-updated discriminator.
 *
 * Tricks this step opts into when the config asks: spectral normalization's power iteration before
 * each use of the discriminator, and the discriminator's input translated and packed
 * (`discriminatorFor`). The generator's moving average is updated by the caller after the step.
 */
import * as tf from '@tensorflow/tfjs';

import { powerIterate } from '../tricks/spectral-power-iteration';
import { discriminatorFor } from '../training/discriminate';
import type { GanState, RealBatch } from '../training/gan-step';
import { stepNoise } from '../training/step-noise';

/** `BCE(sigmoid(logits), target)`, the mean over the batch. */
function bce(logits: tf.Tensor, target: number): tf.Scalar {
  return tf.losses.sigmoidCrossEntropy(tf.fill(logits.shape, target), logits) as tf.Scalar;
}

/** Descends the discriminator's loss on `real` (target `1 - labelSmoothing`) and the constant `fake` (target 0); returns the loss. */
function updateDiscriminator(gan: GanState, real: tf.Tensor4D, fake: tf.Tensor4D, k: number): tf.Scalar {
  powerIterate(gan.discriminator);
  const d = discriminatorFor(gan, k);
  const { value, grads } = tf.variableGrads(
    () => tf.add(bce(d(real), 1 - gan.config.labelSmoothing), bce(d(fake), 0)) as tf.Scalar,
    gan.discriminatorVariables,
  );
  gan.discriminatorOptimizer.applyGradients(grads);
  return value;
}

/**
 * One DCGAN step: `batches.length` (`criticSteps`, 1 in the paper) discriminator updates, then one
 * generator update. Returns the last discriminator loss and the generator loss.
 *
 * @example
 * ```ts
 * const losses = tf.tidy(() => dcganStep(trainer, [{ images: realBatch }]));
 * ```
 * @category Algorithms
 */
export function dcganStep(gan: GanState, batches: RealBatch[]): Record<string, tf.Scalar> {
  const count = batches[0].images.shape[0];
  if (batches.length === 1) {
    // ---- the paper's step: the generator runs forward once. The discriminator's update runs
    // inside the generator's gradient (tfjs records one tape for nested gradients), with respect to
    // the discriminator's variables only, so `fake` is a constant to it; the generator's gradient
    // then flows from the updated discriminator back through the same forward pass.
    const z = stepNoise(gan, count, 0);
    let discriminator: tf.Scalar | undefined;
    const { value, grads } = tf.variableGrads(() => {
      const fake = gan.generator.apply(z, { training: true }) as tf.Tensor4D;
      discriminator = tf.keep(updateDiscriminator(gan, batches[0].images, fake, 0));
      powerIterate(gan.discriminator);
      return bce(discriminatorFor(gan, 1)(fake), 1);
    }, gan.generatorVariables);
    gan.generatorOptimizer.applyGradients(grads);
    return { discriminator: discriminator!, generator: value };
  }

  // ---- several discriminator updates (criticSteps > 1), each on its own fake batch made outside
  // any gradient tape from noise (step, k)
  let discriminator: tf.Scalar | undefined;
  batches.forEach((batch, k) => {
    tf.dispose(discriminator);
    const fake = tf.tidy(() => gan.generator.apply(stepNoise(gan, count, k), { training: true }) as tf.Tensor4D);
    discriminator = updateDiscriminator(gan, batch.images, fake, k);
  });

  // ---- then the generator, on the noise of the first update, through the updated discriminator
  const z = stepNoise(gan, count, 0);
  powerIterate(gan.discriminator);
  const { value, grads } = tf.variableGrads(() => {
    const fake = gan.generator.apply(z, { training: true }) as tf.Tensor4D;
    return bce(discriminatorFor(gan, batches.length)(fake), 1);
  }, gan.generatorVariables);
  gan.generatorOptimizer.applyGradients(grads);
  return { discriminator: discriminator!, generator: value };
}
