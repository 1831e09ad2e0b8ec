import { FileFormatError } from '../errors';

/**
 * The most pixels {@link pngSize} accepts when no `maxPixels` is given: 4096 x 4096 (64 MiB decoded as RGBA).
 *
 * @category IO
 */
export const DEFAULT_MAX_PNG_PIXELS = 4096 * 4096;

const SIGNATURE = [137, 80, 78, 71, 13, 10, 26, 10];

/**
 * The width and height a PNG's header (IHDR) declares, read from its first 24 bytes without
 * decoding anything, so that an image too large to decode is refused before it is: a PNG of
 * 20000 x 20000 is a few hundred KB on disk and 1.6 GB decoded. Refused with a
 * {@link FileFormatError} naming `path`: bytes that are not a PNG, a zero side, and more than
 * `maxPixels` pixels.
 *
 * @example
 * ```ts
 * const { width, height } = pngSize(readRegularFile('digit.png'), 'digit.png');
 * ```
 * @category IO
 */
export function pngSize(bytes: Uint8Array, path: string, options: { maxPixels?: number } = {}): { width: number; height: number } {
  const { maxPixels = DEFAULT_MAX_PNG_PIXELS } = options;
  const isPng =
    bytes.length >= 24 && SIGNATURE.every((b, i) => bytes[i] === b) && String.fromCharCode(...bytes.subarray(12, 16)) === 'IHDR';
  if (!isPng) throw new FileFormatError({ path, problem: 'is not a PNG image (no PNG signature and IHDR header)' });
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const [width, height] = [view.getUint32(16), view.getUint32(20)];
  if (width === 0 || height === 0) throw new FileFormatError({ path, problem: `declares an empty image (${width}x${height} pixels)` });
  if (width * height > maxPixels) {
    throw new FileFormatError({
      path,
      problem: `declares ${width}x${height} pixels, more than the limit of ${maxPixels}`,
      hint: 'Refusing to decode it; resize the image first.',
    });
  }
  return { width, height };
}
