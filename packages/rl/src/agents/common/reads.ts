/**
 * Training code that reads tensors back, written once for every backend. On cpu and wasm a tensor
 * can be read synchronously (`dataSync`); on webgpu in Node only asynchronously (`await data()`).
 * So the agents write each read as a step of a generator: it yields the tensors it needs (one batch,
 * read together) and receives their values; `runSync` drives it with `dataSync`, `runAsync`
 * with `data()`. The numbers are the same either way.
 */
import * as tf from '@tensorflow/tfjs';

/**
 * A computation that yields batches of tensors to read and ends with a `T` (an agent's `learn`
 * and `learnAsync` drive the same one).
 *
 * @category Agents
 */
export type Reads<T> = Generator<tf.Tensor[], T, Float32Array[]>;

/**
 * Reads `tensors` (float32, in one batch) and disposes them: `const [q] = yield* read(qTensor)`.
 * The tensors are handed over: the driver frees them after reading.
 */
export function* read(...tensors: tf.Tensor[]): Reads<Float32Array[]> {
  return yield tensors;
}

/**
 * The sums of each group of scalar tensors (a training phase's losses, kept on the device), read
 * in one batch and added in float64 in order, as when each was read at its own step.
 */
export function* readSums(...groups: tf.Tensor[][]): Reads<number[]> {
  const values = yield* read(...groups.flat());
  let at = 0;
  return groups.map((group) => values.slice(at, (at += group.length)).reduce((total, [v]) => total + v, 0));
}

/** Runs `reads` to its end, reading each batch synchronously (cpu, wasm). */
export function runSync<T>(reads: Reads<T>): T {
  let values: Float32Array[] = [];
  for (;;) {
    const next = reads.next(values);
    if (next.done) return next.value;
    try {
      values = next.value.map((t) => t.dataSync() as Float32Array);
    } finally {
      next.value.forEach((t) => t.dispose());
    }
  }
}

/** Runs `reads` to its end, reading each batch asynchronously (any backend, webgpu included). */
export async function runAsync<T>(reads: Reads<T>): Promise<T> {
  let values: Float32Array[] = [];
  for (;;) {
    const next = reads.next(values);
    if (next.done) return next.value;
    try {
      values = (await Promise.all(next.value.map((t) => t.data()))) as Float32Array[];
    } finally {
      next.value.forEach((t) => t.dispose());
    }
  }
}
