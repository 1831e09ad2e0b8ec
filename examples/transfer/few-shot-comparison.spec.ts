import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import * as tf from '@tensorflow/tfjs';

import { fewShotMarkdown, runFewShot } from './few-shot-comparison';

describe('examples/transfer/few-shot-comparison', () => {
  it('runs every strategy on a tiny sample and tabulates mean and std over seeds', async () => {
    tf.env().set('PROD', true);
    const out = join(mkdtempSync(join(tmpdir(), 'bigmodel-example-')), 'run');
    const summary = await runFewShot({ sizes: [50], seeds: [0, 1], epochs: 1, testLimit: 100, out });
    expect(summary.runs).toHaveLength(8);
    expect(summary.table.map((t) => t.strategy)).toEqual(['head', 'two-phase', 'full', 'scratch']);
    const head = summary.runs.filter((r) => r.strategy === 'head').map((r) => r.testAccuracy);
    const mean = (head[0] + head[1]) / 2;
    expect(summary.table[0].mean).toBeCloseTo(mean, 12);
    expect(summary.table[0].std).toBeCloseTo(Math.abs(head[0] - head[1]) / 2, 12);
    expect(fewShotMarkdown(summary).split('\n')).toHaveLength(6);
  });
});
