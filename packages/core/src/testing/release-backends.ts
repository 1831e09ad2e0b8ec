/**
 * Jest setup (setupFilesAfterEnv): after each test file, dispose the wasm backend, which also ends
 * the threaded build's pthread workers, so that they do not pile up across test files in one Jest
 * worker process.
 */
import * as tf from '@tensorflow/tfjs';

afterAll(() => {
  if (tf.findBackendFactory('wasm')) tf.removeBackend('wasm');
});
