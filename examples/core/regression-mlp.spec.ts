import * as tf from '@tensorflow/tfjs';

import { makeRegressionData, runRegressionMlp } from './regression-mlp';

describe('examples/core/regression-mlp', () => {
  it('trains with and without L2 for a tiny budget and reports both held-out errors', async () => {
    tf.env().set('PROD', true);
    const summary = await runRegressionMlp({ epochs: 3 });
    // Same seed and data for both runs, so any difference comes from the penalty.
    expect(Number.isFinite(summary.heldOutMse.plain) && Number.isFinite(summary.heldOutMse.l2)).toBe(true);
    expect(summary.heldOutMse.l2).not.toBe(summary.heldOutMse.plain);
    expect(makeRegressionData(4, 1).size).toBe(4);
  });
});
