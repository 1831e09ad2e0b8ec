export {
  BACKEND_NAMES,
  formatBackendInfo,
  initBackend,
  parseBackendName,
  type BackendInfo,
  type BackendName,
  type InitBackendOptions,
} from './init-backend';
export { formatWebGpuAdapter, type WebGpuAdapterInfo } from './webgpu-backend';
