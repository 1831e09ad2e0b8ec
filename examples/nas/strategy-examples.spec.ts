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
  it('searches, exports and reports with a tiny budget, and the exported model has learned digits', async () => {
    const out = join(mkdtempSync(join(tmpdir(), `nas-${name}-`)), 'run');
    // 900 training digits, one epoch, two trials. Measured with seeds 0-2 for all three examples:
    // best validation 0.39-0.69 and test 0.40-0.66 (chance is 0.1; 200 digits gave 0.13-0.2, near
    // chance). A network that does not train, or an export of another model, misses these bounds.
    const summary = await run({ trainLimit: 1000, trials: 2, budget: 1, out, progress: false });
    expect(summary.trials).toBe(2);
    expect(summary.bestValAccuracy).toBeGreaterThan(0.3);
    expect(summary.export.metrics['testAccuracy']).toBeGreaterThan(0.3);
    // Validation (about 100 digits) and test (core's test split) measure the same model: a few points apart.
    expect(Math.abs((summary.export.metrics['testAccuracy'] as number) - summary.bestValAccuracy)).toBeLessThan(0.12);
    // The exported model is the best trial's own: it scores exactly the trial's validation accuracy.
    expect(summary.export.retrained).toBe(false);
    expect(summary.export.metrics['valAccuracy']).toBe(summary.bestValAccuracy);
    expect(existsSync(join(out, 'model', 'model.json'))).toBe(true);
  });
});
