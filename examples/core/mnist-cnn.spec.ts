import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import * as tf from '@tensorflow/tfjs';

import { runMnistCnn } from './mnist-cnn';

describe('examples/core/mnist-cnn', () => {
  it('trains for a tiny budget and writes its metrics and summary', async () => {
    tf.env().set('PROD', true);
    const out = join(mkdtempSync(join(tmpdir(), 'bigmodel-example-')), 'run');
    const summary = await runMnistCnn({ epochs: 1, limit: 640, out, progress: false });
    expect(summary.backend).toMatch(/^wasm|^node|^cpu/);
    expect(summary.msPerStep).toBeGreaterThan(0);
    expect(summary.testCount).toBe(1663);
    // About ten steps already lift accuracy well above chance (10%).
    expect(summary.testAccuracy).toBeGreaterThan(0.3);
    const lines = readFileSync(join(out, 'metrics.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines).toHaveLength(summary.steps + 1); // a line per step, and one for the epoch
    expect(lines[0]).toEqual(expect.objectContaining({ step: 1, 'losses/train': expect.any(Number) }));
    expect(lines[summary.steps]).toEqual(expect.objectContaining({ 'charts/valAccuracy': expect.any(Number) }));
    expect(existsSync(join(out, 'summary.json'))).toBe(true);
    expect(existsSync(join(out, 'model', 'model.json'))).toBe(true);
  });
});
