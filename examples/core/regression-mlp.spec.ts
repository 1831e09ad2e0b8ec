import * as tf from '@tensorflow/tfjs';

import { makeRegressionData, runRegressionMlp } from './regression-mlp';

describe('examples/core/regression-mlp', () => {
  it('trains with and without L2 for a tiny budget and reports both held-out errors', async () => {
    tf.env().set('PROD', true);
    const summary = await runRegressionMlp({ epochs: 3 });
    expect(summary.heldOutMse.plain).toBeGreaterThan(0);
    expect(summary.heldOutMse.l2).toBeGreaterThan(0);
    expect(makeRegressionData(4, 1).size).toBe(4);
  });
});
