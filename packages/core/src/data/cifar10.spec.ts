import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { FileFormatError } from '../errors';
import { decodeCifar10, loadCifar10 } from './cifar10';

/** Writes CIFAR-10 binary records: record n has label n % 10 and red = n, green = 100 + p % 7, blue = 200. */
function writeBatch(path: string, count: number, first: number): void {
  const bytes = new Uint8Array(count * 3073);
  for (let k = 0; k < count; k++) {
    const n = first + k;
    bytes[k * 3073] = n % 10;
    for (let p = 0; p < 1024; p++) {
      bytes[k * 3073 + 1 + p] = n % 256;
      bytes[k * 3073 + 1 + 1024 + p] = 100 + (p % 7);
      bytes[k * 3073 + 1 + 2048 + p] = 200;
    }
  }
  writeFileSync(path, bytes);
}

describe('CIFAR-10 binary loader', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bigmodel-cifar-'));
  for (let b = 1; b <= 5; b++) writeBatch(join(dir, `data_batch_${b}.bin`), 3, (b - 1) * 3);
  writeBatch(join(dir, 'test_batch.bin'), 4, 100);

  it('reads every train batch and the test batch into NHWC images in [0, 1]', () => {
    const { train, test } = loadCifar10(dir);
    expect([train.size, test.size]).toEqual([15, 4]);
    expect(train.exampleShape).toEqual([32, 32, 3]);
    expect(Array.from(train.labels)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2, 3, 4]);
    // Image 7, pixel (row 1, col 2) = p 34: red 7, green 100 + 34 % 7 = 106, blue 200.
    const at = 7 * 3072 + 34 * 3;
    expect(Array.from(train.examples.subarray(at, at + 3))).toEqual([7 / 255, 106 / 255, 200 / 255].map(Math.fround));
    expect(test.labels[0]).toBe(0);
  });

  it('says where to get the data when the directory is missing', () => {
    let error: unknown;
    try {
      loadCifar10(join(dir, 'nope'));
    } catch (e) {
      error = e;
    }
    expect(FileFormatError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(/data_batch_1\.bin does not exist\. Get "CIFAR-10 binary version/);
  });

  it('rejects truncated files and bad labels', () => {
    expect(() => decodeCifar10(new Uint8Array(3000))).toThrow(/not a whole number of 3073-byte/);
    const bad = new Uint8Array(3073);
    bad[0] = 12;
    expect(() => decodeCifar10(bad)).toThrow(/label 12/);
  });
});
