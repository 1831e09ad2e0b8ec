/**
 * The fused Adam update ({@link ADAM_UPDATE}) for the webgpu backend: one WGSL compute dispatch
 * reads w, g, m, v and writes the new w, m and v, where core's composed Adam runs ~10 tfjs ops
 * (each a dispatch and a pass over the variable). The shader makes the same float32 operations in
 * the same order as the composed ops (optimizers/adam.ts); a GPU may still contract a multiply
 * and an add into one fused multiply-add, so results agree with the cpu backend within float32
 * rounding, not bitwise (tests state the tolerance).
 *
 * tfjs-backend-webgpu's programs have one output, so this kernel records its own dispatch on the
 * backend's command encoder, the way the backend records its programs (buffers allocated by the
 * backend, uniforms from its pool, the inputs and outputs held until the queue is submitted).
 * AMSGrad's fourth output needs 10 storage buffers in one shader; where the device allows fewer
 * (WebGPU's default is 8) {@link webGpuAdamFits} says no and Adam composes ops instead.
 */
import * as tf from '@tensorflow/tfjs';
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs';

import { ADAM_UPDATE, type AdamUpdateAttrs } from './adam-update';

/** The parts of tfjs-backend-webgpu's `WebGPUBackend` this kernel uses (internal, 4.22.0). */
interface WebGpuBackendInternals {
  device: {
    limits: Record<string, number>;
    createShaderModule(descriptor: { code: string }): unknown;
    createComputePipeline(descriptor: { layout: 'auto'; compute: { module: unknown; entryPoint: string } }): WebGpuPipeline;
    createBindGroup(descriptor: { layout: unknown; entries: { binding: number; resource: unknown }[] }): unknown;
  };
  makeTensorInfo(shape: number[], dtype: 'float32'): TensorInfo;
  uploadToGPU(dataId: object): void;
  tensorToBinding(tensor: TensorInfo): unknown;
  makeUniforms(uniforms: { type: 'float32' | 'uint32'; data: number[] }[]): unknown;
  commandQueueOwnedIds: WeakSet<object>;
  ensureCommandEncoderReady(): void;
  commandEncoder: { beginComputePass(descriptor: object): WebGpuPass };
  computePassEncoder: WebGpuPass | null;
  dispatchCountInPass: number;
  endComputePassEncoder(): void;
  submitQueue(): void;
}

interface WebGpuPipeline {
  getBindGroupLayout(index: number): unknown;
}

interface WebGpuPass {
  setPipeline(pipeline: WebGpuPipeline): void;
  setBindGroup(index: number, group: unknown): void;
  dispatchWorkgroups(x: number, y: number, z: number): void;
}

const WORKGROUP = 64;

/** The WGSL of the update, with or without AMSGrad's running maximum. */
function adamShader(amsgrad: boolean): string {
  const inputs = ['w', 'g', 'm', 'v', ...(amsgrad ? ['vMax'] : [])];
  const outputs = ['wOut', 'mOut', 'vOut', ...(amsgrad ? ['vMaxOut'] : [])];
  const declarations = [
    ...inputs.map((name, i) => `@group(0) @binding(${i}) var<storage, read> ${name}: array<f32>;`),
    ...outputs.map((name, i) => `@group(0) @binding(${inputs.length + i}) var<storage, read_write> ${name}: array<f32>;`),
    `@group(0) @binding(${inputs.length + outputs.length}) var<uniform> params: Params;`,
  ];
  return `
struct Params {
  beta1: f32, oneMinusBeta1: f32, beta2: f32, oneMinusBeta2: f32,
  biasCorrection2Sqrt: f32, epsilon: f32, stepSize: f32, pad0: f32,
  size: u32, rowStride: u32, pad1: u32, pad2: u32,
};
${declarations.join('\n')}

@compute @workgroup_size(${WORKGROUP})
fn main(@builtin(global_invocation_id) id: vec3<u32>) {
  let i = id.y * params.rowStride + id.x;
  if (i >= params.size) { return; }
  let gi = g[i];
  let nextM = m[i] * params.beta1 + gi * params.oneMinusBeta1;
  let nextV = v[i] * params.beta2 + (gi * gi) * params.oneMinusBeta2;
  mOut[i] = nextM;
  vOut[i] = nextV;
${
  amsgrad
    ? `  let nextVMax = max(vMax[i], nextV);
  vMaxOut[i] = nextVMax;
  let denominator = sqrt(nextVMax) / params.biasCorrection2Sqrt + params.epsilon;`
    : `  let denominator = sqrt(nextV) / params.biasCorrection2Sqrt + params.epsilon;`
}
  wOut[i] = w[i] - (nextM / denominator) * params.stepSize;
}
`;
}

