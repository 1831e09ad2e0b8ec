/**
 * PacGAN's packing (Lin et al. 2018, "PacGAN: The power of two samples in generative adversarial
 * networks"): the discriminator judges `m` samples at once, concatenated along the
 * channels. Opted into with `GanConfig.discriminatorPacking`.
 */
import * as tf from '@tensorflow/tfjs';
import { InvalidArgumentError } from '@bigmodel/core';

/**
 * PacGAN's packing: `[batch, h, w, c]` images to `[batch / m, h, w, m * c]` packs of `m`
 * consecutive images concatenated along the channels (pack `p` holds images `p * m ... p * m + m - 1`,
 * image `j` of the pack in channels `j * c ... j * c + c - 1`). Differentiable (a reshape and a
 * transpose), so the generator learns through a packed discriminator.
 *
 * @example
 * ```ts
 * packImages(tf.zeros([64, 28, 28, 1]), 2); // [32, 28, 28, 2]
 * ```
 * @category Tricks
 */
export function packImages(images: tf.Tensor4D, m: number): tf.Tensor4D {
  const [batch, height, width, channels] = images.shape;
  if (!Number.isInteger(m) || m < 1 || batch % m !== 0) {
    throw new InvalidArgumentError({ parameter: 'm', value: m, message: `Must be a positive integer dividing the batch (${batch}).` });
  }
  return tf.tidy(() => {
    const members = tf.reshape(images, [batch / m, m, height * width, channels]);
    return tf.reshape(tf.transpose(members, [0, 2, 1, 3]), [batch / m, height, width, m * channels]);
  });
}
