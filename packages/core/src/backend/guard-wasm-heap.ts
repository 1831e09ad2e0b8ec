/**
 * Makes a failed allocation on the tfjs wasm heap an error instead of silent corruption.
 *
 * When the heap cannot grow (the machine is short of memory, or the heap is at its maximum),
 * emscripten's `malloc` returns 0, and tfjs-backend-wasm does not check it: the tensor (or a
 * kernel's output) is placed at heap offset 0, over the module's own data and over other live
 * tensors, and training carries on with wrong numbers, NaN among them. Guarding the `_malloc`
 * that tfjs and bigmodel's kernels call turns that into a {@link BackendError} at the allocation.
 */
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

import { BackendError } from '../errors';

interface EmscriptenHeap {
  _malloc(bytes: number): number;
  asm?: { malloc?: (bytes: number) => number; memory?: WebAssembly.Memory };
  wasmMemory?: WebAssembly.Memory;
}

const guarded = new WeakSet<object>();

/**
 * Replaces `backend.wasm._malloc` with one that throws a {@link BackendError} where the heap has
 * no room for a non-empty request (`malloc` returned 0). Idempotent.
 *
 * @example
 * ```ts
 * guardWasmHeap(tf.backend() as BackendWasm); // initBackend does this for the wasm backend
 * ```
 * @category Backend
 */
export function guardWasmHeap(backend: BackendWasm): void {
  const module = backend.wasm as unknown as EmscriptenHeap;
  if (guarded.has(module)) return;
  // The wasm export itself: emscripten's `_malloc` is a stub that replaces itself with it on first use.
  const raw = module.asm?.malloc ?? module._malloc.bind(module);
  module._malloc = (bytes: number): number => {
    const pointer = raw(bytes);
    if (pointer === 0 && bytes > 0) {
      const memory = module.asm?.memory ?? module.wasmMemory;
      throw new BackendError({
        backend: 'wasm',
        message: `the wasm heap could not grow to allocate ${bytes} bytes (heap now ${memory?.buffer.byteLength ?? '?'} bytes).`,
        hint: 'Free memory on the machine, dispose unused tensors, or use smaller batches.',
      });
    }
    return pointer;
  };
  guarded.add(module);
}
