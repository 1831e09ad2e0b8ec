import * as tf from '@tensorflow/tfjs';
import { PNG } from 'pngjs';

import { FileFormatError } from '../errors';
import { pngSize } from '../io/png-size';
import { readRegularFile } from '../io/read-regular-file';

/** The largest PNG file read, in bytes. */
const MAX_PNG_BYTES = 256 * 1024 * 1024;

/**
 * Reads a PNG into a `[1, height, width, channels]` float tensor in [0, 1], resized (bilinear) to
 * `height x width` and converted to 1 (luminance) or 3 (RGB) channels, as a model expects.
 * The file must be a regular file; the dimensions its header declares are checked before it is
 * decoded (at most `options.maxPixels`, default 4096 x 4096), so a small file declaring a huge image
 * is a FileFormatError, not gigabytes of memory.
 *
 * @example
 * ```ts
 * const x = readPng('digit.png', { height: 28, width: 28, channels: 1 });
 * ```
 * @category Inference
 */
export function readPng(
  path: string,
  shape: { height: number; width: number; channels: 1 | 3 },
  options: { maxPixels?: number } = {},
): tf.Tensor4D {
  const bytes = readRegularFile(path, { maxBytes: MAX_PNG_BYTES });
  pngSize(bytes, path, options);
  let png: PNG;
  try {
    png = PNG.sync.read(bytes);
  } catch (cause) {
    throw new FileFormatError({ path, problem: 'is not a readable PNG image', cause });
  }
  return tf.tidy(() => {
    const rgba = tf.tensor3d(new Uint8Array(png.data), [png.height, png.width, 4], 'int32').toFloat().div(255);
    const rgb = rgba.slice([0, 0, 0], [-1, -1, 3]);
    const alpha = rgba.slice([0, 0, 3], [-1, -1, 1]);
    const composed = rgb.mul(alpha); // over black, as MNIST digits are light on dark
    const channels = shape.channels === 1 ? composed.mul(tf.tensor1d([0.299, 0.587, 0.114])).sum(-1, true) : composed;
    return tf.image.resizeBilinear(channels.expandDims(0) as tf.Tensor4D, [shape.height, shape.width]) as tf.Tensor4D;
  });
}
