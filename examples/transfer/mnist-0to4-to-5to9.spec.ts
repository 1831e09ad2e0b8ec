import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import * as tf from '@tensorflow/tfjs';

import { runMnistTransfer } from './mnist-0to4-to-5to9';

describe('examples/transfer/mnist-0to4-to-5to9', () => {
  it('transfers the zoo base to digits 5-9 with a tiny budget, frozen base, and writes its summary and model', async () => {
    tf.env().set('PROD', true);
    const out = join(mkdtempSync(join(tmpdir(), 'bigmodel-example-')), 'run');
    const summary = await runMnistTransfer({
      strategy: 'two-phase',
      epochs: 2,
      fineTuneEpochs: 1,
      cachedAugmentations: 1,
      limit: 300,
      out,
      progress: false,
    });
    expect(summary.testCount).toBe(810);
    expect(summary.phases.map((p) => p.name)).toEqual(['head', 'fine-tune']);
    expect(summary.phases[1].trainable).toBeGreaterThan(summary.phases[0].trainable);
    expect(summary.testAccuracy).toBeGreaterThan(0.8);
    expect(existsSync(join(out, 'summary.json'))).toBe(true);
    expect(existsSync(join(out, 'model', 'model.json'))).toBe(true);
  });
});
