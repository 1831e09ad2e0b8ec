/**
 * Seeded image augmentation for NHWC batches. Random draws come from a JavaScript generator (pass
 * `mulberry32(seed)`), so the same seed gives the same images on every backend.
 */
import * as tf from '@tensorflow/tfjs';

import { InvalidArgumentError, ShapeError } from '../errors';

function assertImages(x: tf.Tensor, parameter: string): asserts x is tf.Tensor4D {
  if (x.rank !== 4) throw new ShapeError({ parameter, expected: '[batch, height, width, channels] (NHWC)', actual: x.shape });
}

/**
 * Pads each image by `padding` zeros on every side and takes a random `height x width` window (the
 * standard CIFAR augmentation): each image is shifted by up to `padding` pixels.
 * @example
 * ```ts
 * const crop = randomCrop(batch, { padding: 4, random: mulberry32(epoch) });
 * ```
 * @category Data
 */
export function randomCrop(images: tf.Tensor4D, options: { padding: number; random: () => number }): tf.Tensor4D {
  assertImages(images, 'images');
  const { padding, random } = options;
  if (!Number.isInteger(padding) || padding < 0)
    throw new InvalidArgumentError({ parameter: 'options.padding', value: padding, message: 'Must be an integer >= 0.' });
  const [n, h, w] = images.shape;
  return tf.tidy(() => {
    const padded = tf.pad(images, [
      [0, 0],
      [padding, padding],
      [padding, padding],
      [0, 0],
    ]);
    const crops = Array.from({ length: n }, (_, i) => {
      const dy = Math.floor(random() * (2 * padding + 1));
      const dx = Math.floor(random() * (2 * padding + 1));
      return tf.slice(padded, [i, dy, dx, 0], [1, h, w, -1]);
    });
    return tf.concat(crops, 0) as tf.Tensor4D;
  });
}

/**
 * Mirrors each image left-right with probability `probability` (default 0.5).
 * @example
 * ```ts
 * const flipped = randomHorizontalFlip(batch, { random: mulberry32(1) });
 * ```
 * @category Data
 */
export function randomHorizontalFlip(images: tf.Tensor4D, options: { random: () => number; probability?: number }): tf.Tensor4D {
  assertImages(images, 'images');
  const { random, probability = 0.5 } = options;
  if (!(probability >= 0 && probability <= 1))
    throw new InvalidArgumentError({ parameter: 'options.probability', value: probability, message: 'Must be in [0, 1].' });
  const n = images.shape[0];
  const flip = Float32Array.from({ length: n }, () => (random() < probability ? 1 : 0));
  return tf.tidy(() => {
    const mask = tf.tensor4d(flip, [n, 1, 1, 1]);
    return tf.add(tf.mul(tf.reverse(images, 2), mask), tf.mul(images, tf.sub(1, mask))) as tf.Tensor4D;
  });
}

/**
 * Zooms each image by a random factor in [min, max] (bilinear) and crops or zero-pads it back to
 * its size, centered.
 * @example
 * ```ts
 * const zoomed = randomScale(batch, { min: 0.9, max: 1.1, random: mulberry32(2) });
 * ```
 * @category Data
 */
export function randomScale(images: tf.Tensor4D, options: { min: number; max: number; random: () => number }): tf.Tensor4D {
  assertImages(images, 'images');
  const { min, max, random } = options;
  if (!(min > 0 && max >= min)) throw new InvalidArgumentError({ parameter: 'options.min', value: min, message: 'Need 0 < min <= max.' });
  const [n, h, w] = images.shape;
  return tf.tidy(() => {
    const out = Array.from({ length: n }, (_, i) => {
      const s = min + (max - min) * random();
      const sh = Math.max(1, Math.round(h * s));
      const sw = Math.max(1, Math.round(w * s));
      const resized = tf.image.resizeBilinear(tf.slice(images, [i, 0, 0, 0], [1, h, w, -1]), [sh, sw]);
      const top = Math.floor((sh - h) / 2);
      const left = Math.floor((sw - w) / 2);
      const cropped = tf.slice(resized, [0, Math.max(0, top), Math.max(0, left), 0], [1, Math.min(h, sh), Math.min(w, sw), -1]);
      const padTop = Math.max(0, -top);
      const padLeft = Math.max(0, -left);
      return tf.pad(cropped, [
        [0, 0],
        [padTop, h - Math.min(h, sh) - padTop],
        [padLeft, w - Math.min(w, sw) - padLeft],
        [0, 0],
      ]);
    });
    return tf.concat(out, 0) as tf.Tensor4D;
  });
}

