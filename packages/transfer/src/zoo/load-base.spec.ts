import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import * as tf from '@tensorflow/tfjs';

import { decodeCifar10, FileFormatError, InvalidArgumentError, loadMnist, saveModel, TensorDataset } from '@bigmodel/core';

import { SYNTHETIC_SHAPE_CLASSES, syntheticShapesCifar } from '../data/synthetic-shapes';

import { useWasm } from '../testing/helpers';
import { evaluateAccuracy } from '../training/features';
import { loadBase, zooMetadata, zooNames } from './load-base';

beforeAll(useWasm);

describe('the model zoo', () => {
  it('lists its models, each with metadata saying what it was trained on', () => {
    expect(zooNames()).toEqual(['cifar10-synthetic-shapes', 'mnist-digits-0to4', 'mnist-digits-0to4-cosine']);
    for (const name of zooNames()) {
      const metadata = zooMetadata(name);
      expect(metadata.name).toBe(name);
      expect(metadata.trainedOn.length).toBeGreaterThan(20);
      expect(metadata.training['seed']).toBe(0);
      expect(metadata.training['script']).toBe('packages/transfer/scripts/train-zoo.ts');
    }
  });

  it.each(['mnist-digits-0to4', 'mnist-digits-0to4-cosine'])(
    'ships %s with the test accuracy its metadata claims, recomputed on core loadMnist digits 0-4',
    async (name) => {
      const { model, metadata } = await loadBase(`zoo:${name}`);
      const { test } = loadMnist({ classes: [0, 1, 2, 3, 4] });
      const accuracy = await evaluateAccuracy(model, new TensorDataset(test.images, [28, 28, 1], test.labels, { classes: 5 }));
      expect(test.count).toBe(metadata!.accuracy.testExamples);
      expect(accuracy).toBeCloseTo(metadata!.accuracy.test, 6);
      expect(accuracy).toBeGreaterThanOrEqual(0.99);
      expect(model.countParams()).toBe(metadata!.parameters);
      model.dispose();
    },
  );

  it('ships cifar10-synthetic-shapes, trained on synthetic data, with the accuracy its metadata claims on regenerated test images', async () => {
    const { model, metadata } = await loadBase('zoo:cifar10-synthetic-shapes');
    expect(metadata!.trainedOn).toMatch(/^SYNTHETIC data, not CIFAR-10/);
    // The generator draws image after image from one stream: the first 200 of the 1,000 test images.
    const test = decodeCifar10(syntheticShapesCifar({ count: 200, seed: 2 }));
    expect(metadata!.accuracy).toEqual({ test: 1, testExamples: 1000 });
    expect(await evaluateAccuracy(model, test)).toBe(1); // every one of the 1,000 is right, so every one of these
    expect(metadata!.labels).toEqual([...SYNTHETIC_SHAPE_CLASSES]);
    model.dispose();
  });

  it('rejects an unknown zoo name with an InvalidArgumentError listing the zoo', async () => {
    const error = (await loadBase('zoo:resnet50').catch((e: unknown) => e)) as InvalidArgumentError;
    expect(InvalidArgumentError.isInstance(error)).toBe(true);
    expect(error.parameter).toBe('source');
    expect(error.message).toContain('zoo:mnist-digits-0to4');
  });

  it('loads a saved directory, and names the missing model.json of one that is not', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bigmodel-transfer-'));
    const error = await loadBase(dir).catch((e: unknown) => e);
    expect(FileFormatError.isInstance(error)).toBe(true);
    expect((error as FileFormatError).path).toBe(join(dir, 'model.json'));
    const { model } = await loadBase('zoo:mnist-digits-0to4');
    await saveModel(model, dir);
    const { model: again, metadata } = await loadBase(dir);
    expect(metadata).toBeUndefined();
    const x = tf.ones([1, 28, 28, 1]);
    const [a, b] = [model.predict(x) as tf.Tensor, again.predict(x) as tf.Tensor];
    expect(Array.from(b.dataSync())).toEqual(Array.from(a.dataSync()));
    tf.dispose([x, a, b]);
    model.dispose();
    again.dispose();
  });
});
