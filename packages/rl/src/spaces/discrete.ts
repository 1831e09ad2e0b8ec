import { InvalidArgumentError } from '@bigmodel/core';

import { Space } from './space';

/**
 * The integers `start, start + 1, ..., start + n - 1` (Gymnasium's `Discrete(n, start=start)`).
 * @example
 * ```ts
 * const dice = new Discrete(6, { start: 1, seed: 0 });
 * dice.sample(); // one of 1..6
 * dice.contains(0); // false
 * ```
 * @category Spaces
 */
export class Discrete extends Space<number> {
  /** The smallest member. */
  readonly start: number;

  constructor(
    readonly n: number,
    options: { start?: number; seed?: number } = {},
  ) {
    super(options.seed);
    if (!Number.isInteger(n) || n < 1)
      throw new InvalidArgumentError({ parameter: 'n', value: n, message: 'Discrete needs a positive integer number of elements.' });
    this.start = options.start ?? 0;
    if (!Number.isInteger(this.start))
      throw new InvalidArgumentError({ parameter: 'start', value: this.start, message: 'Must be an integer.' });
  }

  sample(): number {
    return this.start + Math.floor(this.rng.random() * this.n);
  }

  contains(x: unknown): x is number {
    return typeof x === 'number' && Number.isInteger(x) && x >= this.start && x < this.start + this.n;
  }

  /** Gymnasium's repr, e.g. `Discrete(6, start=1)`. */
  override toString(): string {
    return this.start === 0 ? `Discrete(${this.n})` : `Discrete(${this.n}, start=${this.start})`;
  }
}
