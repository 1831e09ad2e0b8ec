/**
 * The data of a transfer task, as the CLI's `--data` names it:
 *
 * - `mnist:<digits>`: digits of core's MNIST (`mnist:5-9`, `mnist:0,2,4`), relabelled 0..k-1 in
 *   the order given, with core's fixed train/test split.
 * - a directory: an image-folder dataset, one subfolder per class holding PNG files, class names
 *   sorted; either `DIR/train/<class>/*.png` and `DIR/test/<class>/*.png`, or `DIR/<class>/*.png`
 *   from which a stratified 20% test split is held out (seed 0). Images are scaled to [0, 1];
 *   all must have the same size; color images become gray for a one-channel model (channel mean)
 *   and gray images are repeated for a three-channel one.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

import { PNG } from 'pngjs';

import { FileFormatError, InvalidArgumentError, loadMnist, pngSize, readRegularFile, ShapeError, TensorDataset } from '@bigmodel/core';

/**
 * A transfer task's data: train and test datasets with classes, and the class names.
 *
 * @category Data
 */
export interface TargetData {
  /** Training examples (split off a validation part yourself, e.g. with `train.split`). */
  train: TensorDataset;
  /** Held-out test examples. */
  test: TensorDataset;
  /** Class names, in label order. */
  classNames: string[];
}

/**
 * The digits of an `mnist:DIGITS` spec (`5-9`, `0,2,4`); throws naming `data` when malformed.
 *
 * @category Data
 */
export function parseDigits(spec: string, parameter = 'data'): number[] {
  const digits: number[] = [];
  for (const part of spec.split(',')) {
    const range = /^(\d)-(\d)$/.exec(part.trim());
    if (range) {
      for (let d = Number(range[1]); d <= Number(range[2]); d++) digits.push(d);
    } else if (/^\d$/.test(part.trim())) {
      digits.push(Number(part.trim()));
    } else {
      throw new InvalidArgumentError({
        parameter,
        value: `mnist:${spec}`,
        message: 'Name digits as a range or a list, e.g. mnist:5-9 or mnist:0,2,4.',
      });
    }
  }
  if (digits.length === 0 || new Set(digits).size !== digits.length) {
    throw new InvalidArgumentError({ parameter, value: `mnist:${spec}`, message: 'Name each digit once, at least one.' });
  }
  if (digits.length < 2) {
    throw new InvalidArgumentError({
      parameter,
      value: `mnist:${spec}`,
      message: 'A classifier needs at least 2 classes; name 2 or more digits, e.g. mnist:5-9.',
    });
  }
  return digits;
}

/**
 * MNIST digits `digits` (core's split), relabelled 0..k-1 in the given order.
 *
 * @example
 * ```ts
 * const { train, test } = mnistTarget([5, 6, 7, 8, 9]); // labels 0-4 mean digits 5-9
 * ```
 * @category Data
 */
export function mnistTarget(digits: number[]): TargetData {
  const { train, test } = loadMnist({ classes: digits });
  const relabel = (labels: Uint8Array) => labels.map((d) => digits.indexOf(d));
  return {
    train: new TensorDataset(train.images, [28, 28, 1], relabel(train.labels), { classes: digits.length }),
    test: new TensorDataset(test.images, [28, 28, 1], relabel(test.labels), { classes: digits.length }),
    classNames: digits.map(String),
  };
}

/**
 * The fewest images per class a folder without train/ and test/ may have (its 20% test split must hold one).
 *
 * @category Data
 */
export const MIN_IMAGES_PER_CLASS = 5;

/** The largest PNG file read, in bytes. */
const MAX_PNG_BYTES = 64 * 1024 * 1024;

function classFolders(dir: string): string[] {
  return readdirSync(dir)
    .filter((name) => statSync(join(dir, name)).isDirectory())
    .sort();
}

