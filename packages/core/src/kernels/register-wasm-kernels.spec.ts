import * as tf from '@tensorflow/tfjs';

import { useWasm, seededRandom, randomValues } from '../testing/backend-comparison';
import { ADAM_UPDATE } from './adam-update';
import { registerWasmKernels } from './register-wasm-kernels';

beforeAll(useWasm);

/**
 * A model with every layer family whose training needs the kernels bigmodel adds or replaces:
 * image branch conv2d, batchNormalization, depthwiseConv2d, separableConv2d, conv2dTranspose,
 * maxPooling2d; sequence branch embedding, conv1d, LSTM; then dense.
 */
function allLayersModel(): tf.LayersModel {
  const image = tf.input({ shape: [8, 8, 2], name: 'image' });
  let a = tf.layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', activation: 'relu' }).apply(image) as tf.SymbolicTensor;
  a = tf.layers.batchNormalization().apply(a) as tf.SymbolicTensor;
  a = tf.layers.depthwiseConv2d({ kernelSize: 3, depthMultiplier: 2, padding: 'same', activation: 'relu' }).apply(a) as tf.SymbolicTensor;
  a = tf.layers
    .separableConv2d({ filters: 6, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu' })
    .apply(a) as tf.SymbolicTensor;
  a = tf.layers
    .conv2dTranspose({ filters: 3, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu' })
    .apply(a) as tf.SymbolicTensor;
  a = tf.layers.maxPooling2d({ poolSize: 2 }).apply(a) as tf.SymbolicTensor;
  a = tf.layers.flatten().apply(a) as tf.SymbolicTensor;

  const tokens = tf.input({ shape: [10], name: 'tokens' });
  let b = tf.layers.embedding({ inputDim: 20, outputDim: 6 }).apply(tokens) as tf.SymbolicTensor;
  b = tf.layers.conv1d({ filters: 5, kernelSize: 3, padding: 'same', activation: 'relu' }).apply(b) as tf.SymbolicTensor;
  b = tf.layers.lstm({ units: 8 }).apply(b) as tf.SymbolicTensor;

  const merged = tf.layers.concatenate().apply([a, b]) as tf.SymbolicTensor;
  const out = tf.layers.dense({ units: 3, activation: 'softmax' }).apply(merged) as tf.SymbolicTensor;
  return tf.model({ inputs: [image, tokens], outputs: out });
}

/** 96 samples whose class is readable from both inputs (image brightness and token content). */
function dataset() {
  const random = seededRandom(5);
  const n = 96;
  const labels = Int32Array.from({ length: n }, (_, i) => i % 3);
  const images = randomValues(random, n * 8 * 8 * 2).map((v, i) => v * 0.3 + (labels[Math.floor(i / 128)] - 1));
  const tokens = Float32Array.from({ length: n * 10 }, (_, i) => labels[Math.floor(i / 10)] * 6 + Math.floor(random() * 6));
  return {
    xs: [tf.tensor4d(images, [n, 8, 8, 2]), tf.tensor2d(tokens, [n, 10])],
    ys: tf.oneHot(tf.tensor1d(labels, 'int32'), 3).toFloat(),
  };
}

describe('registerWasmKernels', () => {
  it('adds the four training kernels wasm lacks (and the fused Adam update) and replaces only wasm kernels', () => {
    const report = registerWasmKernels();
    expect(report.added.sort()).toEqual(
      [
        'Conv2DBackpropFilter',
        'DepthwiseConv2dNativeBackpropFilter',
        'DepthwiseConv2dNativeBackpropInput',
        'UnsortedSegmentSum',
        ADAM_UPDATE,
      ].sort(),
    );
    expect(report.replaced.sort()).toEqual(
      [
        'BatchMatMul',
        'Conv2D',
        'Conv2DBackpropInput',
        'FusedBatchNorm',
        'FusedConv2D',
        '_FusedMatMul',
        'Greater',
        'GreaterEqual',
        'Identity',
        'LeakyRelu',
        'Less',
        'LessEqual',
        'MaxPoolGrad',
        'Mean',
        'OneHot',
        'Select',
        'Sqrt',
        'Sum',
        'Tile',
        'Add',
        'Sub',
        'Multiply',
        'RealDiv',
        'Cast',
        'Square',
        'Relu',
        'Relu6',
        'Neg',
        'Abs',
        'MaxPool',
        'Tanh',
        'Sigmoid',
        'Elu',
        'ClipByValue',
      ].sort(),
    );
    // Mean's gradient dispatches on the backend (mean-gradient.spec.ts checks both sides).
    expect(report.gradients).toEqual(['Mean']);
    // The cpu backend keeps its own kernels, and has no fused Adam update (core's Adam composes ops there).
    expect(tf.getKernel(ADAM_UPDATE, 'cpu')).toBeUndefined();
    for (const name of [...report.added, ...report.replaced].filter((name) => name !== ADAM_UPDATE)) {
      expect(tf.getKernel(name, 'cpu')?.backendName).toBe('cpu');
    }
  });

  it('trains conv1d, conv2d, conv2dTranspose, depthwise, separable, embedding, batch norm and LSTM on wasm with loss falling and no tensor leak', async () => {
    expect(tf.getBackend()).toBe('wasm');
    const model = allLayersModel();
    model.compile({ optimizer: tf.train.adam(0.01), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
    const { xs, ys } = dataset();
    const losses: number[] = [];
    const counts: string[] = [];
    for (let round = 0; round < 6; round++) {
      const history = await model.fit(xs, ys, { epochs: 5, batchSize: 16, shuffle: false, verbose: 0 });
      losses.push(...(history.history['loss'] as number[]));
      const { numTensors, numDataBuffers } = tf.memory();
      counts.push(`${numTensors} tensors, ${numDataBuffers} buffers`);
    }
    // Every weight received a finite gradient and training made progress.
    expect(losses.every(Number.isFinite)).toBe(true);
    expect(losses[losses.length - 1]).toBeLessThan(0.5 * losses[0]);
    // After the first round (optimizer slots created), tensor and backend buffer counts stay put.
    expect(counts.slice(1)).toEqual(Array(counts.length - 1).fill(counts[1]));
    tf.dispose([...xs, ys]);
    model.dispose();
  });
});
