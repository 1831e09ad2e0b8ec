import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32, deflateSync } from 'node:zlib';

import * as tf from '@tensorflow/tfjs';
import { PNG } from 'pngjs';

import { loadMnist } from '../data';
import { FileFormatError, ShapeError } from '../errors';
import { loadModel, saveModel } from '../io';
import { createReferenceCnn } from '../models';
import { useWasm } from '../testing/backend-comparison';
import { predictClasses, predictClassesAsync, readPng } from '.';

beforeAll(useWasm);

const tempDir = () => mkdtempSync(join(tmpdir(), 'bigmodel-predict-'));

/** Writes MNIST test digit `index` as a 28x28 grayscale PNG; returns its pixels. */
function writeDigit(path: string, index: number): Float32Array {
  const { test } = loadMnist();
  const pixels = test.images.slice(index * 784, (index + 1) * 784);
  const png = new PNG({ width: 28, height: 28 });
  pixels.forEach((v, p) => {
    const byte = Math.round(v * 255);
    png.data.set([byte, byte, byte, 255], p * 4);
  });
  writeFileSync(path, PNG.sync.write(png));
  return pixels;
}

/** A valid PNG of `width x height` black 8-bit gray pixels, built by hand (pngjs would allocate the decoded image to write it). */
function blankGrayPng(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const out = Buffer.alloc(body.length + 8);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc32(body), body.length + 4);
    return out;
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 0, 0, 0, 0], 8); // 8-bit gray, deflate, no filter, no interlace
  const rows = deflateSync(Buffer.alloc((width + 1) * height)); // each row: filter byte 0, then zeros
  return Buffer.concat([
    Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]),
    chunk('IHDR', header),
    chunk('IDAT', rows),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

describe('inference', () => {
  it('readPng gives back the pixels of a PNG, as [1, 28, 28, 1] in [0, 1]', () => {
    const path = join(tempDir(), 'digit.png');
    const pixels = writeDigit(path, 0);
    const x = readPng(path, { height: 28, width: 28, channels: 1 });
    expect(x.shape).toEqual([1, 28, 28, 1]);
    const values = x.dataSync();
    // Luminance weights sum to 1, so gray pixels come back up to float rounding and the 1/255 quantization.
    expect(Math.max(...Array.from(values, (v, i) => Math.abs(v - pixels[i])))).toBeLessThan(0.5 / 255 + 1e-6);
    x.dispose();
  });

  it('predictClassesAsync puts logits through a softmax: [a, -a] with e^(2a) = 3 gives [3/4, 1/4]', async () => {
    const model = tf.sequential({
      layers: [tf.layers.dense({ units: 2, inputShape: [1], useBias: false, weights: [tf.tensor2d([[1, -1]])] })],
    });
    const x = tf.tensor2d([[Math.log(3) / 2], [-Math.log(3) / 2]]);
    const [first, second] = await predictClassesAsync(model, x);
    expect(first.class).toBe(0);
    expect(second.class).toBe(1);
    first.probabilities.forEach((p, k) => expect(p).toBeCloseTo([0.75, 0.25][k], 6));
    second.probabilities.forEach((p, k) => expect(p).toBeCloseTo([0.25, 0.75][k], 6));
    tf.dispose(x);
    model.dispose();
  });

  it('predictClasses returns probabilities and classes, identical after save and load', async () => {
    const model = createReferenceCnn({ seed: 4 });
    const x = tf.randomUniform([5, 28, 28, 1], 0, 1, 'float32', 1);
    const before = predictClasses(model, x);
    expect(before).toHaveLength(5);
    before.forEach((p) => expect(p.probabilities.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5));
    const dir = tempDir();
    await saveModel(model, dir);
    const loaded = await loadModel(dir);
    expect(predictClasses(loaded, x)).toEqual(before);
    expect(await predictClassesAsync(loaded, x)).toEqual(before);
    expect(() => predictClasses(model, tf.zeros([1, 28, 28, 3]))).toThrow(ShapeError);
    tf.dispose(x);
    model.dispose();
    loaded.dispose();
  });

  it('readPng refuses a small file declaring a huge image before decoding it', () => {
    // 6000 x 6000 gray pixels: a ~36 KB file that decodes to 144 MB of RGBA and a 144 MB tensor.
    const path = join(tempDir(), 'huge.png');
    writeFileSync(path, blankGrayPng(6000, 6000));
    expect(statSync(path).size).toBeLessThan(100_000);
    const before = tf.memory().numTensors;
    expect(() => readPng(path, { height: 28, width: 28, channels: 1 })).toThrow(
      /declares 6000x6000 pixels, more than the limit of 16777216/,
    );
    expect(tf.memory().numTensors).toBe(before);
    // Under a limit it fits, it decodes (the file is a valid PNG).
    const small = join(tempDir(), 'small.png');
    writeFileSync(small, blankGrayPng(30, 20));
    const x = readPng(small, { height: 28, width: 28, channels: 1 }, { maxPixels: 600 });
    expect(x.shape).toEqual([1, 28, 28, 1]);
    expect(() => readPng(small, { height: 28, width: 28, channels: 1 }, { maxPixels: 599 })).toThrow(/declares 30x20 pixels/);
    x.dispose();
  });

  it('readPng refuses a FIFO without blocking on it', () => {
    const path = join(tempDir(), 'fifo.png');
    execFileSync('mkfifo', [path]);
    expect(() => readPng(path, { height: 2, width: 2, channels: 1 })).toThrow(/is not a regular file/);
  });

  it('readPng names unreadable files', () => {
    const path = join(tempDir(), 'not.png');
    writeFileSync(path, 'hello');
    expect(() => readPng(path, { height: 2, width: 2, channels: 1 })).toThrow(FileFormatError);
  });
});

