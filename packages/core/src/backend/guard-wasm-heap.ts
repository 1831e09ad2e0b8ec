/**
 * Guards the tfjs wasm heap: a failed allocation is an error instead of silent corruption, and
 * tfjs's view of the heap follows its growth.
 *
 * When the heap cannot grow (the machine is short of memory, or the heap is at its maximum),
 * emscripten's `malloc` returns 0, and tfjs-backend-wasm does not check it: the tensor (or a
 * kernel's output) is placed at heap offset 0, over the module's own data and over other live
 * tensors, and training carries on with wrong numbers, NaN among them. Guarding the `_malloc`
 * that tfjs and bigmodel's kernels call turns that into a {@link BackendError} at the allocation.
 *
 * tfjs reads and writes tensors through `Module.HEAPU8`, which emscripten renews only when the
 * heap grows through its own resize on the main thread. Grown by any other agent (a pthread, or
 * any code holding the `WebAssembly.Memory`), a shared heap leaves that view at its old length:
 * tensors past the old end then fail to upload (RangeError) or read back truncated. The guard
 * makes `HEAPU8` a view of the memory's current buffer on every read.
 */
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

import { BackendError } from '../errors';

interface EmscriptenHeap {
  _malloc(bytes: number): number;
  HEAPU8: Uint8Array;
  asm?: { malloc?: (bytes: number) => number; memory?: WebAssembly.Memory };
  wasmMemory?: WebAssembly.Memory;
}

const guarded = new WeakSet<object>();

/**
 * Replaces `backend.wasm._malloc` with one that throws a {@link BackendError} where the heap has
 * no room for a non-empty request (`malloc` returned 0), and makes `backend.wasm.HEAPU8` always
 * span the whole current heap. Idempotent.
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
  const memory = module.asm?.memory ?? module.wasmMemory;
  module._malloc = (bytes: number): number => {
    const pointer = raw(bytes);
    if (pointer === 0 && bytes > 0) {
      throw new BackendError({
        backend: 'wasm',
        message: `the wasm heap could not grow to allocate ${bytes} bytes (heap now ${memory?.buffer.byteLength ?? '?'} bytes).`,
        hint: 'Free memory on the machine, dispose unused tensors, or use smaller batches.',
      });
    }
    return pointer;
  };
  if (memory) {
    let view = module.HEAPU8;
    // emscripten assigns Module.HEAPU8 when it grows the heap itself: the setter keeps that view.
    Object.defineProperty(module, 'HEAPU8', {
      configurable: true,
      enumerable: true,
      get: () => (view.buffer === memory.buffer ? view : (view = new Uint8Array(memory.buffer))),
      set: (value: Uint8Array) => {
        view = value;
      },
    });
  }
  guarded.add(module);
}
