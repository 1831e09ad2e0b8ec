import { fillStandardNormal, standardNormal } from './normal';
import { mulberry32 } from './mulberry32';
import { Rng } from './rng';

/** A generator that returns the given values in order. */
function scripted(...values: number[]): () => number {
  let i = 0;
  return () => values[i++];
}

describe('standardNormal and fillStandardNormal', () => {
  it('apply the Box-Muller transform: hand-worked values', () => {
    // u1 = 0.5: r = sqrt(-2 ln 0.5) = sqrt(2 ln 2) = 1.1774100225154747.
    expect(standardNormal(scripted(0.5, 0))).toBeCloseTo(1.1774100225154747, 15);
    expect(standardNormal(scripted(0.5, 0.5))).toBeCloseTo(-1.1774100225154747, 15);
    expect(standardNormal(scripted(0, 0.25))).toBeCloseTo(0, 15); // r = 0
    // Angle pi/4: both branches are r / sqrt(2) = sqrt(ln 2) = 0.8325546111576977.
    const pair = fillStandardNormal(new Float64Array(2), scripted(0.5, 0.125));
    expect(pair[0]).toBeCloseTo(0.8325546111576977, 15);
    expect(pair[1]).toBeCloseTo(0.8325546111576977, 15);
    // An odd last entry takes two draws and the cosine branch.
    const odd = fillStandardNormal([0, 0, 0], scripted(0.5, 0.25, 0.5, 0.5));
    expect(odd[0]).toBeCloseTo(0, 15);
    expect(odd[1]).toBeCloseTo(1.1774100225154747, 15);
    expect(odd[2]).toBeCloseTo(-1.1774100225154747, 15);
  });

  it('keep bitwise the sequences of the Box-Muller copies they replaced (rl Rng, nas TPE/mutate, gan noise)', () => {
    // The copies' exact expressions: one draw per call (rl's Rng.normal, nas's TPE and mutate) ...
    const a = mulberry32(3);
    const b = mulberry32(3);
    for (let i = 0; i < 5000; i++) expect(standardNormal(a)).toBe(Math.sqrt(-2 * Math.log(1 - b())) * Math.cos(2 * Math.PI * b()));
    const rng = new Rng(3);
    const c = mulberry32(3);
    for (let i = 0; i < 5000; i++) expect(rng.normal()).toBe(standardNormal(c));
    // ... and both branches into a Float32Array (gan's normalArray).
    const d = mulberry32(8);
    const expected = new Float32Array(5001);
    for (let i = 0; i < expected.length; i += 2) {
      const u = 1 - d();
      const v = d();
      const r = Math.sqrt(-2 * Math.log(u));
      expected[i] = r * Math.cos(2 * Math.PI * v);
      if (i + 1 < expected.length) expected[i + 1] = r * Math.sin(2 * Math.PI * v);
    }
    expect(fillStandardNormal(new Float32Array(5001), mulberry32(8))).toEqual(expected);
  });

  it('have the moments of a standard normal over 100,000 draws, with uncorrelated pairs', () => {
    const n = 100000;
    const z = fillStandardNormal(new Float64Array(n), mulberry32(1));
    const single = new Float64Array(n);
    const random = mulberry32(2);
    for (let i = 0; i < n; i++) single[i] = standardNormal(random);
    for (const xs of [z, single]) {
      let m1 = 0,
        m2 = 0,
        m3 = 0,
        m4 = 0,
        within1 = 0;
      for (const x of xs) {
        m1 += x;
        m2 += x * x;
        m3 += x ** 3;
        m4 += x ** 4;
        if (Math.abs(x) < 1) within1++;
      }
      // Standard errors at n = 1e5: mean 0.003, E[x^2] 0.0045, E[x^3] 0.012, E[x^4] 0.03, P(|x| < 1) 0.0015.
      expect(Math.abs(m1 / n)).toBeLessThan(0.015);
      expect(Math.abs(m2 / n - 1)).toBeLessThan(0.02);
      expect(Math.abs(m3 / n)).toBeLessThan(0.06);
      expect(Math.abs(m4 / n - 3)).toBeLessThan(0.15);
      expect(Math.abs(within1 / n - 0.6826894921370859)).toBeLessThan(0.008);
    }
    let cross = 0;
    for (let i = 0; i < n; i += 2) cross += z[i] * z[i + 1];
    expect(Math.abs(cross / (n / 2))).toBeLessThan(0.02); // sd 1 / sqrt(n / 2) = 0.0045
  });
});
