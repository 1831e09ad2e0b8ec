/**
 * WGAN-GP: Gulrajani, Ahmed, Arjovsky, Dumoulin & Courville 2017, "Improved Training of
 * Wasserstein GANs", Algorithm 1. Per step, `n_critic` (`criticSteps`, 5 in the paper) critic
 * updates, each on its own real batch and fake batch (lines 2-10), descending Eq. 3:
 *
 *   `L = D(x_fake) - D(x_real) + lambda (||grad_x_hat D(x_hat)||_2 - 1)^2`,
 *   `x_hat = epsilon x_real + (1 - epsilon) x_fake`, `epsilon ~ U[0, 1]` per example,
 *
 * then one generator update descending `-D(G(z))` (lines 11-12), all means over the batch. The
 * critic has no batch norm (the penalty is per example; `resolveGanConfig` defaults it to none).
 *
 * Tricks this step opts into when the config asks: spectral normalization's power iteration before
 * each use of the critic, and the critic's input translated (`discriminatorFor`; packing is refused
 * for WGAN-GP by the config). The generator's moving average is updated by the caller.
 */
import * as tf from '@tensorflow/tfjs';

import { STREAMS, streamRandom } from '../internal/random-streams';
import { powerIterate } from '../tricks/spectral-power-iteration';
import { discriminatorFor } from '../training/discriminate';
import type { GanState, RealBatch } from '../training/gan-step';
import { stepNoise } from '../training/step-noise';
import { gradientPenalty } from './gradient-penalty';

/**
 * One critic update (Algorithm 1, lines 3-9) on `real` and a fake batch made outside any gradient
 * tape from noise (step, k): returns the loss, the Wasserstein estimate `mean D(real) - mean D(fake)`
 * and the penalty term.
 */
function updateCritic(gan: GanState, real: tf.Tensor4D, k: number): Record<string, tf.Scalar> {
  powerIterate(gan.discriminator);
  const count = real.shape[0];
  const fake = tf.tidy(() => gan.generator.apply(stepNoise(gan, count, k), { training: true }) as tf.Tensor4D);
  const critic = discriminatorFor(gan, k);
  const terms: Record<string, tf.Scalar> = {};
  const { value, grads } = tf.variableGrads(() => {
    const random = streamRandom(gan.seed, STREAMS.epsilon, gan.step, k);
    const epsilon = tf.tensor1d(Float32Array.from({ length: count }, () => random()));
    const distance: tf.Scalar = tf.sub(tf.mean(critic(real)), tf.mean(critic(fake)));
    const penalty = gradientPenalty(critic, real, fake, epsilon, gan.config.gradientPenalty);
    terms['wassersteinDistance'] = tf.keep(distance);
    terms['gradientPenalty'] = tf.keep(penalty);
    return tf.add(tf.neg(distance), penalty) as tf.Scalar;
  }, gan.discriminatorVariables);
  gan.discriminatorOptimizer.applyGradients(grads);
  return { discriminator: value, ...terms };
}

/**
 * One WGAN-GP step: `batches.length` (`criticSteps`) critic updates, then one generator update.
 * Returns the last critic update's loss, Wasserstein estimate and penalty, and the generator loss.
 *
 * @example
 * ```ts
 * const losses = tf.tidy(() => wganGpStep(trainer, batches)); // batches.length === trainer.config.criticSteps
 * ```
 * @category Algorithms
 */
export function wganGpStep(gan: GanState, batches: RealBatch[]): Record<string, tf.Scalar> {
  // ---- n_critic critic updates; only the last one's losses are reported
  let critic: Record<string, tf.Scalar> = {};
  batches.forEach((batch, k) => {
    tf.dispose(Object.values(critic));
    critic = updateCritic(gan, batch.images, k);
  });

  // ---- one generator update, on the noise of the first critic update, through the updated critic
  const z = stepNoise(gan, batches[0].images.shape[0], 0);
  powerIterate(gan.discriminator);
  const { value, grads } = tf.variableGrads(() => {
    const fake = gan.generator.apply(z, { training: true }) as tf.Tensor4D;
    return tf.neg(tf.mean(discriminatorFor(gan, batches.length)(fake))) as tf.Scalar;
  }, gan.generatorVariables);
  gan.generatorOptimizer.applyGradients(grads);
  return { ...critic, generator: value };
}
