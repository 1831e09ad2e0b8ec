/**
 * A fused Adam update for the wasm backend: core's Adam composes ~10 tfjs ops per variable (each a
 * kernel call and a pass over the variable); on wasm one kernel makes the whole update in one pass
 * (native/adam.c adam_f32), with the same float32 operations in the same order, so its results
 * equal the composed ops'. Other backends have no such kernel and keep the composed ops (see
 * optimizers/adam.ts).
 */
import { util, type KernelConfig, type KernelFunc, type NamedAttrMap, type TensorInfo } from '@tensorflow/tfjs';

import { nativeKernels } from './native/native-kernels';
import type { WasmKernelArgs } from './wasm-kernel-utils';

/**
 * The kernel name of the fused Adam update (registered for the wasm backend only).
 *
 * @category Backend
 */
export const ADAM_UPDATE = 'BigmodelAdamUpdate';

/**
 * Attributes of {@link ADAM_UPDATE}: the optimizer's constants for this step.
 *
 * @category Backend
 */
export interface AdamUpdateAttrs extends NamedAttrMap {
  beta1: number;
  beta2: number;
  epsilon: number;
  /** sqrt(1 - beta2^step). */
  biasCorrection2Sqrt: number;
  /** lr / (1 - beta1^step). */
  stepSize: number;
}

/**
 * Inputs w, g, m, v (and vMax for AMSGrad), all float32 of one shape; outputs the new variable, m,
 * v (and vMax), in that order.
 */
function adamUpdate({ inputs, attrs, backend }: WasmKernelArgs): TensorInfo[] {
  const { w, g, m, v, vMax } = inputs;
  const { beta1, beta2, epsilon, biasCorrection2Sqrt, stepSize } = attrs as unknown as AdamUpdateAttrs;
  const native = nativeKernels(backend);
  const outputs = [w, m, v, ...(vMax ? [vMax] : [])].map((like) => backend.makeOutput(like.shape, 'float32'));
  const [wOut, mOut, vOut, vMaxOut] = outputs;
  native.exports.adam_f32(
    native.offset(w),
    native.offset(g),
    native.offset(m),
    native.offset(v),
    vMax ? native.offset(vMax) : 0,
    native.offset(wOut),
    native.offset(mOut),
    native.offset(vOut),
    vMaxOut ? native.offset(vMaxOut) : 0,
    util.sizeFromShape(w.shape),
    beta1,
    1 - beta1,
    beta2,
    1 - beta2,
    biasCorrection2Sqrt,
    epsilon,
    stepSize,
  );
  return outputs;
}

/**
 * The fused Adam update's kernel config for the wasm backend.
 *
 * @category Backend
 */
export const adamUpdateConfig: KernelConfig = {
  kernelName: ADAM_UPDATE,
  backendName: 'wasm',
  kernelFunc: adamUpdate as unknown as KernelFunc,
};
