import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import * as tf from '@tensorflow/tfjs';

import { mnistTarget } from '@bigmodel/transfer';

import { concatDigits, fewShotMarkdown, fewShotSplit, runFewShot } from './few-shot-comparison';

describe('examples/transfer/few-shot-comparison', () => {
  it('tests on every digit 5-9 outside the labelled sample: the two parts are disjoint and make up all 4,869', () => {
    const { train, test } = mnistTarget([5, 6, 7, 8, 9]);
    const all = concatDigits(train, test);
    expect(all.size).toBe(train.size + test.size);
    expect(all.size).toBe(4869);
    const key = (d: typeof all, i: number) =>
      Buffer.from(d.examples.buffer, d.examples.byteOffset + i * 784 * 4, 784 * 4).toString('base64') + d.labels[i];
    const keys = (d: typeof all) => [...Array(d.size).keys()].map((i) => key(d, i));
    for (const size of [100, 1000]) {
      const split = fewShotSplit(all, size, 1);
      expect(split.labelled.size + split.test.size).toBe(all.size);
      expect(split.labelled.size).toBeGreaterThanOrEqual(size);
      expect(split.labelled.size).toBeLessThanOrEqual(size + 5);
      const labelled = new Set(keys(split.labelled));
      expect(keys(split.test).filter((k) => labelled.has(k))).toEqual([]);
      expect(split.labelled.classCounts().map((n, c) => n + split.test.classCounts()[c])).toEqual(all.classCounts());
      // Stratified: each class's share of the sample is within one digit of its share of all digits.
      split.labelled.classCounts().forEach((n, c) => expect(Math.abs(n - (all.classCounts()[c] * size) / all.size)).toBeLessThanOrEqual(1));
    }
  });

  it('runs every strategy on a tiny sample, tests on every digit outside it and tabulates mean and std over seeds', async () => {
    tf.env().set('PROD', true);
    const out = join(mkdtempSync(join(tmpdir(), 'bigmodel-example-')), 'run');
    const summary = await runFewShot({
      sizes: [50],
      seeds: [0, 1],
      strategies: ['head', 'two-phase', 'full', 'full-bn-frozen', 'full-l2sp', 'scratch'],
      epochs: 1,
      testLimit: 100,
      out,
    });
    expect(summary.runs).toHaveLength(12);
    // 50 of the 4,869 digits 5-9 labelled (per-class rounding may add up to one a class); the test set is capped at 100 here.
    for (const run of summary.runs) {
      expect(run.size).toBeGreaterThanOrEqual(50);
      expect(run.size).toBeLessThanOrEqual(55);
      expect(run.testCount).toBe(100);
      expect(run.validationLoss).toBeGreaterThan(0);
      expect(run.validationLoss).toBeLessThan(Infinity);
    }
    expect(summary.table.map((t) => t.strategy)).toEqual(['head', 'two-phase', 'full', 'full-bn-frozen', 'full-l2sp', 'scratch']);
    const head = summary.runs.filter((r) => r.strategy === 'head').map((r) => r.testAccuracy);
    const mean = (head[0] + head[1]) / 2;
    expect(summary.table[0].mean).toBeCloseTo(mean, 12);
    expect(summary.table[0].std).toBeCloseTo(Math.abs(head[0] - head[1]) / 2, 12);
    expect(fewShotMarkdown(summary).split('\n')).toHaveLength(8);
  });
});
