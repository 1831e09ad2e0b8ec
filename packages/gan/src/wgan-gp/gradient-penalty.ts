/**
 * WGAN-GP's gradient penalty: Gulrajani et al. 2017, "Improved Training of Wasserstein GANs",
 * Eq. 3 and Algorithm 1, lines 6-7.
 */
import * as tf from '@tensorflow/tfjs';

/**
 * The WGAN-GP gradient penalty `lambda * mean_i (||d critic(x_hat_i) / d x_hat_i||_2 - 1)^2` at
 * `x_hat = epsilon * real + (1 - epsilon) * fake`, with `epsilon` one value per example. Written
 * with `tf.grad` so that its own gradient with respect to the critic's weights can be taken
 * (every op of the critic must have a second-order gradient; see {@link SmoothGradLeakyReLU}).
 *
 * @param critic maps images to `[batch, 1]` scores
 * @param epsilon `[batch]` interpolation weights in [0, 1]
 * @example
 * ```ts
 * const penalty = gradientPenalty((x) => critic.apply(x) as tf.Tensor, real, fake, tf.randomUniform([64]), 10);
 * ```
 * @category Algorithms
 */
export function gradientPenalty(
  critic: (x: tf.Tensor) => tf.Tensor,
  real: tf.Tensor4D,
  fake: tf.Tensor4D,
  epsilon: tf.Tensor1D,
  lambda: number,
): tf.Scalar {
  return tf.tidy(() => {
    const e = tf.reshape(epsilon, [-1, 1, 1, 1]);
    const interpolated = tf.add(tf.mul(e, real), tf.mul(tf.sub(1, e), fake));
    const gradient = tf.grad((x: tf.Tensor) => tf.sum(tf.slice(critic(x), [0, 0], [-1, 1])))(interpolated);
    // The 1e-12 keeps sqrt's own gradient finite where a gradient vanishes.
    const norms = tf.sqrt(tf.add(tf.sum(tf.square(gradient), [1, 2, 3]), 1e-12));
    return tf.mul(tf.mean(tf.square(tf.sub(norms, 1))), lambda) as tf.Scalar;
  });
}
