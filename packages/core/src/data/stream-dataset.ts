/**
 * A dataset read from a generator (sync or async), for data that does not fit in memory or arrives
 * from I/O: seeded buffered shuffling, batching, and prefetching of the next batches while the
 * current one trains.
 */
import * as tf from '@tensorflow/tfjs';

import { InvalidArgumentError, ShapeError } from '../errors';
import { mulberry32 } from '../random';
import { labelTensor, type Batch } from './tensor-dataset';

/**
 * One example from a stream: its values, and a class index or label values.
 *
 * @category Data
 */
export interface StreamExample {
  x: ArrayLike<number>;
  y: number | ArrayLike<number>;
}

/**
 * Options for {@link StreamDataset.batches}.
 *
 * @category Data
 */
export interface StreamBatchOptions {
  /** Examples per batch (> 0). */
  batchSize: number;
  /** Shuffle through a buffer of this many examples (0: keep the order; default 0). */
  shuffleBuffer?: number;
  /** Seed of the shuffle; the epoch number is mixed in (default 0). */
  seed?: number;
  /** Epoch number (default 0). */
  epoch?: number;
  /** Batches assembled ahead of the one being used (default 2). */
  prefetch?: number;
  /** Leave out a last, smaller batch (default false). */
  dropRemainder?: boolean;
}

interface RawBatch {
  xs: Float32Array;
  ys: Float32Array;
  count: number;
}

/**
 * A dataset whose examples come from `source()`, called once per pass.
 *
 * @example
 * ```ts
 * const stream = new StreamDataset(() => readExamples('big.jsonl'), [32], { classes: 4 });
 * await fit(model, stream, { epochs: 3, batchSize: 64 });
 * ```
 * @category Data
 */
export class StreamDataset {
  private readonly exampleSize: number;
  private readonly labelSize: number;

  constructor(
    readonly source: () => Iterable<StreamExample> | AsyncIterable<StreamExample>,
    readonly exampleShape: number[],
    readonly options: { classes?: number; labelShape?: number[] } = {},
  ) {
    this.exampleSize = exampleShape.reduce((a, b) => a * b, 1);
    this.labelSize = options.classes !== undefined ? 1 : (options.labelShape ?? []).reduce((a, b) => a * b, 1);
  }

  private async *examples(shuffleBuffer: number, seed: number): AsyncGenerator<StreamExample> {
    const random = mulberry32(seed);
    const buffer: StreamExample[] = [];
    for await (const example of this.source() as AsyncIterable<StreamExample>) {
      if (shuffleBuffer <= 0) {
        yield example;
        continue;
      }
      if (buffer.length < shuffleBuffer) {
        buffer.push(example);
        continue;
      }
      const k = Math.floor(random() * buffer.length);
      const out = buffer[k];
      buffer[k] = example;
      yield out;
    }
    while (buffer.length > 0) {
      const k = Math.floor(random() * buffer.length);
      yield buffer.splice(k, 1)[0];
    }
  }

  /** Yields batches; dispose both tensors of each. */
  async *batches(options: StreamBatchOptions): AsyncGenerator<Batch> {
    const { batchSize, shuffleBuffer = 0, seed = 0, epoch = 0, prefetch = 2, dropRemainder = false } = options;
    if (!Number.isInteger(batchSize) || batchSize < 1)
      throw new InvalidArgumentError({ parameter: 'options.batchSize', value: batchSize, message: 'Must be a positive integer.' });
    if (!Number.isInteger(prefetch) || prefetch < 0)
      throw new InvalidArgumentError({ parameter: 'options.prefetch', value: prefetch, message: 'Must be an integer >= 0.' });
    const iterator = this.examples(shuffleBuffer, (seed * 0x9e3779b1 + epoch) >>> 0);
    let index = 0;
    const assemble = async (): Promise<RawBatch | null> => {
      const xs = new Float32Array(batchSize * this.exampleSize);
      const ys = new Float32Array(batchSize * this.labelSize);
      let count = 0;
      while (count < batchSize) {
        const next = await iterator.next();
        if (next.done) break;
        const { x, y } = next.value;
        if (x.length !== this.exampleSize) {
          throw new ShapeError({
            parameter: `example ${index}.x`,
            expected: `${this.exampleSize} values (shape [${this.exampleShape.join(', ')}])`,
            actual: x.length,
          });
        }
        xs.set(x as ArrayLike<number>, count * this.exampleSize);
        this.writeLabel(y, ys, count, index);
        index++;
        count++;
      }
      if (count === 0 || (dropRemainder && count < batchSize)) return null;
      return { xs: xs.subarray(0, count * this.exampleSize), ys: ys.subarray(0, count * this.labelSize), count };
    };
    // Batches are assembled one after another (the iterator is sequential), up to `prefetch` ahead.
    let stopped = false;
    let chain: Promise<RawBatch | null> = Promise.resolve(null);
    const queue: Promise<RawBatch | null>[] = [];
    const enqueue = () => {
      chain = chain.then(() => (stopped ? null : assemble()));
      chain.catch(() => undefined); // a batch assembled ahead and never awaited must not be an unhandled rejection
      queue.push(chain);
    };
    try {
      for (let i = 0; i <= prefetch; i++) enqueue();
      while (queue.length > 0) {
        const raw = await queue.shift()!;
        if (raw === null) break;
        enqueue();
        const xs = tf.tensor(raw.xs, [raw.count, ...this.exampleShape]);
        yield { xs, ys: labelTensor(raw.ys, raw.count, this.options) };
      }
    } finally {
      // The consumer is done (or gave up): stop reading ahead and let the source clean up.
      stopped = true;
      await chain.catch(() => undefined);
      await iterator.return(undefined);
    }
  }

  /** Checks one label and writes it at row `row` of `ys`. */
  private writeLabel(y: number | ArrayLike<number>, ys: Float32Array, row: number, index: number): void {
    const { classes } = this.options;
    if (classes !== undefined) {
      if (typeof y !== 'number' || !Number.isInteger(y) || y < 0 || y >= classes) {
        throw new InvalidArgumentError({
          parameter: `example ${index}.y`,
          value: y,
          message: `Class labels are integers in [0, ${classes}).`,
        });
      }
      ys[row] = y;
      return;
    }
    const values = typeof y === 'number' ? [y] : y;
    if (values.length !== this.labelSize) {
      throw new ShapeError({
        parameter: `example ${index}.y`,
        expected: `${this.labelSize} values (labelShape [${(this.options.labelShape ?? []).join(', ')}])`,
        actual: values.length,
      });
    }
    ys.set(values, row * this.labelSize);
  }
}
