/**
 * The one normal sampler of bigmodel: the Box-Muller transform (Box & Muller 1958). From two
 * uniform draws u1, u2 in [0, 1) it forms r = sqrt(-2 ln(1 - u1)) (1 - u1 is in (0, 1], so the
 * logarithm is finite) and the angle 2 pi u2, giving r cos(angle) and r sin(angle).
 */

const TWO_PI = 2 * Math.PI;

/**
 * The cosine branch of Box-Muller from two uniform draws `u1` (radius) and `u2` (angle).
 *
 * @internal
 */
export function standardNormalFrom(u1: number, u2: number): number {
  return Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(TWO_PI * u2);
}

/**
 * One standard normal draw (Box-Muller, cosine branch) from two draws of `random`: the first sets
 * the radius, the second the angle. The sine branch is not kept, so every call takes exactly two
 * uniform draws and a sequence never depends on a cached value.
 *
 * @example
 * ```ts
 * const z = standardNormal(mulberry32(0));
 * ```
 * @category Random
 */
export function standardNormal(random: () => number): number {
  const u1 = random();
  return standardNormalFrom(u1, random());
}

/**
 * Fills `out` with standard normal draws (Box-Muller, both branches): each pair of entries takes
 * two uniform draws of `random` and gets r cos(angle), then r sin(angle); an odd last entry takes
 * two draws and gets the cosine branch. Returns `out`.
 *
 * @example
 * ```ts
 * const z = fillStandardNormal(new Float32Array(64 * 100), mulberry32(seed));
 * ```
 * @category Random
 */
export function fillStandardNormal<T extends Float32Array | Float64Array | number[]>(out: T, random: () => number): T {
  for (let i = 0; i < out.length; i += 2) {
    const r = Math.sqrt(-2 * Math.log(1 - random()));
    const angle = TWO_PI * random();
    out[i] = r * Math.cos(angle);
    if (i + 1 < out.length) out[i + 1] = r * Math.sin(angle);
  }
  return out;
}
