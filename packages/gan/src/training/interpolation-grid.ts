import * as tf from '@tensorflow/tfjs';
import { InvalidArgumentError, writePng } from '@bigmodel/core';

import { imageGrid } from '../io/image-grid';
import type { GanTrainer } from './gan-trainer';
import { STREAMS } from '../internal/random-streams';

/**
 * Writes a latent interpolation grid (the DCGAN paper's "walking in the latent space"): each of
 * `rows` rows goes in `steps` equal steps along the straight line between two noise vectors drawn
 * with `seed`. For the conditional GAN, row r keeps class `r % classes`.
 *
 * @example
 * ```ts
 * await writeInterpolationGrid(trainer, 'runs/dcgan/interpolation.png', { rows: 8, steps: 10, seed: 0 });
 * ```
 * @category Training
 */
export async function writeInterpolationGrid(
  trainer: GanTrainer,
  path: string,
  options: { rows?: number; steps?: number; seed?: number } = {},
): Promise<void> {
  const { rows = 8, steps = 10, seed = 0 } = options;
  if (!Number.isInteger(rows) || rows <= 0)
    throw new InvalidArgumentError({ parameter: 'rows', value: rows, message: 'Must be an integer > 0.' });
  if (!Number.isInteger(steps) || steps < 2)
    throw new InvalidArgumentError({ parameter: 'steps', value: steps, message: 'Must be an integer >= 2.' });
  const { nz, kind, classes } = trainer.config;
  const start = trainer.noise(rows, STREAMS.sample, seed, 1_000_000);
  const end = trainer.noise(rows, STREAMS.sample, seed, 1_000_001);
  const z = tf.tidy(() => {
    const t = tf.tensor1d(Array.from({ length: steps }, (_, i) => i / (steps - 1))).reshape([1, steps, 1]);
    const a = start.reshape([rows, 1, nz]);
    const b = end.reshape([rows, 1, nz]);
    return tf.add(a, tf.mul(t, tf.sub(b, a))).reshape([rows * steps, nz]) as tf.Tensor2D;
  });
  const labels = kind === 'cgan' ? Uint8Array.from({ length: rows * steps }, (_, i) => Math.floor(i / steps) % classes) : undefined;
  const images = tf.tidy(() => tf.div(tf.add(trainer.generate(z, labels), 1), 2));
  try {
    const pixels = (await images.data()) as Float32Array;
    writePng(path, imageGrid(pixels, { count: rows * steps, shape: trainer.config.imageShape, columns: steps }));
  } finally {
    tf.dispose([start, end, z, images]);
  }
}
