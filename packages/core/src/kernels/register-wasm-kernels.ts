import { getKernel, registerKernel, unregisterKernel, type KernelConfig } from '@tensorflow/tfjs';

import { adamUpdateConfig } from './adam-update';
import { batchMatMulConfig } from './batch-mat-mul';
import { batchNormConfig } from './batch-norm';
import { broadcastRowConfigs } from './broadcast-row';
import { castConfig } from './cast';
import { compareConfigs } from './compare';
import { identityConfig } from './identity';
import { conv2dConfig, fusedConv2dConfig } from './conv2d';
import { conv2dBackpropFilterConfig } from './conv2d-backprop-filter';
import { conv2dBackpropInputConfig } from './conv2d-backprop-input';
import { fusedMatMulConfig } from './fused-mat-mul';
import { depthwiseConv2dNativeBackpropFilterConfig } from './depthwise-conv2d-backprop-filter';
import { depthwiseConv2dNativeBackpropInputConfig } from './depthwise-conv2d-backprop-input';
import { leakyReluConfig, sqrtConfig } from './leaky-relu';
import { maxPoolConfig } from './max-pool';
import { maxPoolGradConfig } from './max-pool-grad';
import { oneHotConfig } from './one-hot';
import { registerMeanGradient } from './mean-gradient';
import { meanConfig, sumConfig } from './reduce-leading-axes';
import { selectConfig } from './select';
import { tileConfig } from './tile';
import { clipByValueConfig, unaryConfigs } from './unary';
import { unsortedSegmentSumConfig } from './unsorted-segment-sum';

/**
 * What {@link registerWasmKernels} did, kernel by kernel.
 *
 * @category Backend
 */
export interface WasmKernelReport {
  /** Kernels tfjs-backend-wasm lacked, now provided by bigmodel. */
  added: string[];
  /** Stock kernels replaced by faster or corrected ones. */
  replaced: string[];
  /** Kernels whose gradient runs differently on wasm (bitwise the same values; see mean-gradient.ts). */
  gradients: string[];
}

/**
 * Options for {@link registerWasmKernels}.
 *
 * @category Backend
 */
export interface RegisterWasmKernelsOptions {
  /**
   * Also replace stock kernels with bigmodel's faster or corrected ones (default true). With false
   * only the missing training kernels are added, which is what the benchmark's "stock" row measures.
   */
  replace?: boolean;
}

let installed: WasmKernelReport | undefined;

/**
 * Registers bigmodel's kernels for the `wasm` backend only (other backends are untouched):
 * the training kernels tfjs-backend-wasm 4.22 lacks (Conv2DBackpropFilter,
 * DepthwiseConv2dNativeBackpropFilter/Input, UnsortedSegmentSum), and faster or corrected
 * replacements (Conv2DBackpropInput, MaxPoolGrad, BatchMatMul, _FusedMatMul and Conv2D /
 * FusedConv2D on bigmodel's relaxed-SIMD GEMM where the engine has relaxed SIMD, BatchMatMul with
 * transposed operands, Sum and Mean over leading axes, Tile, LeakyRelu, Sqrt, comparisons, Select, FusedBatchNorm, OneHot,
 * Add / Sub / Multiply / RealDiv of an operand broadcast along leading axes, Cast to the same dtype without a copy,
 * Square / Relu / Relu6 / Neg / Abs / Sigmoid / Elu / ClipByValue and MaxPool without XNNPACK's thread pool, a vectorized Tanh,
 * Identity without a copy), and a fused Adam update that core's Adam and AdamW use on wasm.
 * With `replace`, Mean's gradient also changes on wasm only: the same values, without the
 * full-size array of ones tfjs-core builds in JavaScript.
 *
 * Idempotent (the first call's choice stays). {@link initBackend} calls it; call it yourself only
 * if you select `wasm` by hand.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs';
 * import '@tensorflow/tfjs-backend-wasm';
 * await tf.setBackend('wasm');
 * registerWasmKernels();
 * ```
 * @category Backend
 */
export function registerWasmKernels(options: RegisterWasmKernelsOptions = {}): WasmKernelReport {
  if (installed) return installed;
  const { replace = true } = options;
  // Building the replacing configs captures the stock kernels they call, before anything is replaced.
  const configs: KernelConfig[] = [
    conv2dBackpropFilterConfig,
    conv2dBackpropInputConfig,
    depthwiseConv2dNativeBackpropFilterConfig,
    depthwiseConv2dNativeBackpropInputConfig,
    unsortedSegmentSumConfig,
    maxPoolGradConfig,
    maxPoolConfig(),
    oneHotConfig,
    batchMatMulConfig(),
    conv2dConfig(),
    fusedConv2dConfig(),
    fusedMatMulConfig(),
    sumConfig(),
    meanConfig(),
    tileConfig(),
    leakyReluConfig(),
    sqrtConfig(),
    ...compareConfigs(),
    ...broadcastRowConfigs(),
    ...unaryConfigs(),
    clipByValueConfig(),
    selectConfig(),
    batchNormConfig(),
    identityConfig(),
    castConfig(),
    adamUpdateConfig,
  ];
  const report: WasmKernelReport = { added: [], replaced: [], gradients: replace ? registerMeanGradient() : [] };
  for (const config of configs) {
    const exists = getKernel(config.kernelName, 'wasm') !== undefined;
    if (exists && !replace) continue;
    if (exists) {
      unregisterKernel(config.kernelName, 'wasm');
      report.replaced.push(config.kernelName);
    } else {
      report.added.push(config.kernelName);
    }
    registerKernel(config);
  }
  installed = report;
  return report;
}
