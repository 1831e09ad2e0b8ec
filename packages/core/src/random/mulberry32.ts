import { Rng } from './rng';

/**
 * A small, fast seeded generator of floats in [0, 1) (Mulberry32): the draws of `new Rng(seed)`
 * ({@link Rng.random}) as a plain function. The same seed gives the same sequence on every
 * machine and backend.
 *
 * @example
 * ```ts
 * const random = mulberry32(42);
 * random(); // 0.6011037519201636
 * ```
 * @category Random
 */
export function mulberry32(seed: number): () => number {
  const rng = new Rng(seed);
  return () => rng.random();
}

/**
 * Shuffles `items` in place (Fisher-Yates) with draws from `random`, and returns it.
 *
 * @example
 * ```ts
 * shuffleInPlace([1, 2, 3, 4], mulberry32(0));
 * ```
 * @category Random
 */
export function shuffleInPlace<T>(items: T[], random: () => number): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j], items[i]];
  }
  return items;
}
