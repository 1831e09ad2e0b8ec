import { Rng as CoreRng } from '@bigmodel/core';

import { linearAnneal } from './agents/dqn';
import { Rng, linearSchedule } from './deprecated';

describe('deprecated names', () => {
  it("Rng is core's generator: same class, same draws", () => {
    expect(Rng).toBe(CoreRng);
    expect(new Rng(42).random()).toBe(0.6011037519201636);
  });

  it('linearSchedule is linearAnneal: 1 to 0.04 over the first 16% is 0.52 at 8%', () => {
    expect(linearSchedule).toBe(linearAnneal);
    expect(linearSchedule(1, 0.04, 0.16, 0.08)).toBeCloseTo(0.52, 12);
  });
});
