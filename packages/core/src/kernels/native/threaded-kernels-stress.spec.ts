/**
 * The threaded GEMM and its row kernels under contention: every threaded result must be bitwise
 * the one-thread result, whatever the timing. Two busy sibling processes take the cores, every
 * hand-over between threads is delayed at random (setGemmThreadTestHooks), the heap grows between
 * rounds, and each output is poisoned with NaN before and after use, so that a worker reading its
 * job early, the main thread reading an output early, or a late write into freed memory shows.
 */
import { spawn, type ChildProcess } from 'node:child_process';

import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

import { initBackend } from '../../backend/init-backend';
import { BackendError } from '../../errors';
import { seededRandom } from '../../testing/backend-comparison';
import { setGemmThreadTestHooks } from './gemm-worker-pool';
import { nativeGemm, type NativeGemm } from './native-gemm';
import { memoryOf, nativeKernels, type NativeKernels } from './native-kernels';

/** The kernels' operations on one set of inputs, each returning the bits of its output. */
function operations(backend: BackendWasm, gemm: NativeGemm, native: NativeKernels) {
  const random = seededRandom(19);
  const fill = (length: number) => Float32Array.from({ length }, () => random() - 0.5);
  const put = (values: Float32Array) => {
    const pointer = native.malloc(values.byteLength);
    new Float32Array(memoryOf(backend).buffer).set(values, pointer / 4);
    return pointer;
  };
  // A DCGAN discriminator layer: [8, 14, 14, 64] * [4, 4, 64, 64], stride 2, same padding.
  const info = tf.backend_util.computeConv2DInfo([8, 14, 14, 64], [4, 4, 64, 64], 2, 1, 'same');
  const positions = info.batchSize * info.outHeight * info.outWidth;
  const taps = info.filterHeight * info.filterWidth * info.inChannels;
  const co = info.outChannels;
  const xLength = 8 * 14 * 14 * 64;
  const [x, w, dy, cols] = [put(fill(xLength)), put(fill(taps * co)), put(fill(positions * co)), put(fill(positions * taps))];
  const [a, b] = [put(fill(300 * 200)), put(fill(200 * 300))];

  /** Runs `compute(out)` into a fresh NaN-filled buffer of `length` floats and returns its bits; the buffer is poisoned and freed after. */
  const into = (length: number, compute: (out: number) => void) => {
    const out = native.malloc(4 * length);
    new Float32Array(memoryOf(backend).buffer).fill(NaN, out / 4, out / 4 + length);
    compute(out);
    const heap = new Float32Array(memoryOf(backend).buffer);
    const bits = Buffer.from(heap.slice(out / 4, out / 4 + length).buffer);
    heap.fill(NaN, out / 4, out / 4 + length);
    native.free(out);
    return bits;
  };
  const ops: Record<string, (threads: number) => Buffer> = {
    forward: (t) =>
      into(positions * co, (c) =>
        gemm.runUnfold({ x, b: w, c, m: positions, n: co, k: taps, geometry: native.geometry(info), transposed: false }, t),
      ),
    filterGradient: (t) =>
      into(taps * co, (c) =>
        gemm.runUnfold({ x, b: dy, c, m: taps, n: co, k: positions, geometry: native.geometry(info), transposed: true }, t),
      ),
    inputGradient: (t) =>
      into(xLength, (dx) =>
        gemm.runBackpropInput(
          { dy, w, dx, geometry: native.geometry(info), inChannels: 64, outChannels: co, taps: 16, macs: positions * taps * co },
          t,
        ),
      ),
    matMulRows: (t) => into(300 * 300, (c) => gemm.run({ a, b, c, m: 300, n: 300, k: 200 }, t)),
    matMulColumnsTransposed: (t) =>
      into(64 * 300, (c) => gemm.run({ a, b, c, m: 64, n: 300, k: 200, transposeA: true, transposeB: true, lda: 300, ldb: 200 }, t)),
    unfold: (t) => into(positions * taps, (out) => gemm.runRows('im2col', [x, out, native.geometry(info)], positions, 1 << 20, t)),
    fold: (t) => into(xLength, (dx) => gemm.runRows('col2im', [cols, dx, native.geometry(info)], 8 * 14, 1 << 20, t)),
  };
  const free = () => [x, w, dy, cols, a, b].forEach((pointer) => native.free(pointer));
  return { ops, free };
}

/** Two sibling processes that keep both cores busy until killed. */
function busySiblings(): ChildProcess[] {
  return Array.from({ length: 2 }, () => spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' }));
}

describe('threaded GEMM kernels under contention', () => {
  let siblings: ChildProcess[] = [];
  beforeAll(() => tf.env().set('PROD', true));
  afterEach(() => {
    setGemmThreadTestHooks({});
    siblings.forEach((child) => child.kill('SIGKILL'));
    siblings = [];
  });

  it('give bitwise the one-thread results over many rounds with busy sibling processes, random hand-over delays and a growing heap', async () => {
    await initBackend({ backend: 'wasm', threads: 2 });
    const backend = tf.backend() as BackendWasm;
    const gemm = nativeGemm(backend)!;
    expect(gemm.threads).toBe(2);
    const native = nativeKernels(backend);
    const { ops, free } = operations(backend, gemm, native);
    const reference = Object.fromEntries(Object.entries(ops).map(([name, op]) => [name, op(1)]));
    siblings = busySiblings();
    setGemmThreadTestHooks({ workerDelayMicros: 300, mainDelayMicros: 300 });
    const grown: number[] = [];
    const differing: string[] = [];
    const heapBefore = memoryOf(backend).buffer.byteLength;
    for (let round = 0; round < 30; round++) {
      if (round % 6 === 5) grown.push(native.malloc(4 << 20)); // the heap grows between some rounds
      for (const [name, op] of Object.entries(ops)) {
        if (!op(2).equals(reference[name])) differing.push(`round ${round}: ${name}`);
      }
    }
    grown.forEach((pointer) => native.free(pointer));
    free();
    expect(memoryOf(backend).buffer.byteLength).toBeGreaterThan(heapBefore);
    expect(differing).toEqual([]);
  }, 120_000);

  it('end a pool whose worker misses the deadline: its late answer never completes a later call, and later calls stay bitwise right', async () => {
    await initBackend({ backend: 'wasm', threads: 2 });
    const backend = tf.backend() as BackendWasm;
    const gemm = nativeGemm(backend)!;
    const native = nativeKernels(backend);
    const { ops, free } = operations(backend, gemm, native);
    const reference = ops['matMulRows'](1);
    const differing: string[] = [];
    const errors: string[] = [];
    for (let attempt = 0; attempt < 6; attempt++) {
      // The worker idles up to 40 ms before and after its part; this thread waits 1 ms for it.
      setGemmThreadTestHooks({ workerDelayMicros: 40_000, timeoutMs: 1 });
      try {
        ops['matMulRows'](2);
      } catch (error) {
        errors.push(BackendError.isInstance(error) ? 'BackendError' : String(error));
      }
      // Normal calls right after, while the late worker may still be busy with the abandoned call.
      setGemmThreadTestHooks({});
      for (let i = 0; i < 5; i++) if (!ops['matMulRows'](2).equals(reference)) differing.push(`attempt ${attempt}, call ${i}`);
    }
    free();
    expect(errors.length).toBeGreaterThan(0);
    expect(differing).toEqual([]);
    expect(errors.filter((name) => name !== 'BackendError')).toEqual([]);
  }, 120_000);
});
