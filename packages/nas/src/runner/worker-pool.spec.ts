import { join } from 'node:path';

import { trialWorkerScript, WorkerPool } from './worker-pool';

describe('WorkerPool', () => {
  it("runs from sources: the worker thread loads trial-worker.ts and the package files it imports, transpiled, not nas's dist/", () => {
    // Under ts-jest this module is src/runner/worker-pool.ts, with no compiled worker beside it.
    const { script, eval: evaluated } = trialWorkerScript();
    expect(evaluated).toBe(true);
    expect(script).toContain(`require(${JSON.stringify(`${__dirname}/trial-worker.ts`)});`);
    expect(script).toContain(JSON.stringify(join(__dirname, '..', 'evaluators', 'evaluator-spec.ts')));
    expect(script).not.toContain('nas/dist');
  });

  it('evaluates trials in a worker thread from sources: Branin at its minimum (pi, 2.275) and at (0, 0)', async () => {
    const pool = new WorkerPool(1, { kind: 'builtin', name: 'branin' });
    try {
      const context = { trialId: 0, seed: 0 };
      const atMinimum = await pool.evaluate({ x1: Math.PI, x2: 2.275 }, 1, context);
      // By hand: at x1 = pi the squared term vanishes (2.275 - 5.1/4 + 5 - 6 = 0), leaving 10 (1 - 1/(8 pi)) cos(pi) + 10 = 10/(8 pi).
      expect(atMinimum.score).toBeCloseTo(-10 / (8 * Math.PI), 12);
      const atOrigin = await pool.evaluate({ x1: 0, x2: 0 }, 1, { ...context, trialId: 1 });
      // (-6)^2 + 10 (1 - 1/(8 pi)) + 10 = 56 - 10/(8 pi).
      expect(atOrigin.score).toBeCloseTo(-(56 - 10 / (8 * Math.PI)), 12);
    } finally {
      await pool.close();
    }
  });
});