/**
 * Options of {@link randomAffine}.
 *
 * @category Data
 */
export interface RandomAffineOptions {
  /** Largest rotation in degrees: each image turns by an angle drawn in [-rotation, rotation] (default 0). */
  rotation?: number;
  /** Range of the zoom factor, drawn uniformly (default [1, 1]: no zoom). */
  scale?: [number, number];
  /** Largest shift in pixels on each axis, drawn uniformly in [-shift, shift] (sub-pixel; default 0). */
  shift?: number;
  /** The generator of the draws (e.g. `mulberry32(seed)`); four draws per image: angle, zoom, shift x, shift y. */
  random: () => number;
}

/**
 * Moves each image by its own random affine transform about the image center: a rotation, a zoom
 * and a shift, resampled bilinearly with zero fill, in one `Transform` kernel call (the classic
 * augmentation for digits). A positive angle turns the content clockwise as displayed (rows
 * downward); a zoom above 1 enlarges it. With the defaults it is the identity.
 * @example
 * ```ts
 * const moved = randomAffine(batch, { rotation: 10, scale: [0.9, 1.1], shift: 2, random: mulberry32(step) });
 * ```
 * @category Data
 */
export function randomAffine(images: tf.Tensor4D, options: RandomAffineOptions): tf.Tensor4D {
  assertImages(images, 'images');
  const { rotation = 0, scale = [1, 1], shift = 0, random } = options;
  if (!(rotation >= 0 && rotation <= 180))
    throw new InvalidArgumentError({ parameter: 'options.rotation', value: rotation, message: 'Must be in [0, 180] degrees.' });
  if (!(scale.length === 2 && scale[0] > 0 && scale[1] >= scale[0]))
    throw new InvalidArgumentError({ parameter: 'options.scale', value: scale, message: 'Need [min, max] with 0 < min <= max.' });
  if (!(shift >= 0)) throw new InvalidArgumentError({ parameter: 'options.shift', value: shift, message: 'Must be >= 0 pixels.' });
  const [n, h, w] = images.shape;
  const cx = (w - 1) / 2;
  const cy = (h - 1) / 2;
  // Per image, the projective map from an output pixel p to the input pixel it samples:
  // q = c + R(-angle) (p - c - t) / zoom, rows [a0 a1 a2; b0 b1 b2; 0 0 1].
  const transforms = new Float32Array(n * 8);
  for (let i = 0; i < n; i++) {
    const angle = ((2 * random() - 1) * rotation * Math.PI) / 180;
    const zoom = scale[0] + (scale[1] - scale[0]) * random();
    const tx = (2 * random() - 1) * shift;
    const ty = (2 * random() - 1) * shift;
    const a0 = Math.cos(angle) / zoom;
    const a1 = Math.sin(angle) / zoom;
    const b0 = -a1;
    const b1 = a0;
    transforms.set([a0, a1, cx - a0 * (cx + tx) - a1 * (cy + ty), b0, b1, cy - b0 * (cx + tx) - b1 * (cy + ty), 0, 0], i * 8);
  }
  return tf.tidy(() => tf.image.transform(images, tf.tensor2d(transforms, [n, 8]), 'bilinear', 'constant', 0));
}

/**
 * Options of {@link randomElastic}.
 *
 * @category Data
 */
export interface RandomElasticOptions {
  /** Scale of the displacement in pixels per unit of the smoothed field (Simard et al. use 34 on 28x28 digits). */
  alpha: number;
  /** Standard deviation in pixels of the Gaussian that smooths the random field (Simard et al.: 4). */
  sigma: number;
  /** The generator of the draws (e.g. `mulberry32(seed)`); `2 * height * width` draws per image (x field, then y). */
  random: () => number;
}

/** A normalized 1-D Gaussian kernel of standard deviation `sigma`, truncated at 3 sigma. */
function gaussianKernel(sigma: number): Float64Array {
  const radius = Math.max(1, Math.ceil(3 * sigma));
  const kernel = new Float64Array(2 * radius + 1);
  let sum = 0;
  for (let i = -radius; i <= radius; i++) sum += kernel[i + radius] = Math.exp(-(i * i) / (2 * sigma * sigma));
  for (let i = 0; i < kernel.length; i++) kernel[i] /= sum;
  return kernel;
}

