import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import * as tf from '@tensorflow/tfjs';

import { runCifar10Cnn } from './cifar10-cnn';

describe('examples/core/cifar10-cnn', () => {
  it('trains on a small dataset written in the CIFAR-10 binary format, with the layer shapes of the classic CNN', async () => {
    tf.env().set('PROD', true);
    const dir = mkdtempSync(join(tmpdir(), 'bigmodel-cifar-example-'));
    const bytes = (count: number) =>
      Uint8Array.from({ length: count * 3073 }, (_, i) => (i % 3073 === 0 ? (i / 3073) % 10 : (i * 7) % 256));
    for (let b = 1; b <= 5; b++) writeFileSync(join(dir, `data_batch_${b}.bin`), bytes(8));
    writeFileSync(join(dir, 'test_batch.bin'), bytes(8));
    const summary = await runCifar10Cnn({ data: dir, epochs: 1, out: join(dir, 'run'), progress: false });
    expect(summary.shapes.map((line) => line.split(': ')[1])).toEqual([
      '[null,32,32,64]',
      '[null,32,32,128]',
      '[null,16,16,128]',
      '[null,16,16,128]',
      '[null,32768]',
      '[null,256]',
      '[null,10]',
    ]);
    // 40 training images in one epoch: a step a batch and one epoch line in the log, validation on the 8 test images.
    const lines = readFileSync(join(dir, 'run', 'metrics.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.filter((l) => 'losses/train' in l)).toHaveLength(1);
    expect(lines.filter((l) => 'charts/valAccuracy' in l)).toHaveLength(1);
    expect(summary.testAccuracy * 8).toBeCloseTo(Math.round(summary.testAccuracy * 8), 6);
  });
});
