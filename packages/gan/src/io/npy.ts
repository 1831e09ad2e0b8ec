/**
 * NumPy's `.npy` format, version 1.0 (numpy/lib/format.py): the magic `\x93NUMPY`, version bytes
 * 1 0, a little-endian uint16 header length, an ASCII Python dict literal
 * `{'descr': '<f4', 'fortran_order': False, 'shape': (...), }` padded with spaces and ending in a
 * newline so that the data starts at a multiple of 64 bytes, then the raw little-endian data in C
 * order. Only float32 is written and read.
 */
import { FileFormatError, InvalidArgumentError } from '@bigmodel/core';

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

/**
 * Encodes a C-order float32 array of `shape` as `.npy` version 1.0 bytes.
 *
 * @example
 * ```ts
 * writeFileAtomic('samples.npy', encodeNpy(pixels, [n, 28, 28, 1]));
 * ```
 * @category IO
 */
export function encodeNpy(data: Float32Array, shape: number[]): Uint8Array {
  const size = shape.reduce((a, b) => a * b, 1);
  if (shape.some((d) => !Number.isInteger(d) || d < 0) || size !== data.length) {
    throw new InvalidArgumentError({
      parameter: 'shape',
      value: shape,
      message: `Must be non-negative integers whose product is the data length ${data.length}.`,
    });
  }
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': ${shapeText}, }`;
  const unpadded = MAGIC.length + 2 + 2 + header.length + 1;
  header += ' '.repeat((64 - (unpadded % 64)) % 64) + '\n';
  if (header.length > 0xffff)
    throw new InvalidArgumentError({ parameter: 'shape', value: shape, message: 'The header is too long for .npy version 1.0.' });
  const bytes = new Uint8Array(10 + header.length + data.length * 4);
  bytes.set(MAGIC, 0);
  bytes[6] = 1;
  bytes[7] = 0;
  new DataView(bytes.buffer).setUint16(8, header.length, true);
  for (let i = 0; i < header.length; i++) bytes[10 + i] = header.charCodeAt(i);
  const view = new DataView(bytes.buffer, 10 + header.length);
  for (let i = 0; i < data.length; i++) view.setFloat32(i * 4, data[i], true);
  return bytes;
}

/**
 * Decodes `.npy` bytes (version 1.0 or 2.0, little-endian float32, C order) into data and shape.
 * Anything else raises a FileFormatError naming `path`.
 *
 * @example
 * ```ts
 * const { data, shape } = decodeNpy(readFileSync('samples.npy'), 'samples.npy');
 * ```
 * @category IO
 */
export function decodeNpy(bytes: Uint8Array, path = '<buffer>'): { data: Float32Array; shape: number[] } {
  const fail = (problem: string): never => {
    throw new FileFormatError({ path, problem, hint: "Write it with numpy.save(path, array.astype('<f4'))." });
  };
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) fail('is not a .npy file (no \\x93NUMPY magic)');
  const major = bytes[6];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (major !== 1 && major !== 2) fail(`has .npy version ${major}.${bytes[7]}, expected 1.0 or 2.0`);
  const headerLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const start = major === 1 ? 10 : 12;
  const header = String.fromCharCode(...bytes.subarray(start, start + headerLength));
  const descr = /'descr':\s*'([^']*)'/.exec(header)?.[1];
  if (descr !== '<f4') fail(`holds dtype ${descr ?? '?'}, expected float32 ('<f4')`);
  if (!/'fortran_order':\s*False/.test(header)) fail('is in Fortran order, expected C order');
  const shapeText = /'shape':\s*\(([^)]*)\)/.exec(header)?.[1];
  if (shapeText === undefined) fail('has no shape in its header');
  const shape = shapeText!
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .map(Number);
  const size = shape.reduce((a, b) => a * b, 1);
  const offset = start + headerLength;
  if (bytes.length - offset !== size * 4) fail(`has ${bytes.length - offset} data bytes, shape (${shape.join(', ')}) needs ${size * 4}`);
  const data = new Float32Array(size);
  for (let i = 0; i < size; i++) data[i] = view.getFloat32(offset + i * 4, true);
  return { data, shape };
}
