export { registerWasmKernels, type WasmKernelReport } from './register-wasm-kernels';
