/**
 * Spectral normalization's power iteration (Miyato et al. 2018, "Spectral Normalization for
 * Generative Adversarial Networks", Algorithm 1): one step per normalized layer before each use of
 * the discriminator in training. The layers themselves are in `models/spectral-norm.ts`; opted into
 * with `GanConfig.discriminatorNormalization: 'spectral'`.
 */
import type * as tf from '@tensorflow/tfjs';

import { isSpectralNormalized } from '../models/spectral-norm';

/**
 * Runs one power-iteration step of every spectrally normalized layer of `network` (none: nothing
 * happens). `u` and `v` are variables only this assigns, so they are constants to every gradient.
 *
 * @example
 * ```ts
 * powerIterate(gan.discriminator); // before a discriminator update
 * ```
 * @category Tricks
 */
export function powerIterate(network: tf.Sequential): void {
  for (const layer of network.layers) if (isSpectralNormalized(layer)) layer.powerIterate();
}
