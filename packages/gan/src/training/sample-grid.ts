/**
 * The fixed-noise sample grid a run writes after every epoch (`samples/epoch-<n>.png`).
 */
import * as tf from '@tensorflow/tfjs';
import { writePng } from '@bigmodel/core';

import { imageGrid } from '../io/image-grid';
import { STREAMS } from '../internal/random-streams';
import type { GanTrainer } from './gan-trainer';

/**
 * The fixed noise (and classes) of the per-epoch sample grid: 64 images, or 10 per class for the conditional GAN.
 *
 * @category Training
 */
export function fixedSamples(trainer: GanTrainer): { z: tf.Tensor2D; labels?: Uint8Array; columns: number } {
  const { kind, classes } = trainer.config;
  if (kind === 'cgan') {
    const labels = Uint8Array.from({ length: classes * 10 }, (_, i) => Math.floor(i / 10));
    return { z: trainer.noise(labels.length, STREAMS.fixed, 0), labels, columns: 10 };
  }
  return { z: trainer.noise(64, STREAMS.fixed, 0), columns: 8 };
}

/**
 * Writes the trainer's fixed-noise sample grid (batch norm in inference mode) as a PNG.
 *
 * @example
 * ```ts
 * await writeSampleGrid(trainer, 'runs/dcgan/samples/epoch-1.png');
 * ```
 * @category Training
 */
export async function writeSampleGrid(trainer: GanTrainer, path: string): Promise<void> {
  const { z, labels, columns } = fixedSamples(trainer);
  const images = tf.tidy(() => tf.div(tf.add(trainer.generate(z, labels), 1), 2));
  try {
    const pixels = (await images.data()) as Float32Array;
    writePng(path, imageGrid(pixels, { count: z.shape[0], shape: trainer.config.imageShape, columns }));
  } finally {
    tf.dispose([z, images]);
  }
}
