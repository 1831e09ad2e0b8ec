import { InvalidArgumentError } from '@bigmodel/core';

import { Space } from './space';

/**
 * A vector of independent discrete choices, element i in `start[i] .. start[i] + nvec[i] - 1`
 * (Gymnasium's `MultiDiscrete`).
 * @example
 * ```ts
 * const keys = new MultiDiscrete([3, 2], { seed: 0 });
 * keys.sample(); // Int32Array [a, b], a < 3, b < 2
 * ```
 * @category Spaces
 */
export class MultiDiscrete extends Space<Int32Array> {
  /** The number of choices of each element. */
  readonly nvec: Int32Array;
  /** The smallest value of each element (default 0). */
  readonly start: Int32Array;

  constructor(nvec: ArrayLike<number>, options: { start?: ArrayLike<number>; seed?: number } = {}) {
    super(options.seed);
    if (nvec.length === 0 || Array.from(nvec).some((n) => !Number.isInteger(n) || n < 1)) {
      throw new InvalidArgumentError({ parameter: 'nvec', value: Array.from(nvec), message: 'Needs one or more positive integers.' });
    }
    this.nvec = Int32Array.from(nvec);
    this.start = options.start ? Int32Array.from(options.start) : new Int32Array(nvec.length);
    if (this.start.length !== this.nvec.length)
      throw new InvalidArgumentError({
        parameter: 'start',
        value: Array.from(this.start),
        message: `Needs ${this.nvec.length} values, one per element of nvec.`,
      });
  }

  sample(): Int32Array {
    const out = new Int32Array(this.nvec.length);
    for (let i = 0; i < out.length; i++) out[i] = this.start[i] + Math.floor(this.rng.random() * this.nvec[i]);
    return out;
  }

  contains(x: unknown): x is Int32Array {
    const values = x as ArrayLike<number> | undefined;
    if (values == null || typeof values !== 'object' || values.length !== this.nvec.length) return false;
    for (let i = 0; i < this.nvec.length; i++) {
      const v = values[i];
      if (!Number.isInteger(v) || v < this.start[i] || v >= this.start[i] + this.nvec[i]) return false;
    }
    return true;
  }
}
