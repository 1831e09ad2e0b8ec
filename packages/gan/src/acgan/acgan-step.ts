/**
 * ACGAN: Odena, Olah & Shlens 2017, "Conditional Image Synthesis with Auxiliary Classifier GANs",
 * Section 3. The generator takes noise and a class `c`; the discriminator gives, besides the
 * real/fake logit, class logits (the auxiliary classifier). With the source log-likelihood
 * `L_S = E[log P(S = real | X_real)] + E[log P(S = fake | X_fake)]` (Eq. 2) and the class
 * log-likelihood `L_C = E[log P(C = c | X_real)] + E[log P(C = c | X_fake)]` (Eq. 3), the
 * discriminator ascends `L_S + L_C` and the generator ascends `L_C - L_S`, here in DCGAN's
 * non-saturating form: the generator descends `BCE(D(G(z, c)), 1)` plus the class cross-entropy
 * of its fakes. Losses: binary cross-entropy on the source logit (real target `1 - labelSmoothing`),
 * softmax cross-entropy on the class logits. The step's structure is DCGAN's (`dcgan/dcgan-step.ts`).
 *
 * Tricks this step opts into when the config asks: spectral normalization's power iteration before
 * each use of the discriminator, and the discriminator's input translated and packed
 * (`discriminatorFor`; a packed discriminator gives one row of class logits per packed image).
 */
import * as tf from '@tensorflow/tfjs';
import { InvalidArgumentError } from '@bigmodel/core';

import { STREAMS, streamRandom } from '../internal/random-streams';
import { conditionalInput, oneHotFloat } from '../models/generator-input';
import { powerIterate } from '../tricks/spectral-power-iteration';
import { discriminatorFor } from '../training/discriminate';
import type { GanState, RealBatch } from '../training/gan-step';
import { stepNoise } from '../training/step-noise';

/** Classes for the fake images of update `k` of the current step, uniform over the classes. */
function fakeLabels(gan: GanState, count: number, k: number): Uint8Array {
  const random = streamRandom(gan.seed, STREAMS.labels, gan.step, k);
  return Uint8Array.from({ length: count }, () => Math.floor(random() * gan.config.classes));
}

/** `BCE(sigmoid(source logit), target)`: the source logit is the first column. */
function sourceLoss(logits: tf.Tensor2D, target: number): tf.Scalar {
  const column = tf.slice(logits, [0, 0], [-1, 1]);
  return tf.losses.sigmoidCrossEntropy(tf.fill(column.shape, target), column) as tf.Scalar;
}

/** Softmax cross-entropy of the class logits (the other columns; one row per image, also when packed) against `labels`. */
function classLoss(gan: GanState, logits: tf.Tensor2D, labels: ArrayLike<number>): tf.Scalar {
  const { classes } = gan.config;
  const classLogits = tf.reshape(tf.slice(logits, [0, 1], [-1, logits.shape[1] - 1]), [-1, classes]);
  return tf.losses.softmaxCrossEntropy(oneHotFloat(labels, classes), classLogits) as tf.Scalar;
}

/** Descends `-(L_S + L_C)` on the real batch and the constant `fake` of classes `labels`; returns the loss. */
function updateDiscriminator(gan: GanState, real: RealBatch, fake: tf.Tensor4D, labels: Uint8Array, k: number): tf.Scalar {
  powerIterate(gan.discriminator);
  const d = discriminatorFor(gan, k);
  const { value, grads } = tf.variableGrads(() => {
    const realLogits = d(real.images);
    const fakeLogits = d(fake);
    const source = tf.add(sourceLoss(realLogits, 1 - gan.config.labelSmoothing), sourceLoss(fakeLogits, 0));
    return tf.add(source, tf.add(classLoss(gan, realLogits, real.labels!), classLoss(gan, fakeLogits, labels))) as tf.Scalar;
  }, gan.discriminatorVariables);
  gan.discriminatorOptimizer.applyGradients(grads);
  return value;
}

/** The generator's loss on the discriminator's `logits` for its fakes of classes `labels`: `BCE(D(G(z, c)), 1)` plus the class loss. */
function generatorLoss(gan: GanState, logits: tf.Tensor2D, labels: Uint8Array): tf.Scalar {
  const column = tf.slice(logits, [0, 0], [-1, 1]);
  return tf.add(tf.losses.sigmoidCrossEntropy(tf.onesLike(column), column), classLoss(gan, logits, labels)) as tf.Scalar;
}

/**
 * One ACGAN step: `batches.length` (`criticSteps`, 1 in the paper) discriminator updates, then one
 * generator update. Every real batch needs its `labels`. Returns the last discriminator loss and
 * the generator loss.
 *
 * @example
 * ```ts
 * const losses = tf.tidy(() => acganStep(trainer, [{ images: realBatch, labels: realClasses }]));
 * ```
 * @category Algorithms
 */
export function acganStep(gan: GanState, batches: RealBatch[]): Record<string, tf.Scalar> {
  if (batches.some((batch) => batch.labels === undefined)) {
    throw new InvalidArgumentError({
      parameter: 'batches',
      value: undefined,
      message: 'The conditional GAN needs the labels of every real batch.',
    });
  }
  const count = batches[0].images.shape[0];
  if (batches.length === 1) {
    // ---- one generator forward, as in DCGAN's step: the discriminator's update inside the
    // generator's gradient (with respect to its own variables only), then the generator's loss
    // through the updated discriminator on the same fakes
    const z = stepNoise(gan, count, 0);
    const labels = fakeLabels(gan, count, 0);
    let discriminator: tf.Scalar | undefined;
    const { value, grads } = tf.variableGrads(() => {
      const fake = gan.generator.apply(conditionalInput(z, labels, gan.config.classes), { training: true }) as tf.Tensor4D;
      discriminator = tf.keep(updateDiscriminator(gan, batches[0], fake, labels, 0));
      powerIterate(gan.discriminator);
      return generatorLoss(gan, discriminatorFor(gan, 1)(fake), labels);
    }, gan.generatorVariables);
    gan.generatorOptimizer.applyGradients(grads);
    return { discriminator: discriminator!, generator: value };
  }

  // ---- several discriminator updates (criticSteps > 1), each on its own fakes made outside any
  // gradient tape from noise and classes (step, k)
  let discriminator: tf.Scalar | undefined;
  batches.forEach((batch, k) => {
    tf.dispose(discriminator);
    const labels = fakeLabels(gan, count, k);
    const input = conditionalInput(stepNoise(gan, count, k), labels, gan.config.classes);
    const fake = tf.tidy(() => gan.generator.apply(input, { training: true }) as tf.Tensor4D);
    discriminator = updateDiscriminator(gan, batch, fake, labels, k);
  });

  // ---- then the generator, on the noise and classes of the first update, through the updated discriminator
  const z = stepNoise(gan, count, 0);
  const labels = fakeLabels(gan, count, 0);
  powerIterate(gan.discriminator);
  const { value, grads } = tf.variableGrads(() => {
    const fake = gan.generator.apply(conditionalInput(z, labels, gan.config.classes), { training: true }) as tf.Tensor4D;
    return generatorLoss(gan, discriminatorFor(gan, batches.length)(fake), labels);
  }, gan.generatorVariables);
  gan.generatorOptimizer.applyGradients(grads);
  return { discriminator: discriminator!, generator: value };
}
