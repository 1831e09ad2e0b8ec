import { InvalidArgumentError, type RgbImage } from '@bigmodel/core';

/**
 * Lays out `count` images (`height x width x channels` floats each, NHWC, values in [0, 1]) as one
 * grid image with `columns` columns and `padding` black pixels between and around cells, ready for
 * core's `writePng`.
 *
 * @example
 * ```ts
 * writePng('samples.png', imageGrid(pixels, { count: 64, shape: [28, 28, 1], columns: 8 }));
 * ```
 * @category IO
 */
export function imageGrid(
  pixels: Float32Array,
  options: { count: number; shape: [number, number, number]; columns: number; padding?: number },
): RgbImage {
  const { count, shape, columns, padding = 2 } = options;
  const [height, width, channels] = shape;
  if (!Number.isInteger(columns) || columns <= 0)
    throw new InvalidArgumentError({ parameter: 'columns', value: columns, message: 'Must be an integer > 0.' });
  if (channels !== 1 && channels !== 3)
    throw new InvalidArgumentError({ parameter: 'shape', value: shape, message: 'Channels must be 1 or 3.' });
  if (pixels.length !== count * height * width * channels) {
    throw new InvalidArgumentError({
      parameter: 'pixels',
      value: `${pixels.length} values`,
      message: `count * height * width * channels = ${count * height * width * channels} values expected.`,
    });
  }
  const rows = Math.ceil(count / columns);
  const gridHeight = rows * (height + padding) + padding;
  const gridWidth = columns * (width + padding) + padding;
  const data = new Uint8Array(gridHeight * gridWidth * channels);
  for (let n = 0; n < count; n++) {
    const top = padding + Math.floor(n / columns) * (height + padding);
    const left = padding + (n % columns) * (width + padding);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        for (let c = 0; c < channels; c++) {
          const v = pixels[((n * height + y) * width + x) * channels + c];
          data[((top + y) * gridWidth + left + x) * channels + c] = Math.round(255 * Math.min(1, Math.max(0, v)));
        }
      }
    }
  }
  return { height: gridHeight, width: gridWidth, channels: channels as 1 | 3, data };
}
