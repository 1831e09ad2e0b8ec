/**
 * Running mean and variance over batches (Chan et al.'s parallel algorithm), as Gymnasium's and
 * Stable-Baselines3's `RunningMeanStd`, used to normalize observations and returns.
 * @example
 * ```ts
 * const rms = new RunningMeanStd(3);
 * rms.update(Float64Array.of(1, 2, 3), 1);
 * ```
 * @category Utilities
 */
export class RunningMeanStd {
  /** Per-element mean. */
  mean: Float64Array;
  /** Per-element (population) variance. */
  var: Float64Array;
  /** The number of samples seen (starts at `epsilon` so the first update is well defined). */
  count: number;

  constructor(
    readonly size: number,
    epsilon = 1e-4,
  ) {
    this.mean = new Float64Array(size);
    this.var = new Float64Array(size).fill(1);
    this.count = epsilon;
  }

  /** Folds in `batchSize` rows of `size` values each, laid out row after row in `values`. */
  update(values: ArrayLike<number>, batchSize: number): void {
    const n = this.size;
    for (let j = 0; j < n; j++) {
      let mean = 0;
      for (let i = 0; i < batchSize; i++) mean += values[i * n + j];
      mean /= batchSize;
      let m2 = 0;
      for (let i = 0; i < batchSize; i++) m2 += (values[i * n + j] - mean) ** 2;
      const batchVar = m2 / batchSize;
      const delta = mean - this.mean[j];
      const total = this.count + batchSize;
      this.mean[j] += (delta * batchSize) / total;
      this.var[j] = (this.var[j] * this.count + batchVar * batchSize + (delta * delta * (this.count * batchSize)) / total) / total;
    }
    this.count += batchSize;
  }

  /** The statistics as plain JSON (for checkpoints). */
  toJSON(): { mean: number[]; var: number[]; count: number } {
    return { mean: Array.from(this.mean), var: Array.from(this.var), count: this.count };
  }

  /** Restores statistics saved by {@link RunningMeanStd.toJSON}. */
  load(saved: { mean: number[]; var: number[]; count: number }): void {
    this.mean = Float64Array.from(saved.mean);
    this.var = Float64Array.from(saved.var);
    this.count = saved.count;
  }
}
