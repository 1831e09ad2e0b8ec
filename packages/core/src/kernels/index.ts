export { registerWasmKernels, type RegisterWasmKernelsOptions, type WasmKernelReport } from './register-wasm-kernels';
