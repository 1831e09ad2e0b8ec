import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { cellBenchmark } from '@bigmodel/nas';

import { runCustomEvaluator } from './custom-evaluator';

describe('nas/custom-evaluator', () => {
  it('searches a lookup table with random search and evolution; regrets are measured from the known optimum', async () => {
    const summary = await runCustomEvaluator({ trials: 30, out: mkdtempSync(join(tmpdir(), 'nas-custom-')) });
    const { table, optimum } = cellBenchmark(0);
    expect(summary.optimum).toBe(optimum);
    // The table's 85th percentile: 30 distinct random cells all fall below it with probability
    // 0.85^30 < 1%; over seeds 0-9 both strategies' best was at the 89th percentile or above.
    const sorted = Float64Array.from(table).sort();
    const percentile85 = sorted[Math.floor(0.85 * sorted.length)];
    expect(summary.strategies.map((s) => s.strategy)).toEqual(['random', 'evolution']);
    for (const s of summary.strategies) {
      expect(s.best).toBeGreaterThan(percentile85);
      expect(s.regret).toBeCloseTo(optimum - s.best, 12);
      expect(s.best).toBe(s.top3[0].score);
      expect(s.top3.map((t) => t.score)).toEqual([...s.top3.map((t) => t.score)].sort((a, b) => b - a));
    }
  });
});
