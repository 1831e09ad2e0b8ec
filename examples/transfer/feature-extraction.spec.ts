import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import * as tf from '@tensorflow/tfjs';
import { TensorDataset } from '@bigmodel/core';

import { nearestMeanAccuracy, runFeatureExtraction } from './feature-extraction';

describe('examples/transfer/feature-extraction', () => {
  it('classifies hand-placed points by the nearest class mean', () => {
    const train = new TensorDataset(Float32Array.from([0, 0, 0, 2, 10, 10, 10, 12]), [2], Uint8Array.from([0, 0, 1, 1]), { classes: 2 });
    const test = new TensorDataset(Float32Array.from([1, 1, 9, 9, 6, 6]), [2], Uint8Array.from([0, 1, 0]), { classes: 2 });
    // means (0, 1) and (10, 11): (6, 6) is nearer the second, so the third point is wrong.
    expect(nearestMeanAccuracy(train, test)).toBeCloseTo(2 / 3, 10);
  });

  it('cuts the zoo model at layers and scores their features, with a tiny budget', async () => {
    tf.env().set('PROD', true);
    const out = join(mkdtempSync(join(tmpdir(), 'bigmodel-example-')), 'run');
    const summary = await runFeatureExtraction({ layers: ['block1_pool', 'features'], epochs: 2, limit: 300, out });
    expect(summary.rows.map((r) => [r.layer, r.features])).toEqual([
      ['block1_pool', 6272],
      ['features', 3136],
    ]);
    for (const row of summary.rows) expect(row.nearestMeanAccuracy).toBeGreaterThan(0.5);
    expect(summary.rows[1].softmaxAccuracy).toBeGreaterThan(0.8);
  });
});