function readFolder(dir: string, classNames: string[], channels: number): TensorDataset {
  const images: Float32Array[] = [];
  const labels: number[] = [];
  let size: [number, number] | undefined;
  classNames.forEach((name, label) => {
    const folder = join(dir, name);
    if (!existsSync(folder))
      throw new FileFormatError({
        path: folder,
        problem: 'does not exist',
        hint: `Every split needs the same class folders (${classNames.join(', ')}).`,
      });
    for (const file of readdirSync(folder)
      .filter((f) => f.toLowerCase().endsWith('.png'))
      .sort()) {
      const path = join(folder, file);
      // Regular files only; the header's dimensions are checked before decoding (a few KB can declare gigabytes).
      const bytes = readRegularFile(path, { maxBytes: MAX_PNG_BYTES });
      const declared = pngSize(bytes, path);
      if (size && (declared.height !== size[0] || declared.width !== size[1])) {
        throw new ShapeError({
          parameter: path,
          expected: `${size[0]}x${size[1]} pixels like the other images`,
          actual: `${declared.height}x${declared.width}`,
        });
      }
      let png: PNG;
      try {
        png = PNG.sync.read(bytes);
      } catch (cause) {
        throw new FileFormatError({ path, problem: 'is not a readable PNG', cause });
      }
      size ??= [png.height, png.width];
      if (png.height !== size[0] || png.width !== size[1]) {
        throw new ShapeError({
          parameter: path,
          expected: `${size[0]}x${size[1]} pixels like the other images`,
          actual: `${png.height}x${png.width}`,
        });
      }
      // pngjs decodes to RGBA bytes.
      const pixels = png.width * png.height;
      const image = new Float32Array(pixels * channels);
      for (let p = 0; p < pixels; p++) {
        const [r, g, b] = [png.data[4 * p], png.data[4 * p + 1], png.data[4 * p + 2]];
        if (channels === 1) image[p] = (r + g + b) / (3 * 255);
        else [image[3 * p], image[3 * p + 1], image[3 * p + 2]] = [r / 255, g / 255, b / 255];
      }
      images.push(image);
      labels.push(label);
    }
  });
  if (!size) throw new FileFormatError({ path: dir, problem: 'has no PNG images in its class folders' });
  const examples = new Float32Array(images.length * size[0] * size[1] * channels);
  images.forEach((image, i) => examples.set(image, i * image.length));
  return new TensorDataset(examples, [size[0], size[1], channels], Uint8Array.from(labels), { classes: classNames.length });
}

/**
 * Reads an image-folder dataset (see the file header) with `channels` channels (1 or 3).
 *
 * @example
 * ```ts
 * const { train, test, classNames } = loadImageFolder('data/letters', { channels: 1 });
 * ```
 * @category Data
 */
export function loadImageFolder(dir: string, options: { channels?: 1 | 3 } = {}): TargetData {
  const { channels = 1 } = options;
  if (channels !== 1 && channels !== 3)
    throw new InvalidArgumentError({ parameter: 'options.channels', value: channels, message: 'Must be 1 or 3.' });
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new FileFormatError({
      path: dir,
      problem: 'is not a directory',
      hint: 'Give an image folder: one subfolder of PNG files per class (optionally under train/ and test/).',
    });
  }
  const split = existsSync(join(dir, 'train')) && existsSync(join(dir, 'test'));
  const classNames = classFolders(split ? join(dir, 'train') : dir);
  if (classNames.length === 0)
    throw new FileFormatError({
      path: dir,
      problem: 'has no class subfolders',
      hint: 'Put the PNG files of each class in a subfolder named after the class.',
    });
  if (classNames.length < 2) {
    throw new FileFormatError({
      path: dir,
      problem: `has 1 class subfolder (${classNames[0]})`,
      hint: 'A classifier needs at least 2 classes: one subfolder of PNG files per class.',
    });
  }
  if (split)
    return {
      train: readFolder(join(dir, 'train'), classNames, channels),
      test: readFolder(join(dir, 'test'), classNames, channels),
      classNames,
    };
  const all = readFolder(dir, classNames, channels);
  // The 20% test split rounds down per class: a class of fewer than 5 images would have no test image.
  const counts = classNames.map((_, c) => all.labels.filter((label) => label === c).length);
  const smallest = counts.indexOf(Math.min(...counts));
  if (counts[smallest] < MIN_IMAGES_PER_CLASS) {
    throw new InvalidArgumentError({
      parameter: 'data',
      value: dir,
      message:
        `Class ${classNames[smallest]} has ${counts[smallest]} images; without train/ and test/ folders ` +
        `each class needs at least ${MIN_IMAGES_PER_CLASS} (20% of each class is held out for testing, rounded down).`,
    });
  }
  const { train, test } = all.split({ train: 0.8, test: 0.2, seed: 0 });
  return { train, test, classNames };
}

/**
 * The data `spec` names: `mnist:<digits>` or an image-folder directory (see the file header),
 * read with the channel count of `inputShape` (the base's input, without the batch dimension).
 *
 * @example
 * ```ts
 * const data = loadTargetData('mnist:5-9', [28, 28, 1]);
 * ```
 * @category Data
 */
export function loadTargetData(spec: string, inputShape: (number | null)[]): TargetData {
  if (typeof spec !== 'string' || spec.length === 0) {
    throw new InvalidArgumentError({
      parameter: 'data',
      value: spec,
      message: 'Give mnist:<digits> (e.g. mnist:5-9) or an image-folder directory.',
    });
  }
  if (spec.startsWith('mnist:')) return mnistTarget(parseDigits(spec.slice(6)));
  const channels = inputShape[inputShape.length - 1];
  if (channels !== 1 && channels !== 3) {
    throw new InvalidArgumentError({
      parameter: 'base',
      value: inputShape,
      message: 'Image folders feed models with 1 or 3 input channels.',
    });
  }
  return loadImageFolder(spec, { channels });
}
