/**
 * A deterministic synthetic image dataset in CIFAR-10's binary format, for the zoo's
 * CIFAR-10-format network: real CIFAR-10 cannot be downloaded or shipped here. Each 32x32 RGB
 * image is one of ten shape classes drawn in a random colour, size and place on a random
 * background with pixel noise. The same seed gives the same bytes on every machine.
 */
import { InvalidArgumentError, mulberry32 } from '@bigmodel/core';

/**
 * The ten classes of {@link syntheticShapesCifar}, in label order.
 *
 * @category Data
 */
export const SYNTHETIC_SHAPE_CLASSES = [
  'disk',
  'square',
  'triangle',
  'ring',
  'plus',
  'cross',
  'horizontal-stripes',
  'vertical-stripes',
  'diagonal-stripes',
  'checkerboard',
] as const;

const SIDE = 32;
const RECORD = 1 + 3 * SIDE * SIDE;

/** Whether pixel offset (dx, dy) from the centre, with half-size r, lies inside shape `label`. */
function inside(label: number, dx: number, dy: number, r: number, x: number, y: number, period: number): boolean {
  const ax = Math.abs(dx);
  const ay = Math.abs(dy);
  const box = ax <= r && ay <= r;
  switch (label) {
    case 0:
      return dx * dx + dy * dy <= r * r;
    case 1:
      return box;
    case 2:
      return dy <= r && dy >= -r && ax <= (dy + r) / 2;
    case 3: {
      const d = Math.sqrt(dx * dx + dy * dy);
      return d <= r && d >= r * 0.55;
    }
    case 4:
      return box && (ax <= r * 0.3 || ay <= r * 0.3);
    case 5:
      return box && Math.abs(ax - ay) <= r * 0.3;
    case 6:
      return box && Math.floor(y / period) % 2 === 0;
    case 7:
      return box && Math.floor(x / period) % 2 === 0;
    case 8:
      return box && Math.floor((x + y) / period) % 2 === 0;
    default:
      return box && (Math.floor(x / period) + Math.floor(y / period)) % 2 === 0;
  }
}

/**
 * `count` images in CIFAR-10 binary records (label byte, then 1024 red, 1024 green, 1024 blue
 * bytes), labels cycling through the ten classes, drawn from `seed`.
 *
 * @example
 * ```ts
 * const bytes = syntheticShapesCifar({ count: 1000, seed: 0 });
 * const dataset = decodeCifar10(bytes); // from @bigmodel/core
 * ```
 * @category Data
 */
export function syntheticShapesCifar(options: { count: number; seed: number }): Uint8Array {
  const { count, seed } = options;
  if (!Number.isInteger(count) || count < 1)
    throw new InvalidArgumentError({ parameter: 'options.count', value: count, message: 'Must be a positive integer.' });
  if (!Number.isInteger(seed)) throw new InvalidArgumentError({ parameter: 'options.seed', value: seed, message: 'Must be an integer.' });
  const random = mulberry32(seed);
  const bytes = new Uint8Array(count * RECORD);
  for (let n = 0; n < count; n++) {
    const label = n % SYNTHETIC_SHAPE_CLASSES.length;
    const background = [random(), random(), random()].map((v) => v * 0.6);
    // The foreground differs from the background by at least 0.3 in some channel, so shapes stay visible.
    const foreground = background.map((v) => Math.min(1, v + 0.3 + random() * 0.4));
    const r = 6 + random() * 7;
    const cx = r + random() * (SIDE - 2 * r);
    const cy = r + random() * (SIDE - 2 * r);
    const period = 2 + Math.floor(random() * 3);
    const record = n * RECORD;
    bytes[record] = label;
    for (let y = 0; y < SIDE; y++) {
      for (let x = 0; x < SIDE; x++) {
        const on = inside(label, x + 0.5 - cx, y + 0.5 - cy, r, x, y, period);
        for (let c = 0; c < 3; c++) {
          const value = (on ? foreground[c] : background[c]) + (random() - 0.5) * 0.16;
          bytes[record + 1 + c * SIDE * SIDE + y * SIDE + x] = Math.round(Math.min(1, Math.max(0, value)) * 255);
        }
      }
    }
  }
  return bytes;
}
