import { InvalidArgumentError } from '@bigmodel/core';

import { Space } from './space';

/**
 * `n` independent bits (Gymnasium's `MultiBinary(n)`), each sampled 0 or 1 with probability 1/2.
 * @example
 * ```ts
 * new MultiBinary(4, { seed: 0 }).sample(); // Int8Array of four 0/1 values
 * ```
 * @category Spaces
 */
export class MultiBinary extends Space<Int8Array> {
  constructor(
    readonly n: number,
    options: { seed?: number } = {},
  ) {
    super(options.seed);
    if (!Number.isInteger(n) || n < 1)
      throw new InvalidArgumentError({ parameter: 'n', value: n, message: 'MultiBinary needs a positive integer number of bits.' });
  }

  sample(): Int8Array {
    const out = new Int8Array(this.n);
    for (let i = 0; i < this.n; i++) out[i] = this.rng.random() < 0.5 ? 0 : 1;
    return out;
  }

  contains(x: unknown): x is Int8Array {
    const values = x as ArrayLike<number> | undefined;
    if (values == null || typeof values !== 'object' || values.length !== this.n) return false;
    for (let i = 0; i < this.n; i++) if (values[i] !== 0 && values[i] !== 1) return false;
    return true;
  }
}
