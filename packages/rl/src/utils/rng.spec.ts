import { mulberry32 } from '@bigmodel/core';
import { Rng } from './rng';

describe('Rng', () => {
  it("draws core's mulberry32 sequence and replays from a saved state", () => {
    const rng = new Rng(42);
    const reference = mulberry32(42);
    for (let i = 0; i < 5; i++) expect(rng.random()).toBe(reference());
    const saved = rng.state;
    const next = [rng.random(), rng.normal(), rng.exponential()];
    rng.state = saved;
    expect([rng.random(), rng.normal(), rng.exponential()]).toEqual(next);
  });

  it('has the moments of its distributions over 20,000 draws', () => {
    const rng = new Rng(1);
    const n = 20000;
    let normalSum = 0,
      normalSq = 0,
      expSum = 0;
    for (let i = 0; i < n; i++) {
      const z = rng.normal();
      normalSum += z;
      normalSq += z * z;
      expSum += rng.exponential();
    }
    expect(Math.abs(normalSum / n)).toBeLessThan(0.03);
    expect(Math.abs(normalSq / n - 1)).toBeLessThan(0.04);
    expect(Math.abs(expSum / n - 1)).toBeLessThan(0.04);
  });
});
