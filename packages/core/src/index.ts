/**
 * `@bigmodel/core`: the engine every bigmodel package stands on.
 *
 * - {@link initBackend}: pick the best TensorFlow.js backend that loads (tfjs-node-gpu, tfjs-node,
 *   wasm, cpu), or force one.
 * - {@link registerWasmKernels}: the training kernels that make the wasm backend complete and fast.
 * - Errors with one root, {@link BigModelError}.
 *
 * @packageDocumentation
 */
export * from './backend';
export * from './errors';
export * from './cli-kit';
export * from './kernels';
export * from './data';
export * from './models';
export * from './layers';
export * from './random';
export * from './optimizers';
export * from './losses';
export * from './regularizers';
export * from './io';
export * from './metrics';
export * from './training';
export * from './predict';
