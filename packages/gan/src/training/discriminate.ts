/**
 * The discriminator as the step functions call it in training: batch norm in training mode, the
 * input translated (tricks/translation) and then packed (tricks/packing) when the config opts
 * into those tricks.
 */
import type * as tf from '@tensorflow/tfjs';

import { STREAMS, streamRandom } from '../internal/random-streams';
import { packImages } from '../tricks/packing';
import { translateImages, translationPadding } from '../tricks/translation';
import type { GanState } from './gan-step';

/**
 * The discriminator (training mode) for update `k` of the current step: call `i` of the returned
 * function translates its images with draws from (seed, step, k, i), so a resumed run shifts the
 * same way. The generator's update uses `k = config.criticSteps`.
 */
export function discriminatorFor(gan: GanState, k: number): (images: tf.Tensor) => tf.Tensor2D {
  const { discriminatorTranslation, discriminatorPacking, imageShape } = gan.config;
  const padding = translationPadding(discriminatorTranslation, imageShape[0]);
  let call = 0;
  return (images) => {
    const random = padding === 0 ? undefined : streamRandom(gan.seed, STREAMS.translation, gan.step, k, call);
    call++;
    const seen = random === undefined ? images : translateImages(images, padding, random);
    const packed = discriminatorPacking === 1 ? seen : packImages(seen as tf.Tensor4D, discriminatorPacking);
    return gan.discriminator.apply(packed, { training: true }) as tf.Tensor2D;
  };
}
