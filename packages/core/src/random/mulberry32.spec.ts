import { mulberry32, shuffleInPlace } from './mulberry32';

describe('mulberry32', () => {
  it('matches the reference Mulberry32 sequence for seed 42', () => {
    // Reference: the published C algorithm (Tommy Ettinger), state += 0x6D2B79F5, two multiply-xorshift rounds.
    // Recomputed here in BigInt arithmetic as an independent implementation.
    let state = 42n;
    const reference = () => {
      state = (state + 0x6d2b79f5n) & 0xffffffffn;
      let z = state;
      z = ((z ^ (z >> 15n)) * (z | 1n)) & 0xffffffffn;
      z = (z ^ (z + (((z ^ (z >> 7n)) * (z | 61n)) & 0xffffffffn))) & 0xffffffffn;
      return Number((z ^ (z >> 14n)) & 0xffffffffn) / 4294967296;
    };
    const random = mulberry32(42);
    for (let i = 0; i < 5; i++) expect(random()).toBe(reference());
  });

  it('shuffles reproducibly and keeps every element', () => {
    const a = shuffleInPlace([...Array(50).keys()], mulberry32(7));
    const b = shuffleInPlace([...Array(50).keys()], mulberry32(7));
    expect(a).toEqual(b);
    expect([...a].sort((x, y) => x - y)).toEqual([...Array(50).keys()]);
    expect(a).not.toEqual([...Array(50).keys()]);
  });
});
