import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

import { initBackend } from '../../backend/init-backend';
import { InvalidArgumentError } from '../../errors';
import { seededRandom } from '../../testing/backend-comparison';
import { liveGemmWorkers } from './gemm-worker-pool';
import { nativeGemm, type NativeGemm } from './native-gemm';
import { memoryOf, nativeKernels } from './native-kernels';
import { relaxedSimdSupported } from './relaxed-simd-supported';
import { splitWork } from './split-work';

beforeAll(() => tf.env().set('PROD', true));
afterEach(() => {
  delete process.env['BIGMODEL_WASM_GEMM'];
});

/** A float32 matrix of `rows x cols` with row stride `stride`, filled from `random` in [-1, 1). */
function randomMatrix(random: () => number, rows: number, cols: number, stride: number): Float32Array {
  const values = new Float32Array(Math.max(1, rows * stride));
  for (let i = 0; i < values.length; i++) values[i] = 2 * random() - 1;
  return values;
}

/** Heap buffers for one product, filled from JavaScript arrays; read back with `read`. */
function onHeap(backend: BackendWasm, arrays: Float32Array[]) {
  const native = nativeKernels(backend);
  const guard = 16; // floats after each buffer that must stay untouched
  const pointers = arrays.map((array) => native.malloc(4 * (array.length + guard)));
  // Views only after every allocation: an allocation may grow (and so replace) the memory's buffer.
  const heap = new Float32Array(memoryOf(backend).buffer);
  arrays.forEach((array, i) => {
    heap.set(array, pointers[i] / 4);
    heap.fill(12345, pointers[i] / 4 + array.length, pointers[i] / 4 + array.length + guard);
  });
  return {
    pointers,
    read: (i: number) => new Float32Array(memoryOf(backend).buffer).slice(pointers[i] / 4, pointers[i] / 4 + arrays[i].length + guard),
    free: () => pointers.forEach((pointer) => native.free(pointer)),
  };
}

interface Case {
  m: number;
  n: number;
  k: number;
  strided: boolean;
  accumulate: boolean;
  transposeA?: boolean;
  transposeB?: boolean;
}

/** Runs one case on `gemm` and returns its C buffer (with the guard after it) and the float64 reference. */
function runCase(backend: BackendWasm, gemm: NativeGemm, random: () => number, c: Case, maxThreads?: number) {
  const { m, n, k, strided, accumulate, transposeA = false, transposeB = false } = c;
  // Stored shapes: a [m, k] or [k, m]; b [k, n] or [n, k]; padded rows when strided.
  const [aRows, aCols] = transposeA ? [k, m] : [m, k];
  const [bRows, bCols] = transposeB ? [n, k] : [k, n];
  const [lda, ldb, ldc] = strided ? [aCols + 3, bCols + 5, n + 1] : [aCols, bCols, n];
  const a = randomMatrix(random, aRows, aCols, lda);
  const b = randomMatrix(random, bRows, bCols, ldb);
  const c0 = randomMatrix(random, m, n, ldc);
  const opA = (i: number, p: number) => (transposeA ? a[p * lda + i] : a[i * lda + p]);
  const opB = (p: number, j: number) => (transposeB ? b[j * ldb + p] : b[p * ldb + j]);
  const heap = onHeap(backend, [a, b, c0]);
  try {
    const [pa, pb, pc] = heap.pointers;
    gemm.run({ a: pa, b: pb, c: pc, m, n, k, lda, ldb, ldc, accumulate, transposeA, transposeB }, maxThreads);
    const expected = Float64Array.from(c0);
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let sum = accumulate ? c0[i * ldc + j] : 0;
        for (let p = 0; p < k; p++) sum += opA(i, p) * opB(p, j);
        expected[i * ldc + j] = sum;
      }
    }
    return { actual: heap.read(2), expected, scale: Math.sqrt(k) + 1 };
  } finally {
    heap.free();
  }
}

