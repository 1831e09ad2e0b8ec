import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { runEvolutionMnist } from './evolution-mnist';
import { runReinforceMnist } from './reinforce-mnist';
import { runTpeMnist } from './tpe-mnist';

describe.each([
  ['evolution-mnist', runEvolutionMnist],
  ['reinforce-mnist', runReinforceMnist],
  ['tpe-mnist', runTpeMnist],
])('nas/%s', (name, run) => {
  it('searches, exports and reports with a tiny budget', async () => {
    const out = join(mkdtempSync(join(tmpdir(), `nas-${name}-`)), 'run');
    const summary = await run({ trainLimit: 200, trials: 2, budget: 1, out, progress: false });
    expect(summary.trials).toBe(2);
    expect(summary.bestValAccuracy).toBeGreaterThan(0);
    expect(summary.export.metrics['testAccuracy']).toBeGreaterThan(0);
    // The exported model is the best trial's own: it scores exactly the trial's validation accuracy.
    expect(summary.export.retrained).toBe(false);
    expect(summary.export.metrics['valAccuracy']).toBe(summary.bestValAccuracy);
    expect(existsSync(join(out, 'model', 'model.json'))).toBe(true);
  });
});
