import * as tf from '@tensorflow/tfjs';
import { initBackend } from '@bigmodel/core';

import { resolveGanConfig } from './gan-config';
import { SmoothGradLeakyReLU, buildDiscriminator, buildGenerator } from './networks';

beforeAll(async () => {
  tf.env().set('PROD', true);
  await initBackend({ backend: 'wasm' });
});

describe('DCGAN networks', () => {
  it('map 28x28x1 through 7 -> 14 -> 28 with the widths of the reference DCGAN', () => {
    const config = resolveGanConfig({ ngf: 64, ndf: 64 });
    const g = buildGenerator(config, 0);
    const d = buildDiscriminator(config, 1);
    expect(g.outputs[0].shape).toEqual([null, 28, 28, 1]);
    expect(g.layers.filter((l) => l.getClassName() === 'Conv2DTranspose').map((l) => l.outputShape)).toEqual([[null, 14, 14, 64], [null, 28, 28, 1]]);
    expect(g.layers[0].outputShape).toEqual([null, 7 * 7 * 128]);
    expect(d.layers.filter((l) => l.getClassName() === 'Conv2D').map((l) => l.outputShape)).toEqual([[null, 14, 14, 64], [null, 7, 7, 128]]);
    // No batch norm right after the input layer of the discriminator.
    expect(d.layers[1].getClassName()).toBe('LeakyReLU');
    // Same parameter count as bench/pytorch_reference.py's networks (PyTorch's BatchNorm has the same 2 parameters per channel).
    expect(g.countParams() - 2 * (7 * 7 * 128 + 64)).toBe(100 * 6272 + 2 * 6272 + 128 * 64 * 16 + 2 * 64 + 64 * 16 + 1);
    expect(d.countParams() - 2 * 128).toBe(16 * 64 + 64 + 64 * 128 * 16 + 2 * 128 + 6272 + 1);
    g.dispose();
    d.dispose();
  });

  it('map 32x32x3 through 4 -> 8 -> 16 -> 32, and the ACGAN discriminator has a logit per class', () => {
    const g = buildGenerator(resolveGanConfig({ imageShape: [32, 32, 3], ngf: 8 }), 0);
    expect(g.outputs[0].shape).toEqual([null, 32, 32, 3]);
    const d = buildDiscriminator(resolveGanConfig({ kind: 'cgan', imageShape: [32, 32, 3], ndf: 8 }), 0);
    expect(d.outputs[0].shape).toEqual([null, 11]);
    expect(buildGenerator(resolveGanConfig({ kind: 'cgan', ngf: 8 }), 0).inputs[0].shape).toEqual([null, 110]);
    tf.dispose([g, d] as never);
  });

  it('SmoothGradLeakyReLU equals leakyRelu and has a second derivative', () => {
    const x = tf.tensor1d([-2, -0.5, 0.5, 3]);
    const layer = new SmoothGradLeakyReLU({ alpha: 0.2 });
    expect(Array.from((layer.apply(x) as tf.Tensor).dataSync())).toEqual(Array.from(tf.leakyRelu(x, 0.2).dataSync()).map((v) => expect.closeTo(v, 6)));
    // d/dx of (d/dx f(x))^2 * x: finite everywhere away from 0, computed through tfjs' own gradients.
    const second = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(tf.grad((u: tf.Tensor) => tf.sum(layer.apply(u) as tf.Tensor))(v), v)))(x);
    expect(Array.from(second.dataSync())).toEqual([0.2, 0.2, 1, 1].map((v) => expect.closeTo(v, 6)));
  });
});
