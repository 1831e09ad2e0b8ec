import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { runHyperbandMnist } from './hyperband-mnist';

describe('nas/hyperband-mnist', () => {
  it('runs a successive-halving bracket, exports and reports with a tiny budget, and the exported model has learned digits', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'nas-hyperband-')), 'run');
    const hyperband = { minBudget: 1, maxBudget: 3, eta: 3, mode: 'successive-halving' } as const;
    const summary = await runHyperbandMnist({ trainLimit: 1000, trials: 4, hyperband, out, progress: false });
    expect(summary.trials).toBe(4);
    // Three configurations at 1 epoch, the best of them at 3: the export is that 3-epoch trial's model.
    expect(summary.export.budget).toBe(3);
    expect(summary.export.metrics['valAccuracy']).toBe(summary.bestValAccuracy);
    // 900 training digits: measured with seeds 0-2, validation 0.53-0.91 and test 0.51-0.90 (chance is 0.1).
    expect(summary.bestValAccuracy).toBeGreaterThan(0.4);
    expect(summary.export.metrics['testAccuracy']).toBeGreaterThan(0.4);
    expect(Math.abs((summary.export.metrics['testAccuracy'] as number) - summary.bestValAccuracy)).toBeLessThan(0.12);
    expect(existsSync(join(out, 'model', 'model.json'))).toBe(true);
  });

  it('re-scores the best configurations and exports the winner of their mean scores', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'nas-hyperband-')), 'run');
    const summary = await runHyperbandMnist({
      trainLimit: 200,
      trials: 4,
      hyperband: { minBudget: 1, maxBudget: 1, eta: 3, mode: 'successive-halving' },
      rescore: { top: 2, repeats: 1, minutes: 5 },
      out,
      progress: false,
    });
    const candidates = summary.rescore!.candidates;
    expect(candidates).toHaveLength(2);
    expect(candidates.every((c) => c.complete && c.scores.length === 2)).toBe(true);
    expect(candidates[0].meanScore).toBeGreaterThanOrEqual(candidates[1].meanScore);
    expect(summary.export.trialId).toBe(candidates[0].trial);
    expect(summary.export.rescore?.meanScore).toBe(candidates[0].meanScore);
  });
});
