import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import * as tf from '@tensorflow/tfjs';

import { runWganGpMnist } from './wgan-gp-mnist';

describe('examples/gan/wgan-gp-mnist', () => {
  it('trains for a tiny budget with 5 critic steps per generator step and logs the penalty', async () => {
    tf.env().set('PROD', true);
    const out = join(mkdtempSync(join(tmpdir(), 'bigmodel-example-')), 'run');
    const summary = await runWganGpMnist({ epochs: 1, limit: 640, ngf: 8, ndf: 8, scoreSamples: 0, out, progress: false });
    expect(summary.steps).toBe(2); // 10 batches of 64, 5 per generator step
    expect(existsSync(summary.interpolation)).toBe(true);
    const first = JSON.parse(readFileSync(join(out, 'metrics.jsonl'), 'utf8').split('\n')[0]);
    expect(first).toEqual(
      expect.objectContaining({ 'losses/gradientPenalty': expect.any(Number), 'losses/wassersteinDistance': expect.any(Number) }),
    );
  });
});