/** Separable Gaussian blur of an `h x w` field in place, zero outside the field. */
function blurField(field: Float64Array, h: number, w: number, kernel: Float64Array): void {
  const radius = (kernel.length - 1) / 2;
  const tmp = new Float64Array(h * w);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let acc = 0;
      for (let k = -radius; k <= radius; k++) if (x + k >= 0 && x + k < w) acc += kernel[k + radius] * field[y * w + x + k];
      tmp[y * w + x] = acc;
    }
  }
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let acc = 0;
      for (let k = -radius; k <= radius; k++) if (y + k >= 0 && y + k < h) acc += kernel[k + radius] * tmp[(y + k) * w + x];
      field[y * w + x] = acc;
    }
  }
}

/**
 * Deforms each image by its own smooth random displacement field (Simard, Steinkraus & Platt 2003,
 * "elastic distortions"): a field of uniform draws in [-1, 1] per pixel and axis, blurred by a
 * Gaussian of standard deviation `sigma` (zero outside the image) and scaled by `alpha`, moves the
 * pixel at (row y, column x) to sample the input at (y + dy, x + dx), bilinearly, with zero fill.
 * All channels share the field. The fields are drawn in JavaScript and the resampling runs on the
 * device (a gather of the four neighbours), so no value is read back (it works on webgpu).
 * @example
 * ```ts
 * const warped = randomElastic(batch, { alpha: 34, sigma: 4, random: mulberry32(step) });
 * ```
 * @category Data
 */
export function randomElastic(images: tf.Tensor4D, options: RandomElasticOptions): tf.Tensor4D {
  assertImages(images, 'images');
  const { alpha, sigma, random } = options;
  if (!(alpha >= 0 && Number.isFinite(alpha)))
    throw new InvalidArgumentError({ parameter: 'options.alpha', value: alpha, message: 'Must be a finite number >= 0.' });
  if (!(sigma > 0 && Number.isFinite(sigma)))
    throw new InvalidArgumentError({ parameter: 'options.sigma', value: sigma, message: 'Must be a finite number > 0.' });
  const [n, h, w, c] = images.shape;
  // The displacement fields are drawn and blurred in JavaScript; the images never leave the device:
  // each output pixel gathers its four bilinear neighbours with weights (0 for a neighbour outside).
  const corners = new Int32Array(n * h * w * 4);
  const weights = new Float32Array(n * h * w * 4);
  const kernel = gaussianKernel(sigma);
  const dx = new Float64Array(h * w);
  const dy = new Float64Array(h * w);
  for (let i = 0; i < n; i++) {
    for (let p = 0; p < h * w; p++) dx[p] = 2 * random() - 1;
    for (let p = 0; p < h * w; p++) dy[p] = 2 * random() - 1;
    blurField(dx, h, w, kernel);
    blurField(dy, h, w, kernel);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const sy = y + alpha * dy[y * w + x];
        const sx = x + alpha * dx[y * w + x];
        const y0 = Math.floor(sy);
        const x0 = Math.floor(sx);
        const fy = sy - y0;
        const fx = sx - x0;
        const at = ((i * h + y) * w + x) * 4;
        const neighbours: [number, number, number][] = [
          [y0, x0, (1 - fy) * (1 - fx)],
          [y0, x0 + 1, (1 - fy) * fx],
          [y0 + 1, x0, fy * (1 - fx)],
          [y0 + 1, x0 + 1, fy * fx],
        ];
        neighbours.forEach(([row, column, weight], k) => {
          const inside = row >= 0 && row < h && column >= 0 && column < w;
          corners[at + k] = inside ? (i * h + row) * w + column : 0;
          weights[at + k] = inside ? weight : 0;
        });
      }
    }
  }
  return tf.tidy(() => {
    const pixels = tf.reshape(images, [n * h * w, c]);
    const gathered = tf.reshape(tf.gather(pixels, tf.tensor1d(corners, 'int32')), [n * h * w, 4, c]);
    const mixed = tf.sum(tf.mul(gathered, tf.tensor3d(weights, [n * h * w, 4, 1])), 1);
    return tf.reshape(mixed, [n, h, w, c]) as tf.Tensor4D;
  });
}
