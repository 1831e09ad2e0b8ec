import { deriveSeed } from './derive-seed';

/** The same mixing in BigInt arithmetic: MurmurHash3's multiply-xorshift rounds, independent of Math.imul. */
function referenceDerive(...values: number[]): number {
  const mask = 0xffffffffn;
  let h = 0x9e3779b9n;
  for (const value of values) {
    h = ((h ^ BigInt(value >>> 0)) * 0x85ebca6bn) & mask;
    h ^= h >> 13n;
    h = (h * 0xc2b2ae35n) & mask;
    h ^= h >> 16n;
  }
  return Number(h);
}

describe('deriveSeed', () => {
  it('mixes the seed and numeric keys as the reference multiply-xorshift rounds do', () => {
    for (const values of [[0], [42, 1], [7, 6, 12345, 2], [0xffffffff, 3, 0], [-5, 2 ** 33 + 1]]) {
      const [seed, ...keys] = values;
      expect(deriveSeed(seed, ...keys)).toBe(referenceDerive(...values));
    }
  });

  it('hashes a name with 32-bit FNV-1a (published test vectors) before mixing it', () => {
    // FNV-1a 32-bit test vectors (Fowler, Noll, Vo): "" -> 0x811c9dc5, "a" -> 0xe40c292c, "foobar" -> 0xbf9cf968.
    expect(deriveSeed(9, '')).toBe(deriveSeed(9, 0x811c9dc5));
    expect(deriveSeed(9, 'a')).toBe(deriveSeed(9, 0xe40c292c));
    expect(deriveSeed(9, 'foobar', 4)).toBe(deriveSeed(9, 0xbf9cf968, 4));
  });

  it('gives distinct seeds for distinct paths', () => {
    const seen = new Set<number>();
    for (let seed = 0; seed < 20; seed++) for (let step = 0; step < 50; step++) seen.add(deriveSeed(seed, 'noise', step));
    for (let step = 0; step < 50; step++) seen.add(deriveSeed(0, 'labels', step));
    expect(seen.size).toBe(20 * 50 + 50);
    expect(deriveSeed(1, 2, 3)).not.toBe(deriveSeed(1, 3, 2));
  });
});