describe('bigmodel-core predict', () => {
  const cli = (args: string[]) =>
    spawnSync(process.execPath, ['-r', 'ts-node/register/transpile-only', join(__dirname, '../cli/main.ts'), ...args], {
      encoding: 'utf8',
      env: { ...process.env, TS_NODE_PROJECT: join(__dirname, '../../tsconfig.spec.json'), BIGMODEL_WASM_THREADS: '1' },
    });

  it('classifies a PNG and a JSON file like predictClasses does, last line JSON', async () => {
    const dir = tempDir();
    const model = createReferenceCnn({ seed: 4 });
    await saveModel(model, join(dir, 'model'));
    const png = join(dir, 'digit.png');
    const pixels = writeDigit(png, 3);
    const json = join(dir, 'digits.json');
    writeFileSync(json, JSON.stringify([Array.from(pixels), Array.from(pixels)]));
    const expected = predictClasses(model, readPng(png, { height: 28, width: 28, channels: 1 }));
    for (const [input, count] of [
      [png, 1],
      [json, 2],
    ] as const) {
      const run = cli(['predict', '--model', join(dir, 'model'), '--input', input]);
      expect(run.status).toBe(0);
      const last = JSON.parse(run.stdout.trim().split('\n').pop()!);
      expect(last.predictions).toHaveLength(count);
      expect(last.predictions[0].class).toBe(expected[0].class);
      last.predictions[0].probabilities.forEach((p: number, k: number) => expect(p).toBeCloseTo(expected[0].probabilities[k], 5));
    }
    model.dispose();
  });

  it('explains bad input: missing flags, bad JSON, unknown command', () => {
    const missing = cli(['predict', '--input', 'x.png']);
    expect(missing.status).toBe(2);
    expect(missing.stderr.trim()).toBe('UsageError: flag --model is required (see bigmodel-core predict --help)');
    const dir = tempDir();
    writeFileSync(join(dir, 'bad.json'), '[1, 2');
    const bad = cli(['predict', '--model', dir, '--input', join(dir, 'bad.json')]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/^FileFormatError: .*model.json does not exist \(--model\)/);
    expect(cli(['train']).status).toBe(2);
    expect(cli(['--help']).stdout).toMatch(/Usage: bigmodel-core \[options\] \[command\]/);
  });
});
