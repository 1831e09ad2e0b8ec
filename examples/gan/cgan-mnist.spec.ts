import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import * as tf from '@tensorflow/tfjs';

import { runCganMnist } from './cgan-mnist';

describe('examples/gan/cgan-mnist', () => {
  it('trains for a tiny budget, writes a row per digit, and checks the requested digits with the classifier', async () => {
    tf.env().set('PROD', true);
    const out = join(mkdtempSync(join(tmpdir(), 'bigmodel-example-')), 'run');
    const summary = await runCganMnist({ epochs: 1, limit: 128, ngf: 8, ndf: 8, perDigit: 5, out, progress: false });
    expect(summary.steps).toBe(2);
    expect(existsSync(summary.digitGrid)).toBe(true);
    expect(summary.perDigitAccuracy).toHaveLength(10);
    const mean = summary.perDigitAccuracy.reduce((a, b) => a + b, 0) / 10;
    expect(mean).toBeCloseTo(summary.requestedDigitAccuracy, 10);
  });
});
