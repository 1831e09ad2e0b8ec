import { mkdtempSync, readdirSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import * as tf from '@tensorflow/tfjs';
import { FileFormatError, initBackend } from '@bigmodel/core';

import { GanTrainer } from '../training/gan-trainer';
import { loadGanCheckpoint, saveGanCheckpoint } from './gan-checkpoint';

beforeAll(async () => {
  tf.env().set('PROD', true);
  await initBackend({ backend: 'wasm' });
});

describe('GAN checkpoints', () => {
  it('keep one weights file, named by the manifest, and refuse damaged files with a FileFormatError', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gan-ckpt-'));
    try {
      const trainer = GanTrainer.create({ imageShape: [8, 8, 1], nz: 4, ngf: 4, ndf: 4, batchSize: 4 }, 0);
      await saveGanCheckpoint(trainer, dir);
      trainer.trainStep([{ images: tf.zeros([4, 8, 8, 1]) }]);
      await saveGanCheckpoint(trainer, dir);
      expect(readdirSync(dir).sort()).toEqual(['checkpoint.json', 'weights-1.bin']);
      const { trainer: loaded } = await loadGanCheckpoint(dir);
      expect(loaded.step).toBe(1);
      expect(loaded.generatorOptimizer.iterations).toBe(1);
      loaded.dispose();
      truncateSync(join(dir, 'weights-1.bin'), 100);
      expect(FileFormatError.isInstance(await loadGanCheckpoint(dir).catch((e: unknown) => e))).toBe(true);
      writeFileSync(join(dir, 'checkpoint.json'), '{"format": "something else"}');
      await expect(loadGanCheckpoint(dir)).rejects.toThrow(/is not a bigmodel-gan-checkpoint version 1 file/);
      trainer.dispose();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
