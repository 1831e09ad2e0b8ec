import { Rng } from '../utils/rng';
import { Space } from './space';

/**
 * The member type of a {@link DictSpace} of the given subspaces.
 *
 * @category Spaces
 */
export type DictValue<S extends Record<string, Space<unknown>>> = { [K in keyof S]: S[K] extends Space<infer T> ? T : never };

/**
 * Named subspaces (Gymnasium's `Dict`). Seeding it seeds each subspace, in key order, with a seed
 * drawn from a generator seeded with the given seed.
 * @example
 * ```ts
 * const space = new DictSpace({ position: new Box({ low: -1, high: 1, shape: [2] }), key: new Discrete(3) }, { seed: 0 });
 * space.sample(); // { position: Float32Array(2), key: 0 | 1 | 2 }
 * ```
 * @category Spaces
 */
export class DictSpace<S extends Record<string, Space<unknown>>> extends Space<DictValue<S>> {
  constructor(
    readonly spaces: S,
    options: { seed?: number } = {},
  ) {
    super(options.seed);
    if (options.seed !== undefined) this.seed(options.seed);
  }

  override seed(seed?: number): number[] {
    const rng = new Rng(seed);
    const used = [rng.state];
    for (const key of Object.keys(this.spaces)) used.push(...this.spaces[key].seed(rng.nextSeed()));
    return used;
  }

  sample(): DictValue<S> {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(this.spaces)) out[key] = this.spaces[key].sample();
    return out as DictValue<S>;
  }

  contains(x: unknown): x is DictValue<S> {
    if (x == null || typeof x !== 'object') return false;
    const keys = Object.keys(this.spaces);
    if (Object.keys(x).length !== keys.length) return false;
    return keys.every((key) => key in x && this.spaces[key].contains((x as Record<string, unknown>)[key]));
  }
}