/** Odd shapes: 1-sized dims, sizes around the 2 x 16 tile and the 64-row and 512-deep blocks. */
function oddCases(): Case[] {
  const cases: Case[] = [];
  const sizes = [
    [1, 1, 1],
    [1, 17, 3],
    [5, 1, 9],
    [3, 7, 1],
    [2, 16, 4],
    [7, 33, 13],
    [65, 15, 31],
    [63, 47, 520],
    [129, 40, 1030],
    [3, 300, 2],
    [130, 17, 64],
    [17, 130, 0],
  ];
  sizes.forEach(([m, n, k], i) => {
    for (const strided of [false, true]) {
      for (const accumulate of [false, true]) {
        cases.push({ m, n, k, strided, accumulate });
        // Each transpose combination on every size, with strides and accumulate varying with the case.
        cases.push({ m, n, k, strided, accumulate, transposeA: i % 2 === 0 || accumulate, transposeB: i % 2 === 1 || strided });
      }
    }
  });
  return cases;
}

describe('bigmodel GEMM (native/gemm.c)', () => {
  it('is available on this Node (relaxed SIMD switched on at runtime)', () => {
    expect(relaxedSimdSupported()).toBe(true);
  });

  it('equals a float64 reference on odd shapes, strided and packed, transposed or not, with and without accumulate, writing nothing outside C', async () => {
    await initBackend({ backend: 'wasm', threads: 1 });
    const backend = tf.backend() as BackendWasm;
    const gemm = nativeGemm(backend);
    expect(gemm).toBeDefined();
    const random = seededRandom(7);
    const failures: object[] = [];
    for (const c of oddCases()) {
      const { actual, expected, scale } = runCase(backend, gemm!, random, c);
      const ldc = c.strided ? c.n + 1 : c.n;
      for (let x = 0; x < actual.length; x++) {
        const inC = x < expected.length && Math.floor(x / ldc) < c.m && x % ldc < c.n;
        const wanted = x < expected.length ? expected[x] : 12345; // outside C: untouched, guard included
        const ok = inC ? Math.abs(actual[x] - wanted) <= 2e-6 * scale : actual[x] === Math.fround(wanted);
        if (!ok) failures.push({ ...c, x, actual: actual[x], wanted });
      }
    }
    expect(failures.slice(0, 5)).toEqual([]);
  });

  it('splits C into contiguous MR-row or NR-column blocks covering it exactly once', () => {
    expect(splitWork(10, 10, 10, 2)).toEqual([{ row: 0, rows: 10, col: 0, cols: 10 }]); // too small to split
    expect(splitWork(301, 64, 128, 2)).toEqual([
      { row: 0, rows: 152, col: 0, cols: 64 },
      { row: 152, rows: 149, col: 0, cols: 64 },
    ]);
    expect(splitWork(64, 301, 128, 2)).toEqual([
      { row: 0, rows: 64, col: 0, cols: 160 },
      { row: 0, rows: 64, col: 160, cols: 141 },
    ]);
  });

  it('gives bitwise identical results on 1 and 2 threads (rows and columns split), and ends its workers with the backend', async () => {
    await initBackend({ backend: 'wasm', threads: 2 });
    const backend = tf.backend() as BackendWasm;
    const gemm = nativeGemm(backend)!;
    expect(gemm.threads).toBe(2);
    const cases: Case[] = [
      { m: 301, n: 67, k: 530, strided: false, accumulate: false },
      { m: 45, n: 333, k: 300, strided: true, accumulate: true },
      { m: 301, n: 67, k: 530, strided: true, accumulate: false, transposeA: true, transposeB: true },
      { m: 45, n: 333, k: 300, strided: false, accumulate: true, transposeA: true, transposeB: true },
    ];
    for (const c of cases) {
      const one = runCase(backend, gemm, seededRandom(3), c, 1);
      const two = runCase(backend, gemm, seededRandom(3), c, 2);
      expect(splitWork(c.m, c.n, c.k, 2)).toHaveLength(2);
      expect(Buffer.from(two.actual.buffer).equals(Buffer.from(one.actual.buffer))).toBe(true);
      for (let x = 0; x < one.expected.length; x++) {
        if (Math.abs(one.actual[x] - one.expected[x]) > 2e-6 * one.scale) throw new Error(`case ${JSON.stringify(c)} element ${x}`);
      }
    }
    expect(liveGemmWorkers()).toBe(1);
    await initBackend({ backend: 'wasm', threads: 1 }); // replaces (and so disposes) the threaded backend
    for (let i = 0; i < 500 && liveGemmWorkers() > 0; i++) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(liveGemmWorkers()).toBe(0);
  });

  it('gives bitwise identical conv2d forwards and gradients on a 1-thread and a 2-thread backend (GEMMs split in two)', async () => {
    const random = seededRandom(5);
    const xValues = Float32Array.from({ length: 4 * 14 * 14 * 64 }, () => random() - 0.5);
    const wValues = Float32Array.from({ length: 4 * 4 * 64 * 128 }, () => random() - 0.5);
    const compute = () =>
      tf.tidy(() => {
        const x = tf.tensor4d(xValues, [4, 14, 14, 64]);
        const w = tf.tensor4d(wValues, [4, 4, 64, 128]);
        const f = (a: tf.Tensor, b: tf.Tensor) =>
          tf
            .conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 2, 'same')
            .square()
            .sum();
        const [dx, dw] = tf.grads(f)([x, w]);
        return [tf.conv2d(x, w, 2, 'same'), dx, dw].map((t) => Buffer.from(t.dataSync().slice().buffer));
      });
    // m = 4 * 7 * 7 = 196, k = 4 * 4 * 64 = 1024, n = 128: each of the three GEMMs is split in two.
    expect(splitWork(196, 128, 1024, 2)).toHaveLength(2);
    await initBackend({ backend: 'wasm', threads: 1 });
    const one = compute();
    await initBackend({ backend: 'wasm', threads: 2 });
    expect(nativeGemm(tf.backend() as BackendWasm)!.threads).toBe(2);
    const two = compute();
    for (let i = 0; i < 3; i++) expect(two[i].equals(one[i])).toBe(true);
  });

  it('splits the im2col unfold and the col2im fold across 2 threads with bitwise the results of one thread', async () => {
    await initBackend({ backend: 'wasm', threads: 2 });
    const backend = tf.backend() as BackendWasm;
    const gemm = nativeGemm(backend)!;
    const native = nativeKernels(backend);
    const random = seededRandom(13);
    // [x shape, filter shape, stride, padding, dilation]: strides 1 and 2, same / valid / explicit, batch 1 and > 1, one channel.
    const cases: [[number, number, number, number], [number, number, number, number], number, 'same' | 'valid' | number, number][] = [
      [[3, 14, 14, 64], [4, 4, 64, 8], 2, 'same', 1],
      [[1, 29, 31, 5], [3, 3, 5, 8], 1, 'valid', 1],
      [[2, 28, 28, 1], [4, 4, 1, 8], 2, 'same', 1],
      [[5, 17, 13, 7], [3, 2, 7, 8], 2, 1, 1],
      [[2, 23, 19, 6], [3, 3, 6, 8], 1, 'same', 2],
    ];
    for (const [xShape, wShape, stride, pad, dilation] of cases) {
      const info = tf.backend_util.computeConv2DInfo(xShape, wShape, stride, dilation, pad);
      const rows = info.batchSize * info.outHeight * info.outWidth;
      const k = info.filterHeight * info.filterWidth * info.inChannels;
      const x = Float32Array.from({ length: xShape.reduce((a, b) => a * b, 1) }, () => random() - 0.5);
      const cols = Float32Array.from({ length: rows * k }, () => random() - 0.5);
      const heap = onHeap(backend, [
        x,
        new Float32Array(rows * k),
        new Float32Array(rows * k),
        cols,
        new Float32Array(x.length),
        new Float32Array(x.length),
      ]);
      try {
        const [px, cols1, cols2, pc, dx1, dx2] = heap.pointers;
        native.exports.im2col(px, cols1, native.geometry(info), 0, rows);
        // A large per-row cost makes even the small cases split (the real cost only decides when to split).
        gemm.runRows('im2col', [px, cols2, native.geometry(info)], rows, 1 << 20, 2);
        native.exports.col2im(pc, dx1, native.geometry(info), 0, info.batchSize * info.inHeight);
        gemm.runRows('col2im', [pc, dx2, native.geometry(info)], info.batchSize * info.inHeight, 1 << 20, 2);
        const same = (i: number, j: number) => Buffer.from(heap.read(i).buffer).equals(Buffer.from(heap.read(j).buffer));
        const guarded = (i: number) =>
          heap
            .read(i)
            .slice(-16)
            .every((v) => v === 12345); // nothing written past the end
        expect({ xShape, unfold: same(1, 2), fold: same(4, 5), guards: [2, 5].every(guarded) }).toEqual({
          xShape,
          unfold: true,
          fold: true,
          guards: true,
        });
      } finally {
        heap.free();
      }
    }
  });

  it('multiplies the unfold of an input in place (forward and filter gradient), bitwise equal to the written-out unfold, on 1 and 2 threads', async () => {
    await initBackend({ backend: 'wasm', threads: 2 });
    const backend = tf.backend() as BackendWasm;
    const gemm = nativeGemm(backend)!;
    const native = nativeKernels(backend);
    const random = seededRandom(17);
    // Odd and even channel counts (the packing's vector and scalar paths), odd tap and position counts, strides, padding, dilation.
    const cases: [[number, number, number, number], [number, number, number, number], number, 'same' | 'valid' | number, number][] = [
      [[4, 14, 14, 64], [4, 4, 64, 24], 2, 'same', 1],
      [[1, 29, 31, 5], [3, 3, 5, 17], 1, 'valid', 1],
      [[2, 28, 28, 1], [4, 4, 1, 64], 2, 'same', 1],
      [[3, 17, 13, 7], [3, 2, 7, 9], 2, 1, 1],
      [[2, 23, 19, 6], [3, 3, 6, 33], 1, 'same', 2],
      [[2, 9, 9, 130], [2, 2, 130, 5], 1, 'valid', 1],
      [[4, 30, 30, 2], [2, 2, 2, 96], 1, 'valid', 1], // more output channels than taps: split by columns
    ];
    expect(splitWork(8, 96, 4 * 29 * 29, 2).map((part) => part.col)).toEqual([0, 48]);
    for (const [xShape, wShape, stride, pad, dilation] of cases) {
      const info = tf.backend_util.computeConv2DInfo(xShape, wShape, stride, dilation, pad);
      const positions = info.batchSize * info.outHeight * info.outWidth;
      const taps = info.filterHeight * info.filterWidth * info.inChannels;
      const co = info.outChannels;
      const x = Float32Array.from({ length: xShape.reduce((a, b) => a * b, 1) }, () => random() - 0.5);
      const dy = Float32Array.from({ length: positions * co }, () => random() - 0.5);
      const w = Float32Array.from({ length: taps * co }, () => random() - 0.5);
      const sizes = [positions * taps, taps * co, taps * co, taps * co, positions * co, positions * co, positions * co];
      const heap = onHeap(backend, [x, dy, w, ...sizes.map((size) => new Float32Array(size))]);
      try {
        const [px, pdy, pw, cols, written, inPlace2, inPlace1, yWritten, yInPlace2, yInPlace1] = heap.pointers;
        native.exports.im2col(px, cols, native.geometry(info), 0, positions);
        // Filter gradient: unfold^T [taps, positions] x dy [positions, co].
        gemm.run({ a: cols, b: pdy, c: written, m: taps, n: co, k: positions, transposeA: true });
        gemm.runUnfold({ x: px, b: pdy, c: inPlace2, m: taps, n: co, k: positions, geometry: native.geometry(info), transposed: true });
        gemm.runUnfold({ x: px, b: pdy, c: inPlace1, m: taps, n: co, k: positions, geometry: native.geometry(info), transposed: true }, 1);
        // Forward: unfold [positions, taps] x w [taps, co].
        gemm.run({ a: cols, b: pw, c: yWritten, m: positions, n: co, k: taps });
        gemm.runUnfold({ x: px, b: pw, c: yInPlace2, m: positions, n: co, k: taps, geometry: native.geometry(info), transposed: false });
        gemm.runUnfold({ x: px, b: pw, c: yInPlace1, m: positions, n: co, k: taps, geometry: native.geometry(info), transposed: false }, 1);
        const bits = (i: number) => Buffer.from(heap.read(i).buffer);
        expect({
          xShape,
          gradient: [bits(5).equals(bits(4)), bits(6).equals(bits(4))],
          forward: [bits(8).equals(bits(7)), bits(9).equals(bits(7))],
        }).toEqual({
          xShape,
          gradient: [true, true],
          forward: [true, true],
        });
      } finally {
        heap.free();
      }
    }
  });

  it('never keeps a process alive: one that multiplied on 2 threads exits by itself', () => {
    const script = `
      const tf = require('@tensorflow/tfjs');
      const { initBackend } = require(${JSON.stringify(join(__dirname, '../../backend'))});
      const { liveGemmWorkers } = require(${JSON.stringify(join(__dirname, 'gemm-worker-pool'))});
      initBackend({ backend: 'wasm', threads: 2 }).then(() => {
        tf.tidy(() => tf.matMul(tf.ones([256, 256]), tf.ones([256, 256])).dataSync());
        process.stdout.write('workers ' + liveGemmWorkers());
      });`;
    const child = spawnSync(process.execPath, ['-r', 'ts-node/register/transpile-only', '-e', script], {
      encoding: 'utf8',
      timeout: 60_000,
      env: { ...process.env, TS_NODE_PROJECT: join(__dirname, '../../../tsconfig.lib.json') },
    });
    expect({ status: child.status, signal: child.signal, stdout: child.stdout }).toEqual({ status: 0, signal: null, stdout: 'workers 1' });
  });

  it('falls back to XNNPACK with BIGMODEL_WASM_GEMM=xnnpack: same conv gradients within rounding, no leaked tensors', async () => {
    await initBackend({ backend: 'wasm', threads: 1 });
    const random = seededRandom(11);
    const x = tf.tensor4d(
      Float32Array.from({ length: 2 * 9 * 9 * 6 }, () => random() - 0.5),
      [2, 9, 9, 6],
    );
    const w = tf.tensor4d(
      Float32Array.from({ length: 3 * 3 * 6 * 20 }, () => random() - 0.5),
      [3, 3, 6, 20],
    );
    const gradients = () =>
      tf.tidy(() => {
        const [dx, dw] = tf.grads((a: tf.Tensor, b: tf.Tensor) =>
          tf
            .conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 2, 'same')
            .square()
            .sum(),
        )([x, w]);
        return [dx.dataSync().slice(), dw.dataSync().slice()];
      });
    const before = tf.memory().numTensors;
    expect(nativeGemm(tf.backend() as BackendWasm)).toBeDefined();
    const ours = gradients();
    process.env['BIGMODEL_WASM_GEMM'] = 'xnnpack';
    expect(nativeGemm(tf.backend() as BackendWasm)).toBeUndefined();
    const stock = gradients();
    expect(tf.memory().numTensors).toBe(before);
    for (let i = 0; i < 2; i++) {
      let worst = 0;
      for (let j = 0; j < ours[i].length; j++) worst = Math.max(worst, Math.abs(ours[i][j] - stock[i][j]) / (1 + Math.abs(stock[i][j])));
      expect(worst).toBeLessThan(1e-5);
    }
    tf.dispose([x, w]);
  });

  it('reports no GEMM (so callers keep XNNPACK), without throwing, where the engine refuses relaxed SIMD even after the flag', async () => {
    await initBackend({ backend: 'wasm', threads: 1 });
    const validate = jest.spyOn(WebAssembly, 'validate').mockReturnValue(false);
    try {
      let fresh: typeof import('./native-gemm') | undefined;
      let probe: typeof import('./relaxed-simd-supported') | undefined;
      jest.isolateModules(() => {
        probe = require('./relaxed-simd-supported') as typeof import('./relaxed-simd-supported');
        fresh = require('./native-gemm') as typeof import('./native-gemm');
      });
      expect(probe!.relaxedSimdSupported()).toBe(false);
      expect(validate).toHaveBeenCalledTimes(2); // before and after trying to set V8's flag
      expect(fresh!.nativeGemm(tf.backend() as BackendWasm)).toBeUndefined();
    } finally {
      validate.mockRestore();
    }
  });

  it('rejects an unknown BIGMODEL_WASM_GEMM with an InvalidArgumentError naming it', async () => {
    await initBackend({ backend: 'wasm', threads: 1 });
    process.env['BIGMODEL_WASM_GEMM'] = 'xnnpak';
    let error: unknown;
    try {
      nativeGemm(tf.backend() as BackendWasm);
    } catch (e) {
      error = e;
    }
    expect(InvalidArgumentError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ parameter: 'BIGMODEL_WASM_GEMM', value: 'xnnpak' });
    process.env['BIGMODEL_WASM_GEMM'] = 'bigmodel';
    expect(nativeGemm(tf.backend() as BackendWasm)).toBeDefined();
  });
});
