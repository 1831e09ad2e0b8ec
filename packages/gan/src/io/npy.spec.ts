import { FileFormatError } from '@bigmodel/core';

import { decodeNpy, encodeNpy } from './npy';

describe('encodeNpy', () => {
  it('writes the version 1.0 layout byte by byte', () => {
    const bytes = encodeNpy(Float32Array.of(0, 0.5, 1, 0.25, 0.75, 1), [2, 3, 1, 1]);
    expect(Array.from(bytes.subarray(0, 8))).toEqual([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
    const headerLength = bytes[8] + 256 * bytes[9];
    expect((10 + headerLength) % 64).toBe(0);
    const header = Buffer.from(bytes.subarray(10, 10 + headerLength)).toString('latin1');
    expect(header).toMatch(/^\{'descr': '<f4', 'fortran_order': False, 'shape': \(2, 3, 1, 1\), \} *\n$/);
    // 0.5 as little-endian IEEE 754 float32 is 00 00 00 3f.
    expect(Array.from(bytes.subarray(10 + headerLength + 4, 10 + headerLength + 8))).toEqual([0, 0, 0, 0x3f]);
    expect(bytes.length).toBe(10 + headerLength + 6 * 4);
  });

  it('round-trips through decodeNpy, one-dimensional shapes with the trailing comma included', () => {
    const data = Float32Array.from({ length: 10 }, (_, i) => i / 9);
    expect(decodeNpy(encodeNpy(data, [10]))).toEqual({ data, shape: [10] });
    expect(Buffer.from(encodeNpy(data, [10])).toString('latin1')).toContain("'shape': (10,)");
  });
});

describe('decodeNpy', () => {
  it('refuses other dtypes and non-npy bytes with a FileFormatError naming the file', () => {
    const bytes = encodeNpy(Float32Array.of(1), [1]);
    const float64 = Buffer.from(Buffer.from(bytes).toString('latin1').replace("'<f4'", "'<f8'"), 'latin1');
    expect(() => decodeNpy(float64, 'x.npy')).toThrow(/x\.npy holds dtype <f8/);
    let error: unknown;
    try {
      decodeNpy(Uint8Array.of(1, 2, 3), 'y.npy');
    } catch (e) {
      error = e;
    }
    expect(FileFormatError.isInstance(error)).toBe(true);
  });
});
