/**
 * UnsortedSegmentSum for the wasm backend (missing in tfjs-backend-wasm 4.22): the gradient of
 * gather, and so of embedding layers. `out[s, ...] = sum over i with ids[i] == s of x[i, ...]`;
 * ids outside [0, numSegments) are dropped, as in TensorFlow.
 */
import { UnsortedSegmentSum, util, type KernelConfig, type KernelFunc, type UnsortedSegmentSumAttrs } from '@tensorflow/tfjs';

import { ShapeError } from '../errors';
import { nativeKernels } from './native/native-kernels';
import { type WasmKernelArgs } from './wasm-kernel-utils';

function unsortedSegmentSum({ inputs, attrs, backend }: WasmKernelArgs) {
  const { x, segmentIds } = inputs;
  const { numSegments } = attrs as unknown as UnsortedSegmentSumAttrs;
  const idsRank = segmentIds.shape.length;
  if (!util.arraysEqual(x.shape.slice(0, idsRank), segmentIds.shape)) {
    throw new ShapeError({
      parameter: 'unsortedSegmentSum.segmentIds',
      expected: `a prefix of x's shape [${x.shape.join(', ')}]`,
      actual: segmentIds.shape,
    });
  }
  if (x.dtype !== 'float32' && x.dtype !== 'int32') {
    throw new ShapeError({ parameter: 'unsortedSegmentSum.x.dtype', expected: '"float32" or "int32"', actual: x.dtype });
  }
  const innerShape = x.shape.slice(idsRank);
  const out = backend.makeOutput([numSegments, ...innerShape], x.dtype);
  const native = nativeKernels(backend);
  const sum = x.dtype === 'float32' ? native.exports.unsorted_segment_sum_f32 : native.exports.unsorted_segment_sum_i32;
  sum(
    native.offset(x),
    native.offset(segmentIds),
    native.offset(out),
    util.sizeFromShape(segmentIds.shape),
    util.sizeFromShape(innerShape),
    numSegments,
  );
  return out;
}

export const unsortedSegmentSumConfig: KernelConfig = {
  kernelName: UnsortedSegmentSum,
  backendName: 'wasm',
  kernelFunc: unsortedSegmentSum as unknown as KernelFunc,
};
