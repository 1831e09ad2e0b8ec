import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

import { initBackend } from '../../backend/init-backend';
import { BINARY_ROW_DIV, COMPARE_LESS_EQUAL, GEOMETRY_INTS, UNARY_ELU } from './abi';
import { memoryOf, nativeKernels } from './native-kernels';

beforeAll(() => tf.env().set('PROD', true));

/** Heap copies of `arrays` (float32) on the wasm backend, with the kernels bound to it. */
async function onHeap(arrays: number[][]) {
  await initBackend({ backend: 'wasm', threads: 1 });
  const backend = tf.backend() as BackendWasm;
  const native = nativeKernels(backend);
  const pointers = arrays.map((array) => native.malloc(4 * Math.max(1, array.length)));
  arrays.forEach((array, i) => new Float32Array(memoryOf(backend).buffer).set(array, pointers[i] / 4));
  const read = (pointer: number, length: number) => Array.from(new Float32Array(memoryOf(backend).buffer, pointer, length));
  const readInts = (pointer: number, length: number) => Array.from(new Int32Array(memoryOf(backend).buffer, pointer, length));
  return { native, pointers, read, readInts, free: () => pointers.forEach((pointer) => native.free(pointer)) };
}

describe('the native kernels ABI (native/abi.h)', () => {
  const x = [-2, -0.5, 0, 0.5, 3];

  it("computes Elu for unary_f32's Elu code: x >= 0 ? x : e^x - 1 within 1e-6", async () => {
    const { native, pointers, read, free } = await onHeap([x, x.map(() => NaN)]);
    native.exports.unary_f32(pointers[0], pointers[1], x.length, UNARY_ELU);
    const elu = read(pointers[1], x.length);
    x.forEach((v, i) => expect(elu[i]).toBeCloseTo(v >= 0 ? v : Math.exp(v) - 1, 6));
    free();
  });

  it('traps on an op code abi.h does not define, instead of computing another op (unary, compare, binary row)', async () => {
    const { native, pointers, read, free } = await onHeap([x, x.map(() => 7), x.map(() => 7)]);
    const [input, row, out] = pointers;
    for (const code of [UNARY_ELU + 1, -1, 1000]) {
      expect(() => native.exports.unary_f32(input, out, x.length, code)).toThrow(WebAssembly.RuntimeError);
    }
    expect(read(out, x.length)).toEqual(x.map(() => 7)); // nothing written
    expect(() => native.exports.compare_f32(input, row, out, x.length, 0, COMPARE_LESS_EQUAL + 1)).toThrow(WebAssembly.RuntimeError);
    expect(() => native.exports.binary_row_f32(input, row, out, 1, x.length, BINARY_ROW_DIV + 1, 0)).toThrow(WebAssembly.RuntimeError);
    free();
  });

  it("writes a convolution's geometry as abi.h lays it out: batch, in h/w/c, out h/w/c, filter h/w, strides, dilations, pad", async () => {
    const { native, readInts, free } = await onHeap([]);
    const info = tf.backend_util.computeConv2DInfo([2, 9, 8, 3], [3, 2, 3, 5], [2, 1], [1, 2], 'same');
    const at = native.geometry(info);
    expect(readInts(at, GEOMETRY_INTS)).toEqual([
      2,
      9,
      8,
      3,
      info.outHeight,
      info.outWidth,
      5,
      3,
      2,
      2,
      1,
      1,
      2,
      info.padInfo.top,
      info.padInfo.left,
    ]);
    free();
  });
});
