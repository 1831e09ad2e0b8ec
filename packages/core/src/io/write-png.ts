import { PNG } from 'pngjs';

import { InvalidArgumentError } from '../errors';
import { writeFileAtomic } from './write-file-atomic';

/**
 * An image in memory: `height x width` pixels of `channels` interleaved bytes (0..255), row-major,
 * as an environment's `render()` returns a frame or a GAN's sample grid is laid out.
 * @category IO
 */
export interface RgbImage {
  /** Rows. */
  height: number;
  /** Columns. */
  width: number;
  /** 1 (gray), 3 (RGB) or 4 (RGBA) bytes per pixel. */
  channels: 1 | 3 | 4;
  /** `height * width * channels` bytes. */
  data: Uint8Array | Uint8ClampedArray;
}

/**
 * Writes an image as a PNG file, atomically (see {@link writeFileAtomic}), so a dashboard polling
 * the file never reads half of it.
 *
 * @example
 * ```ts
 * writePng('runs/gan/images/epoch-3.png', { height: 2, width: 2, channels: 1, data: new Uint8Array([0, 255, 255, 0]) });
 * ```
 * @category IO
 */
export function writePng(path: string, image: RgbImage): void {
  const { height, width, channels, data } = image;
  if (!Number.isInteger(height) || height <= 0)
    throw new InvalidArgumentError({ parameter: 'image.height', value: height, message: 'must be a positive integer' });
  if (!Number.isInteger(width) || width <= 0)
    throw new InvalidArgumentError({ parameter: 'image.width', value: width, message: 'must be a positive integer' });
  if (channels !== 1 && channels !== 3 && channels !== 4)
    throw new InvalidArgumentError({ parameter: 'image.channels', value: channels, message: 'must be 1, 3 or 4' });
  if (data.length !== height * width * channels) {
    throw new InvalidArgumentError({
      parameter: 'image.data',
      value: `${data.length} bytes`,
      message: `must hold height * width * channels = ${height * width * channels} bytes`,
    });
  }
  const png = new PNG({ width, height });
  for (let p = 0; p < height * width; p++) {
    const source = p * channels;
    const target = p * 4;
    if (channels === 1) {
      png.data[target] = png.data[target + 1] = png.data[target + 2] = data[source];
      png.data[target + 3] = 255;
    } else {
      png.data[target] = data[source];
      png.data[target + 1] = data[source + 1];
      png.data[target + 2] = data[source + 2];
      png.data[target + 3] = channels === 4 ? data[source + 3] : 255;
    }
  }
  writeFileAtomic(path, PNG.sync.write(png));
}
