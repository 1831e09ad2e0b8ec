import { Rng } from '../utils/rng';
import { Space } from './space';

/**
 * The member type of a {@link TupleSpace} of the given subspaces.
 *
 * @category Spaces
 */
export type TupleValue<S extends readonly Space<unknown>[]> = { [K in keyof S]: S[K] extends Space<infer T> ? T : never };

/**
 * An ordered product of subspaces (Gymnasium's `Tuple`), seeded like {@link DictSpace}.
 * @example
 * ```ts
 * const space = new TupleSpace([new Discrete(2), new MultiBinary(3)] as const, { seed: 0 });
 * space.sample(); // [0 | 1, Int8Array(3)]
 * ```
 * @category Spaces
 */
export class TupleSpace<S extends readonly Space<unknown>[]> extends Space<TupleValue<S>> {
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
    for (const space of this.spaces) used.push(...space.seed(rng.nextSeed()));
    return used;
  }

  sample(): TupleValue<S> {
    return this.spaces.map((space) => space.sample()) as unknown as TupleValue<S>;
  }

  contains(x: unknown): x is TupleValue<S> {
    return Array.isArray(x) && x.length === this.spaces.length && this.spaces.every((space, i) => space.contains(x[i]));
  }
}
