import { execFileSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  renameSync,
  symlinkSync,
  truncateSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import * as tf from '@tensorflow/tfjs';
import { PNG } from 'pngjs';

import { FileFormatError } from '../errors';
import { getLoss } from '../losses';
import { createReferenceCnn } from '../models';
import { Adam } from '../optimizers';
import { useWasm } from '../testing/backend-comparison';
import { fileSystemHandler, loadModel, saveModel, writeFileAtomic, writePng } from '.';

beforeAll(useWasm);

const tempDir = () => mkdtempSync(join(tmpdir(), 'bigmodel-io-'));

/** Largest difference per weight between two models (an exact resume gives zeros). */
function weightDifferences(a: tf.LayersModel, b: tf.LayersModel): number[] {
  const wb = b.getWeights();
  return a.getWeights().map((w, i) => tf.tidy(() => tf.max(tf.abs(tf.sub(w, wb[i]))).dataSync()[0]));
}

function compiledCnn(seed: number) {
  const model = createReferenceCnn({ seed });
  model.compile({ optimizer: new Adam({ learningRate: 1e-3 }), loss: 'categoricalCrossentropy' });
  return model;
}

describe('saveModel / loadModel', () => {
  it('round-trip the reference CNN in the stock format: identical predictions, tfjs reads it too', async () => {
    const dir = tempDir();
    const model = createReferenceCnn({ seed: 1 });
    const x = tf.randomUniform([3, 28, 28, 1], 0, 1, 'float32', 2);
    await saveModel(model, dir);
    const json = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
    expect(json.format).toBe('layers-model');
    expect(json.weightsManifest[0].paths.every((p: string) => existsSync(join(dir, p)))).toBe(true);
    const loaded = await loadModel(dir);
    const viaTfjs = await tf.loadLayersModel(fileSystemHandler(dir));
    const expected = (model.predict(x) as tf.Tensor).dataSync();
    expect((loaded.predict(x) as tf.Tensor).dataSync()).toEqual(expected);
    expect((viaTfjs.predict(x) as tf.Tensor).dataSync()).toEqual(expected);
    tf.dispose([x]);
    [model, loaded, viaTfjs].forEach((m) => m.dispose());
  });

  /**
   * Trains `model` one step, saves it with its optimizer, trains it one more step; loads the save
   * with `load` and trains that one step. Returns the loaded model and the largest difference per
   * weight between the two (an exact resume gives zeros).
   */
  async function resumeAfterSave(model: tf.LayersModel, load: (dir: string) => Promise<tf.LayersModel>) {
    const dir = tempDir();
    const xs = tf.randomUniform([8, 28, 28, 1], 0, 1, 'float32', 3);
    const ys = tf.oneHot(tf.tensor1d([0, 1, 2, 3, 4, 5, 6, 7], 'int32'), 10).toFloat();
    await model.trainOnBatch(xs, ys);
    await saveModel(model, dir, { includeOptimizer: true });
    await model.trainOnBatch(xs, ys);
    const resumed = await load(dir);
    await resumed.trainOnBatch(xs, ys);
    const differences = weightDifferences(model, resumed);
    tf.dispose([xs, ys]);
    return { resumed, differences };
  }

  it('bring back the optimizer state, so training continues exactly as if never saved', async () => {
    const a = compiledCnn(5);
    const { resumed, differences } = await resumeAfterSave(a, (dir) => loadModel(dir));
    expect(resumed.optimizer).toBeInstanceOf(Adam);
    expect(differences).toEqual(differences.map(() => 0));
    a.dispose();
    resumed.dispose();
  });

  it('resume a model compiled with a loss function when the loss is given again', async () => {
    const a = createReferenceCnn({ seed: 6 });
    const loss = () => getLoss('categoricalCrossEntropy', { labelSmoothing: 0.1 });
    a.compile({ optimizer: new Adam({ learningRate: 1e-3 }), loss: loss() });
    const { resumed, differences } = await resumeAfterSave(a, async (dir) => {
      await expect(loadModel(dir)).rejects.toThrow(/compiled with a loss function.*options\.loss/);
      return loadModel(dir, { loss: loss() });
    });
    expect(differences).toEqual(differences.map(() => 0));
    a.dispose();
    resumed.dispose();
  });

  it('replace a previous save in place, leaving only the new shards', async () => {
    const dir = tempDir();
    const model = createReferenceCnn({ seed: 1 });
    await saveModel(model, dir);
    const first = readdirSync(dir);
    await saveModel(model, dir);
    const second = readdirSync(dir);
    expect(second).toHaveLength(first.length);
    expect(second.filter((f) => first.includes(f))).toEqual(['model.json']);
    model.dispose();
  });

  it('report missing, malformed and truncated saves with FileFormatError naming the file', async () => {
    const empty = tempDir();
    await expect(loadModel(empty)).rejects.toThrow(/model\.json does not exist/);

    const malformed = tempDir();
    writeFileSync(join(malformed, 'model.json'), '{"modelTopology": ');
    await expect(loadModel(malformed)).rejects.toThrow(/model\.json is not valid JSON/);

    const noManifest = tempDir();
    writeFileSync(join(noManifest, 'model.json'), JSON.stringify({ modelTopology: {} }));
    await expect(loadModel(noManifest)).rejects.toThrow(/has no weightsManifest/);

    const model = createReferenceCnn({ seed: 1 });
    const truncated = tempDir();
    await saveModel(model, truncated);
    const shard = JSON.parse(readFileSync(join(truncated, 'model.json'), 'utf8')).weightsManifest[0].paths[0];
    truncateSync(join(truncated, shard), 100);
    const error = await loadModel(truncated).catch((e: unknown) => e);
    expect(FileFormatError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(/holds \d+ bytes of weights where the manifest describes 900136/);

    const escaping = tempDir();
    await saveModel(model, escaping);
    const json = JSON.parse(readFileSync(join(escaping, 'model.json'), 'utf8'));
    for (const evil of ['../outside.bin', '/etc/passwd', 'sub/../../x.bin']) {
      json.weightsManifest[0].paths = [evil];
      writeFileSync(join(escaping, 'model.json'), JSON.stringify(json));
      await expect(loadModel(escaping)).rejects.toThrow(/outside the model directory/);
    }

    const missing = tempDir();
    await saveModel(model, missing);
    unlinkSync(join(missing, JSON.parse(readFileSync(join(missing, 'model.json'), 'utf8')).weightsManifest[0].paths[0]));
    await expect(loadModel(missing)).rejects.toThrow(/\.bin is missing/);
    model.dispose();
  });
});

describe('loadModel on hostile saves', () => {
  let saved: string;
  let shard: string;
  beforeAll(async () => {
    saved = tempDir();
    const model = createReferenceCnn({ seed: 1 });
    await saveModel(model, saved);
    model.dispose();
    shard = JSON.parse(readFileSync(join(saved, 'model.json'), 'utf8')).weightsManifest[0].paths[0];
  });
  function copy(): string {
    const dir = tempDir();
    for (const file of readdirSync(saved)) copyFileSync(join(saved, file), join(dir, file));
    return dir;
  }

  // Sparse files: the sizes cost no disk. A shard is compared with the manifest by its size, before it is read.
  it.each([1.9e9, 2 ** 31, 5e9])('refuses a %d-byte shard by its size, without reading it', async (bytes) => {
    const dir = copy();
    truncateSync(join(dir, shard), bytes);
    const rss = process.memoryUsage().rss;
    const error = await loadModel(dir).catch((e: unknown) => e);
    expect(FileFormatError.isInstance(error)).toBe(true);
    expect((error as Error).message).toContain(`holds ${bytes} bytes of weights where the manifest describes 900136`);
    expect(process.memoryUsage().rss - rss).toBeLessThan(200 * 2 ** 20);
  });

  it('refuses a shard that is a symlink out of the model directory', async () => {
    const dir = copy();
    const outside = join(tempDir(), 'shard.bin');
    renameSync(join(dir, shard), outside);
    symlinkSync(outside, join(dir, shard));
    await expect(loadModel(dir)).rejects.toThrow(/resolves \(through a symlink\) to a path outside/);
  });

  it('refuses a shard that is a FIFO, without blocking on it', async () => {
    const dir = copy();
    unlinkSync(join(dir, shard));
    execFileSync('mkfifo', [join(dir, shard)]);
    await expect(loadModel(dir)).rejects.toThrow(/is not a regular file/);
  });

  it('refuses a model.json that is a FIFO, without blocking on it', async () => {
    const dir = tempDir();
    execFileSync('mkfifo', [join(dir, 'model.json')]);
    await expect(loadModel(dir)).rejects.toThrow(/model\.json is not a regular file/);
  });

  it('refuses a weight shape that is not a list of whole numbers', async () => {
    const dir = copy();
    const json = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
    json.weightsManifest[0].weights[0].shape = [-3, 2];
    writeFileSync(join(dir, 'model.json'), JSON.stringify(json));
    await expect(loadModel(dir)).rejects.toThrow(/declares weight .* with shape \[-3,2\]/);
  });
});

describe('writeFileAtomic', () => {
  it('replaces the whole file and leaves no temp files', () => {
    const dir = tempDir();
    const path = join(dir, 'sub', 'state.json');
    writeFileAtomic(path, 'first');
    writeFileAtomic(path, new Uint8Array([115, 101, 99, 111, 110, 100]));
    expect(readFileSync(path, 'utf8')).toBe('second');
    expect(readdirSync(join(dir, 'sub'))).toEqual(['state.json']);
  });

  it('removes its temp file when the rename fails (the target is a non-empty directory)', () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'taken'));
    writeFileSync(join(dir, 'taken', 'inside.txt'), 'x');
    expect(() => writeFileAtomic(join(dir, 'taken'), 'data')).toThrow(/EISDIR|ENOTEMPTY|EEXIST/);
    expect(readdirSync(dir)).toEqual(['taken']);
    expect(readdirSync(join(dir, 'taken'))).toEqual(['inside.txt']);
  });
});

