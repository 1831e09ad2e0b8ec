import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { cellBenchmark } from '@bigmodel/nas';

import { runCustomEvaluator } from './custom-evaluator';

describe('nas/custom-evaluator', () => {
  it('searches a lookup table with random search and evolution; regrets are measured from the known optimum', async () => {
    const summary = await runCustomEvaluator({ trials: 30, out: mkdtempSync(join(tmpdir(), 'nas-custom-')) });
    expect(summary.optimum).toBe(cellBenchmark(0).optimum);
    for (const s of summary.strategies) {
      expect(s.regret).toBeGreaterThanOrEqual(0);
      expect(s.best).toBe(s.top3[0].score);
    }
  });
});
