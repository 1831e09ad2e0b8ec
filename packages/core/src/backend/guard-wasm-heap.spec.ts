import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

import { BackendError } from '../errors';
import { memoryOf } from '../kernels/native/native-kernels';
import { initBackend } from './init-backend';

beforeAll(() => tf.env().set('PROD', true));

describe.each([1, 2])('the wasm heap on %i thread(s)', (threads) => {
  it('refuses an allocation it cannot grow for with a BackendError, and leaves live tensors intact', async () => {
    await initBackend({ backend: 'wasm', threads });
    const memory = memoryOf(tf.backend() as BackendWasm);
    const x = tf.fill([1 << 20], 1.5); // 4 MB
    const kept: tf.Tensor[] = [];
    let error: unknown;
    // A machine out of memory: the heap cannot grow any more.
    const refuse = () => {
      throw new RangeError('WebAssembly.Memory.grow(): out of memory');
    };
    Object.defineProperty(memory, 'grow', { configurable: true, value: refuse });
    try {
      for (let i = 0; i < 64 && error === undefined; i++) {
        try {
          kept.push(tf.add(x, tf.scalar(i)));
        } catch (caught) {
          error = caught;
        }
      }
    } finally {
      delete (memory as { grow?: unknown }).grow;
    }
    expect(BackendError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(/could not grow to allocate 4194304 bytes/);
    // Every tensor still holds its own values (none was written over another).
    expect(Array.from(new Set(x.dataSync()))).toEqual([1.5]);
    kept.forEach((y, i) => expect(Array.from(new Set(y.dataSync()))).toEqual([1.5 + i]));
    tf.dispose([x, ...kept]);
  }, 60_000);

  it('reads and writes tensors past the old end of a heap that another agent grew', async () => {
    await initBackend({ backend: 'wasm', threads });
    const backend = tf.backend() as BackendWasm;
    const memory = memoryOf(backend);
    const before = memory.buffer.byteLength;
    // Not through emscripten's own resize, as a pthread or a worker holding the memory would grow it.
    memory.grow(512); // 32 MiB
    const tensors = Array.from({ length: 12 }, (_, i) => tf.fill([1 << 20], i + 0.5)); // 48 MB: some lie past the old end
    const offsets = tensors.map((t) => backend.dataIdMap.get(t.dataId).memoryOffset);
    expect(Math.max(...offsets)).toBeGreaterThan(before);
    tensors.forEach((t, i) => {
      const values = t.dataSync();
      expect(values.length).toBe(1 << 20);
      expect(Array.from(new Set(values))).toEqual([i + 0.5]);
    });
    tf.dispose(tensors);
  }, 60_000);
});
