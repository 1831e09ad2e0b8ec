import { Rng } from '../utils/rng';

/**
 * A set of values an environment accepts as actions or returns as observations (Gymnasium's
 * `Space`): it can draw a random member with its own seeded generator, and test membership.
 * @category Spaces
 */
export abstract class Space<T> {
  /** The generator {@link Space.sample} draws from; reseed it with {@link Space.seed}. */
  protected rng: Rng;

  protected constructor(seed?: number) {
    this.rng = new Rng(seed);
  }

  /** Reseeds the space's generator (from OS entropy when `seed` is left out); returns the seeds used. */
  seed(seed?: number): number[] {
    this.rng = new Rng(seed);
    return [this.rng.state];
  }

  /** A random member of the space. */
  abstract sample(): T;

  /** Whether `x` is a member of the space. */
  abstract contains(x: unknown): x is T;
}
