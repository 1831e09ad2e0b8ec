/**
 * Mixes a seed and a path of keys (indices or names) into one 32-bit seed: a counter-based way to
 * give every purpose and step its own stream, so that a resumed run draws exactly what an
 * uninterrupted one would have. Each number enters modulo 2^32; a name enters as its 32-bit
 * FNV-1a hash (over UTF-16 code units). Each value is mixed with MurmurHash3's multiply-xorshift
 * rounds.
 *
 * @example
 * ```ts
 * const noise = new Rng(deriveSeed(seed, 'noise', step)); // the noise of training step `step`
 * ```
 * @category Random
 */
export function deriveSeed(seed: number, ...keys: Array<number | string>): number {
  let h = mix(0x9e3779b9, seed);
  for (const key of keys) h = mix(h, typeof key === 'string' ? fnv1a(key) : key);
  return h >>> 0;
}

function mix(h: number, value: number): number {
  h = Math.imul(h ^ (value >>> 0), 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

/** FNV-1a, 32 bits, over the string's UTF-16 code units. */
function fnv1a(name: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193);
  return h >>> 0;
}
