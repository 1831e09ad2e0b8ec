import { Rng } from './rng';
import { mulberry32 } from './mulberry32';
import { deriveSeed } from './derive-seed';

/** Mulberry32 in BigInt arithmetic: an implementation independent of the Math.imul one under test. */
function referenceMulberry32(seed: number): () => number {
  let state = BigInt(seed >>> 0);
  return () => {
    state = (state + 0x6d2b79f5n) & 0xffffffffn;
    let z = state;
    z = ((z ^ (z >> 15n)) * (z | 1n)) & 0xffffffffn;
    z = (z ^ (z + (((z ^ (z >> 7n)) * (z | 61n)) & 0xffffffffn))) & 0xffffffffn;
    return Number((z ^ (z >> 14n)) & 0xffffffffn) / 4294967296;
  };
}

describe('Rng', () => {
  it('draws the reference Mulberry32 sequence for several seeds, the same as mulberry32', () => {
    for (const seed of [0, 1, 42, 0xffffffff, -1, 2 ** 40 + 7]) {
      const rng = new Rng(seed);
      const reference = referenceMulberry32(seed);
      const plain = mulberry32(seed);
      for (let i = 0; i < 200; i++) {
        const x = rng.random();
        expect(x).toBe(reference());
        expect(plain()).toBe(x);
      }
    }
    // The value documented in mulberry32's example.
    expect(new Rng(42).random()).toBe(0.6011037519201636);
  });

  it('takes the seed modulo 2^32 and keeps its state an unsigned 32-bit integer', () => {
    expect(new Rng(-1).state).toBe(0xffffffff);
    expect(new Rng(2 ** 32 + 5).state).toBe(5);
    const rng = new Rng(0xffffffff);
    rng.random();
    expect(rng.state).toBe((0xffffffff + 0x6d2b79f5) % 2 ** 32);
    expect(Number.isInteger(new Rng().state)).toBe(true);
  });

  it('replays every kind of draw from a saved state', () => {
    const rng = new Rng(7);
    rng.random();
    const saved = rng.state;
    const draw = () => [rng.random(), rng.uniform(-2, 3), rng.integer(3, 9), rng.normal(), rng.exponential(), rng.nextSeed()];
    const first = draw();
    rng.state = saved;
    expect(draw()).toEqual(first);
    const copy = new Rng(saved);
    expect([copy.random(), copy.uniform(-2, 3), copy.integer(3, 9), copy.normal(), copy.exponential(), copy.nextSeed()]).toEqual(first);
  });

  it('maps each uniform draw to uniform, integer, exponential and seed values by their closed forms', () => {
    const rng = new Rng(3);
    const u = referenceMulberry32(3);
    let x = u();
    expect(rng.uniform(-2, 3)).toBe(-2 + 5 * x);
    x = u();
    expect(rng.integer(3, 9)).toBe(3 + Math.floor(x * 6));
    x = u();
    expect(rng.exponential()).toBe(-Math.log(1 - x));
    x = u();
    expect(rng.nextSeed()).toBe(x * 4294967296); // x has 32 fractional bits, so this is exact
  });

  it('has uniform, integer and exponential draws with the moments of their distributions over 20,000 draws', () => {
    const rng = new Rng(1);
    const n = 20000;
    let uniformSum = 0;
    let expSum = 0;
    const counts = new Array(6).fill(0);
    for (let i = 0; i < n; i++) {
      const x = rng.uniform(-1, 1);
      expect(x >= -1 && x < 1).toBe(true);
      uniformSum += x;
      expSum += rng.exponential();
      counts[rng.integer(0, 6)]++;
    }
    expect(Math.abs(uniformSum / n)).toBeLessThan(0.02); // sd of the mean: sqrt(1/3 / n) = 0.004
    expect(Math.abs(expSum / n - 1)).toBeLessThan(0.03); // sd of the mean: 1 / sqrt(n) = 0.007
    // Chi-square with 5 degrees of freedom: 20.5 is its 0.999 quantile.
    const expected = n / 6;
    const chi2 = counts.reduce((sum, c) => sum + (c - expected) ** 2 / expected, 0);
    expect(chi2).toBeLessThan(20.5);
  });

  it('splits off a child seeded by one draw of the parent', () => {
    const parent = new Rng(11);
    const twin = new Rng(11);
    const child = parent.split();
    expect(parent.state).toBe(twin.state + 0x6d2b79f5);
    const expectedChild = new Rng(new Rng(11).nextSeed());
    expect([child.random(), child.random()]).toEqual([expectedChild.random(), expectedChild.random()]);
  });

  it('derives named sub-streams without advancing, each seeded by deriveSeed of the state and keys', () => {
    const rng = new Rng(5);
    const before = rng.state;
    const a = rng.derive('noise', 3);
    expect(rng.state).toBe(before);
    expect(a.state).toBe(deriveSeed(5, 'noise', 3));
    expect(rng.derive('noise', 3).random()).toBe(a.random());
    expect(rng.derive('noise', 4).state).not.toBe(rng.derive('noise', 3).state);
    expect(rng.derive('labels', 3).state).not.toBe(rng.derive('noise', 3).state);
  });
});
