import { InvalidArgumentError } from '@bigmodel/core';

import { Space } from './space';

/**
 * The element types a {@link Box} can hold, as in numpy.
 *
 * @category Spaces
 */
export type BoxDtype = 'float32' | 'float64' | 'int32' | 'int64' | 'uint8';

/**
 * The array a {@link Box} of each dtype holds.
 *
 * @category Spaces
 */
export type BoxArray = Float32Array | Float64Array | Int32Array | Uint8Array;

function arrayOf(dtype: BoxDtype, size: number): BoxArray {
  switch (dtype) {
    case 'float32':
      return new Float32Array(size);
    case 'float64':
      return new Float64Array(size);
    case 'uint8':
      return new Uint8Array(size);
    default:
      return new Int32Array(size);
  }
}

/**
 * Options for {@link Box}.
 *
 * @category Spaces
 */
export interface BoxOptions {
  /** Lower bounds: one number for every element, or one per element (may be `-Infinity`). */
  low: number | ArrayLike<number>;
  /** Upper bounds, as `low` (may be `Infinity`). */
  high: number | ArrayLike<number>;
  /** The shape (default: `[low.length]` when `low` or `high` is an array). */
  shape?: number[];
  /** Element type (default `float32`). */
  dtype?: BoxDtype;
  /** Seed of the sampling generator (default: OS entropy). */
  seed?: number;
}

/**
 * An n-dimensional box of numbers (typed by the array its dtype gives, `Float32Array` by default),
 * `low <= x <= high` elementwise (Gymnasium's `Box`). Samples as
 * Gymnasium does: uniform on bounded coordinates, `low + Exponential(1)` when only bounded below,
 * `high - Exponential(1)` when only bounded above, standard normal when unbounded; integer boxes
 * draw on `[low, high + 1)` and floor.
 * @example
 * ```ts
 * const torque = new Box({ low: -2, high: 2, shape: [1], seed: 0 });
 * torque.sample(); // Float32Array [x] with -2 <= x <= 2
 * ```
 * @category Spaces
 */
export class Box<T extends BoxArray = Float32Array> extends Space<T> {
  /** The shape of a member. */
  readonly shape: number[];
  /** Number of elements of a member. */
  readonly size: number;
  /** The element type. */
  readonly dtype: BoxDtype;
  /** Lower bounds, one per element. */
  readonly low: Float64Array;
  /** Upper bounds, one per element. */
  readonly high: Float64Array;

  constructor(options: BoxOptions) {
    super(options.seed);
    const { low, high, dtype = 'float32' } = options;
    const lengthOf = (b: number | ArrayLike<number>) => (typeof b === 'number' ? undefined : b.length);
    const shape = options.shape ?? [lengthOf(low) ?? lengthOf(high) ?? 1];
    if (shape.some((d) => !Number.isInteger(d) || d < 0))
      throw new InvalidArgumentError({ parameter: 'shape', value: shape, message: 'Dimensions must be non-negative integers.' });
    this.shape = shape;
    this.size = shape.reduce((a, b) => a * b, 1);
    this.dtype = dtype;
    const expand = (parameter: string, b: number | ArrayLike<number>) => {
      if (typeof b === 'number') return new Float64Array(this.size).fill(b);
      if (b.length !== this.size)
        throw new InvalidArgumentError({
          parameter,
          value: b.length,
          message: `Has ${b.length} bounds for a shape of ${this.size} elements [${shape.join(', ')}].`,
        });
      return Float64Array.from(b);
    };
    this.low = expand('low', low);
    this.high = expand('high', high);
    // Bounds are stored in the box's dtype, as numpy casts them.
    if (dtype === 'float32') {
      for (let i = 0; i < this.size; i++) [this.low[i], this.high[i]] = [Math.fround(this.low[i]), Math.fround(this.high[i])];
    }
    for (let i = 0; i < this.size; i++) {
      if (Number.isNaN(this.low[i]) || Number.isNaN(this.high[i]) || this.low[i] > this.high[i]) {
        throw new InvalidArgumentError({
          parameter: 'low',
          value: this.low[i],
          message: `Element ${i}: low must be <= high (${this.high[i]}) and neither NaN.`,
        });
      }
    }
  }

  /** Whether element `i` (or every element, when left out) is bounded on both sides. */
  isBounded(i?: number): boolean {
    if (i !== undefined) return Number.isFinite(this.low[i]) && Number.isFinite(this.high[i]);
    for (let k = 0; k < this.size; k++) if (!this.isBounded(k)) return false;
    return true;
  }

  sample(): T {
    const out = arrayOf(this.dtype, this.size) as T;
    const integer = !this.dtype.startsWith('float');
    for (let i = 0; i < this.size; i++) {
      const low = this.low[i];
      const high = integer && Number.isFinite(this.high[i]) ? this.high[i] + 1 : this.high[i];
      const below = Number.isFinite(low);
      const above = Number.isFinite(high);
      let x: number;
      if (below && above) x = this.rng.uniform(low, high);
      else if (below) x = low + this.rng.exponential();
      else if (above) x = high - this.rng.exponential();
      else x = this.rng.normal();
      if (integer) x = Math.min(Math.max(Math.floor(x), this.low[i]), this.high[i]);
      out[i] = x;
    }
    // float32 rounding may land exactly on an open upper end; keep samples inside the box.
    if (this.dtype === 'float32') for (let i = 0; i < this.size; i++) out[i] = Math.min(Math.max(out[i], this.low[i]), this.high[i]);
    return out;
  }

  contains(x: unknown): x is T {
    const values = x as ArrayLike<number> | undefined;
    if (values == null || typeof values !== 'object' || values.length !== this.size) return false;
    const integer = !this.dtype.startsWith('float');
    for (let i = 0; i < this.size; i++) {
      const v = values[i];
      if (typeof v !== 'number' || !(v >= this.low[i] && v <= this.high[i])) return false;
      if (integer && !Number.isInteger(v)) return false;
    }
    return true;
  }

  /** Gymnasium-like repr, e.g. `Box(-2.0, 2.0, (1,), float32)`. */
  override toString(): string {
    const same = (a: Float64Array) => a.every((v) => v === a[0]);
    const show = (a: Float64Array) => (same(a) ? String(a[0]) : `[${Array.from(a).join(' ')}]`);
    return `Box(${show(this.low)}, ${show(this.high)}, (${this.shape.join(', ')}${this.shape.length === 1 ? ',' : ''}), ${this.dtype})`;
  }
}