/** Storage buffers the update binds: 4 inputs and 3 outputs, or 5 and 4 with AMSGrad. */
const storageBuffers = (amsgrad: boolean) => (amsgrad ? 9 : 7);

/**
 * Whether the fused update fits the current webgpu device (AMSGrad needs 9 storage buffers in one
 * shader; WebGPU guarantees 8).
 *
 * @category Backend
 */
export function webGpuAdamFits(amsgrad: boolean): boolean {
  const backend = tf.backend() as unknown as Partial<WebGpuBackendInternals>;
  const limit = backend.device?.limits['maxStorageBuffersPerShaderStage'] ?? 8;
  return storageBuffers(amsgrad) <= limit;
}

const pipelines = new WeakMap<object, Map<boolean, WebGpuPipeline>>();

function pipelineFor(backend: WebGpuBackendInternals, amsgrad: boolean): WebGpuPipeline {
  let cache = pipelines.get(backend.device);
  if (!cache) pipelines.set(backend.device, (cache = new Map()));
  let pipeline = cache.get(amsgrad);
  if (!pipeline) {
    const module = backend.device.createShaderModule({ code: adamShader(amsgrad) });
    pipeline = backend.device.createComputePipeline({ layout: 'auto', compute: { module, entryPoint: 'main' } });
    cache.set(amsgrad, pipeline);
  }
  return pipeline;
}

function adamUpdate({
  inputs,
  attrs,
  backend: anyBackend,
}: {
  inputs: Record<string, TensorInfo>;
  attrs: object;
  backend: unknown;
}): TensorInfo[] {
  const backend = anyBackend as WebGpuBackendInternals;
  const { w, g, m, v, vMax } = inputs;
  const { beta1, beta2, epsilon, biasCorrection2Sqrt, stepSize } = attrs as AdamUpdateAttrs;
  const amsgrad = vMax !== undefined;
  const sources = [w, g, m, v, ...(amsgrad ? [vMax] : [])];
  const outputs = [w, m, v, ...(amsgrad ? [vMax] : [])].map((like) => backend.makeTensorInfo(like.shape, 'float32'));
  const size = tf.util.sizeFromShape(w.shape);
  if (size === 0) return outputs;
  for (const t of [...sources, ...outputs]) backend.uploadToGPU(t.dataId);

  const groups = Math.ceil(size / WORKGROUP);
  const maxPerDimension = backend.device.limits['maxComputeWorkgroupsPerDimension'] ?? 65535;
  const x = Math.min(groups, maxPerDimension);
  const y = Math.ceil(groups / x);
  const uniforms = backend.makeUniforms([
    { type: 'float32', data: [beta1] },
    { type: 'float32', data: [1 - beta1] },
    { type: 'float32', data: [beta2] },
    { type: 'float32', data: [1 - beta2] },
    { type: 'float32', data: [biasCorrection2Sqrt] },
    { type: 'float32', data: [epsilon] },
    { type: 'float32', data: [stepSize] },
    { type: 'float32', data: [0] },
    { type: 'uint32', data: [size] },
    { type: 'uint32', data: [x * WORKGROUP] },
    { type: 'uint32', data: [0] },
    { type: 'uint32', data: [0] },
  ]);
  const pipeline = pipelineFor(backend, amsgrad);
  const resources = [...sources, ...outputs].map((t) => backend.tensorToBinding(t));
  const bindGroup = backend.device.createBindGroup({
    layout: pipeline.getBindGroupLayout(0),
    entries: [...resources, uniforms].map((resource, binding) => ({ binding, resource })),
  });
  // Held until the queue is submitted, as the backend does for its own programs.
  for (const t of [...sources, ...outputs]) backend.commandQueueOwnedIds.add(t.dataId);
  backend.ensureCommandEncoderReady();
  backend.computePassEncoder ??= backend.commandEncoder.beginComputePass({});
  backend.computePassEncoder.setPipeline(pipeline);
  backend.computePassEncoder.setBindGroup(0, bindGroup);
  backend.computePassEncoder.dispatchWorkgroups(x, y, 1);
  backend.dispatchCountInPass++;
  if (tf.env().getNumber('WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE') <= backend.dispatchCountInPass) {
    backend.endComputePassEncoder();
    backend.submitQueue();
  }
  return outputs;
}

/**
 * The fused Adam update's kernel config for the webgpu backend.
 *
 * @category Backend
 */
export const adamUpdateWebGpuConfig: KernelConfig = {
  kernelName: ADAM_UPDATE,
  backendName: 'webgpu',
  kernelFunc: adamUpdate as unknown as KernelFunc,
};
