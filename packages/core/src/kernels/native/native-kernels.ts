/**
 * Loads bigmodel's compiled kernels (native/*.c but gemm.c; signatures in native/abi.h) into the tfjs wasm backend's memory.
 *
 * The module imports the backend's own `WebAssembly.Memory`, so its functions take tensors' heap
 * offsets and work in place: no copies between JavaScript and wasm.
 */
import { backend_util, type TensorInfo } from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

import * as abi from './abi';
import type { KernelExports } from './abi';
import { KERNELS_SHARED_WASM_BASE64, KERNELS_WASM_BASE64 } from './kernels-wasm';

/** The kernels bound to one backend instance, with a small scratch block for geometry arguments. */
export interface NativeKernels {
  readonly exports: KernelExports;
  /** Heap offset of a tensor's data. */
  offset(info: TensorInfo): number;
  /** Writes a convolution/pooling geometry to scratch and returns its heap offset. */
  geometry(info: backend_util.Conv2DInfo): number;
  /** Writes up to 32 int32 values to scratch and returns their heap offset (valid until the next call). */
  ints(values: number[]): number;
  /** Allocates `bytes` of temporary heap; release with {@link NativeKernels.free}. */
  malloc(bytes: number): number;
  free(pointer: number): void;
}

const SCRATCH_INTS = 32;

/** A convolution's or pooling window's geometry as the kernels read it: abi.h's GEOMETRY_INTS values at its GEOMETRY_* indices. */
function geometryInts(info: backend_util.Conv2DInfo): number[] {
  const values = new Array<number>(abi.GEOMETRY_INTS);
  values[abi.GEOMETRY_BATCH] = info.batchSize;
  values[abi.GEOMETRY_IN_HEIGHT] = info.inHeight;
  values[abi.GEOMETRY_IN_WIDTH] = info.inWidth;
  values[abi.GEOMETRY_IN_CHANNELS] = info.inChannels;
  values[abi.GEOMETRY_OUT_HEIGHT] = info.outHeight;
  values[abi.GEOMETRY_OUT_WIDTH] = info.outWidth;
  values[abi.GEOMETRY_OUT_CHANNELS] = info.outChannels;
  values[abi.GEOMETRY_FILTER_HEIGHT] = info.filterHeight;
  values[abi.GEOMETRY_FILTER_WIDTH] = info.filterWidth;
  values[abi.GEOMETRY_STRIDE_HEIGHT] = info.strideHeight;
  values[abi.GEOMETRY_STRIDE_WIDTH] = info.strideWidth;
  values[abi.GEOMETRY_DILATION_HEIGHT] = info.dilationHeight;
  values[abi.GEOMETRY_DILATION_WIDTH] = info.dilationWidth;
  values[abi.GEOMETRY_PAD_TOP] = info.padInfo.top;
  values[abi.GEOMETRY_PAD_LEFT] = info.padInfo.left;
  return values;
}
const compiled: { plain?: WebAssembly.Module; shared?: WebAssembly.Module } = {};
const bound = new WeakMap<BackendWasm, NativeKernels>();

/** The backend's linear memory (shared when tfjs's threaded build is loaded). */
export function memoryOf(backend: BackendWasm): WebAssembly.Memory {
  // The single-threaded module exports its memory; the threaded one imports it (Module.wasmMemory).
  const module = backend.wasm as unknown as { asm?: { memory?: unknown }; wasmMemory?: unknown };
  const memory = module.asm?.memory ?? module.wasmMemory;
  if (!(memory instanceof WebAssembly.Memory)) {
    throw new Error("bigmodel: cannot find the wasm backend's memory (expected tfjs-backend-wasm 4.x)");
  }
  return memory;
}

/** The compiled kernels module for a plain or a shared memory (compiled once; GEMM worker threads instantiate it too). */
export function kernelsModule(shared: boolean): WebAssembly.Module {
  return shared
    ? (compiled.shared ??= new WebAssembly.Module(Buffer.from(KERNELS_SHARED_WASM_BASE64, 'base64')))
    : (compiled.plain ??= new WebAssembly.Module(Buffer.from(KERNELS_WASM_BASE64, 'base64')));
}

/** The compiled kernels for `backend`, instantiated on first use. */
export function nativeKernels(backend: BackendWasm): NativeKernels {
  let kernels = bound.get(backend);
  if (kernels) return kernels;
  const memory = memoryOf(backend);
  // tfjs's threaded build runs on a shared memory, which only a module declaring a shared import accepts.
  const shared = Object.prototype.toString.call(memory.buffer) === '[object SharedArrayBuffer]';
  const module = kernelsModule(shared);
  const instance = new WebAssembly.Instance(module, { env: { memory } });
  const exports = instance.exports as unknown as KernelExports;
  const wasm = backend.wasm as unknown as { _malloc(bytes: number): number; _free(pointer: number): void };
  const scratch = wasm._malloc(SCRATCH_INTS * 4);
  const ints = (values: number[]) => {
    if (values.length > SCRATCH_INTS) throw new Error(`bigmodel: ${values.length} ints exceed the kernel scratch`);
    new Int32Array(memory.buffer, scratch, values.length).set(values);
    return scratch;
  };
  kernels = {
    exports,
    offset: (info) => backend.dataIdMap.get(info.dataId).memoryOffset,
    ints,
    geometry: (info) => ints(geometryInts(info)),
    malloc: (bytes) => wasm._malloc(bytes),
    free: (pointer) => wasm._free(pointer),
  };
  bound.set(backend, kernels);
  return kernels;
}
