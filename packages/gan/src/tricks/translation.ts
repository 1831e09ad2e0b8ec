/**
 * DiffAugment's translation (Zhao et al. 2020, "Differentiable Augmentation for Data-Efficient GAN
 * Training", its `rand_translation`): every image the discriminator sees, real or
 * generated, in either network's update, moves by a random whole number of pixels. Differentiable,
 * so the generator learns through it. Opted into with `GanConfig.discriminatorTranslation`.
 */
import * as tf from '@tensorflow/tfjs';
import { randomCrop } from '@bigmodel/core';

/**
 * Each image of `images` (values in [-1, 1]) shifted by a random whole number of pixels in
 * `[-padding, padding]` on each axis, drawn from `random`, the uncovered border filled with -1
 * (shifting `images + 1` with zero padding, then subtracting 1).
 *
 * @example
 * ```ts
 * const shifted = translateImages(images, 2, mulberry32(0)); // shifts of -2..2 pixels
 * ```
 * @category Tricks
 */
export function translateImages(images: tf.Tensor, padding: number, random: () => number): tf.Tensor {
  return tf.sub(randomCrop(tf.add(images, 1) as tf.Tensor4D, { padding, random }), 1);
}

/**
 * The translation's largest shift in pixels for `fraction` of an image `size` pixels wide
 * (`GanConfig.discriminatorTranslation`; 0 is off).
 *
 * @category Tricks
 */
export function translationPadding(fraction: number, size: number): number {
  return Math.round(fraction * size);
}
