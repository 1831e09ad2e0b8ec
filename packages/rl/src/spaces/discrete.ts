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

  /**
   * A uniformly random member; with `mask` (Gymnasium's `sample(mask)`: length `n`, 1 = allowed), a
   * uniformly random allowed one, or `start` when none is allowed (as Gymnasium).
   */
  sample(mask?: Int8Array | Uint8Array): number {
    if (mask === undefined) return this.start + Math.floor(this.rng.random() * this.n);
    if (mask.length !== this.n || mask.some((v) => v !== 0 && v !== 1))
      throw new InvalidArgumentError({
        parameter: 'mask',
        value: mask,
        message: `Expected an Int8Array or Uint8Array of ${this.n} zeros and ones.`,
      });
    const allowed: number[] = [];
    mask.forEach((v, i) => v === 1 && allowed.push(i));
    if (allowed.length === 0) return this.start;
    return this.start + allowed[Math.floor(this.rng.random() * allowed.length)];
  }

  contains(x: unknown): x is number {
    return typeof x === 'number' && Number.isInteger(x) && x >= this.start && x < this.start + this.n;
  }

  /** Gymnasium's repr, e.g. `Discrete(6, start=1)`. */
  override toString(): string {
    return this.start === 0 ? `Discrete(${this.n})` : `Discrete(${this.n}, start=${this.start})`;
  }
}
