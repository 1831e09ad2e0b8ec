import * as tf from '@tensorflow/tfjs';
import { initBackend } from '@bigmodel/core';

import { symmetricEigen } from '../internal/linear-algebra';
import { resolveGanConfig } from './gan-config';
import { buildDiscriminator } from './networks';
import { SpectralNormConv2D, SpectralNormDense, isSpectralNormalized } from './spectral-norm';

beforeAll(async () => {
  tf.env().set('PROD', true);
  await initBackend({ backend: 'wasm' });
});

/** Independent truth: the largest singular value of a `rows x cols` matrix, from the eigenvalues of W^T W (float64 Jacobi). */
function largestSingularValue(values: ArrayLike<number>, rows: number, cols: number): number {
  const gram = new Float64Array(cols * cols);
  for (let i = 0; i < cols; i++)
    for (let j = 0; j < cols; j++) for (let r = 0; r < rows; r++) gram[i * cols + j] += values[r * cols + i] * values[r * cols + j];
  return Math.sqrt(Math.max(...symmetricEigen(gram, cols).values));
}

describe('spectral normalization', () => {
  it('estimates the largest singular value by power iteration and divides the dense kernel by it', () => {
    const layer = new SpectralNormDense({
      units: 5,
      kernelInitializer: tf.initializers.randomNormal({ mean: 0, stddev: 1, seed: 3 }),
      seed: 4,
    });
    const x = tf.randomNormal([6, 7], 0, 1, 'float32', 5);
    layer.apply(x); // builds the layer
    const [kernel, bias] = layer.getWeights();
    const sigma = largestSingularValue(kernel.dataSync(), 7, 5);
    for (let i = 0; i < 50; i++) layer.powerIterate();
    expect(layer.sigma().dataSync()[0]).toBeCloseTo(sigma, 3);
    // y = x W / sigma + b, against a plain matMul with the true sigma.
    const y = layer.apply(x) as tf.Tensor;
    const expected = tf.add(tf.matMul(x, tf.div(kernel, sigma)), bias);
    Array.from(y.dataSync()).forEach((v, i) => expect(v).toBeCloseTo(expected.dataSync()[i], 4));
    // After normalization the kernel's own largest singular value is 1.
    const normalized = tf.div(kernel, layer.sigma());
    expect(largestSingularValue(normalized.dataSync(), 7, 5)).toBeCloseTo(1, 3);
    // u and v are state (not trained), after the kernel and the bias.
    expect(layer.trainableWeights.map((w) => w.shape)).toEqual([[7, 5], [5]]);
    expect(layer.nonTrainableWeights.map((w) => w.shape)).toEqual([[5], [7]]);
    tf.dispose([x, y, expected, normalized, kernel, bias]);
  });

  it('normalizes a strided convolution by the singular value of its kernel as a [kh*kw*cin, cout] matrix', () => {
    const layer = new SpectralNormConv2D({
      filters: 3,
      kernelSize: 4,
      strides: 2,
      kernelInitializer: tf.initializers.randomNormal({ mean: 0, stddev: 1, seed: 6 }),
      seed: 7,
    });
    const x = tf.randomNormal([2, 8, 8, 2], 0, 1, 'float32', 8) as tf.Tensor4D;
    const first = layer.apply(x) as tf.Tensor;
    expect(first.shape).toEqual([2, 4, 4, 3]);
    const [kernel, bias] = layer.getWeights();
    for (let i = 0; i < 50; i++) layer.powerIterate();
    const sigma = largestSingularValue(kernel.dataSync(), 4 * 4 * 2, 3);
    expect(layer.sigma().dataSync()[0]).toBeCloseTo(sigma, 3);
    const y = layer.apply(x) as tf.Tensor;
    const expected = tf.add(tf.conv2d(x, tf.div(kernel, sigma) as tf.Tensor4D, 2, 'same'), bias);
    Array.from(y.dataSync()).forEach((v, i) => expect(v).toBeCloseTo(expected.dataSync()[i], 4));
    tf.dispose([x, first, y, expected, kernel, bias]);
  });

  it('replaces batch norm in the discriminator: every convolution and the output layer are normalized', () => {
    const d = buildDiscriminator(resolveGanConfig({ ndf: 8, discriminatorNormalization: 'spectral' }), 0);
    expect(d.layers.map((l) => l.getClassName())).toEqual([
      'SpectralNormConv2D',
      'LeakyReLU',
      'SpectralNormConv2D',
      'LeakyReLU',
      'Flatten',
      'SpectralNormDense',
    ]);
    expect(d.layers.filter(isSpectralNormalized)).toHaveLength(3);
    expect(d.outputs[0].shape).toEqual([null, 1]);
    const plain = buildDiscriminator(resolveGanConfig({ ndf: 8, discriminatorNormalization: 'none' }), 0);
    expect(plain.layers.map((l) => l.getClassName())).toEqual(['Conv2D', 'LeakyReLU', 'Conv2D', 'LeakyReLU', 'Flatten', 'Dense']);
    d.dispose();
    plain.dispose();
  });
});