describe('writePng', () => {
  it('writes gray and RGB pixels that a PNG decoder reads back exactly', () => {
    const dir = tempDir();
    writePng(join(dir, 'gray.png'), { height: 2, width: 3, channels: 1, data: new Uint8Array([0, 50, 100, 150, 200, 255]) });
    const gray = PNG.sync.read(readFileSync(join(dir, 'gray.png')));
    expect([gray.width, gray.height]).toEqual([3, 2]);
    expect(Array.from(gray.data.filter((_, i) => i % 4 === 0))).toEqual([0, 50, 100, 150, 200, 255]);
    expect(Array.from(gray.data.filter((_, i) => i % 4 === 3))).toEqual([255, 255, 255, 255, 255, 255]);
    writePng(join(dir, 'rgb.png'), { height: 1, width: 2, channels: 3, data: new Uint8Array([1, 2, 3, 4, 5, 6]) });
    expect(Array.from(PNG.sync.read(readFileSync(join(dir, 'rgb.png'))).data)).toEqual([1, 2, 3, 255, 4, 5, 6, 255]);
    expect(readdirSync(dir).sort()).toEqual(['gray.png', 'rgb.png']);
  });

  it('names the parameter when the data does not fit the size', () => {
    expect(() => writePng(join(tempDir(), 'x.png'), { height: 2, width: 2, channels: 3, data: new Uint8Array(5) })).toThrow(
      /image\.data: "5 bytes".*12 bytes/,
    );
  });
});
