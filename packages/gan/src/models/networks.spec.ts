import * as tf from '@tensorflow/tfjs';
import { initBackend } from '@bigmodel/core';

import { resolveGanConfig } from './gan-config';
import { MinibatchStddev, SmoothGradLeakyReLU, buildDiscriminator, buildGenerator } from './networks';

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
    expect(g.layers.filter((l) => l.getClassName() === 'Conv2DTranspose').map((l) => l.outputShape)).toEqual([
      [null, 14, 14, 64],
      [null, 28, 28, 1],
    ]);
    expect(g.layers[0].outputShape).toEqual([null, 7 * 7 * 128]);
    expect(d.layers.filter((l) => l.getClassName() === 'Conv2D').map((l) => l.outputShape)).toEqual([
      [null, 14, 14, 64],
      [null, 7, 7, 128],
    ]);
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

  it("MinibatchStddev appends the mean over features of each group's per-feature standard deviation", () => {
    // 4 inputs of 1x2x1 features; with groups of 2, inputs 0 and 2 form one group, 1 and 3 the other (ProGAN's reshape).
    const x = tf.tensor4d([1, 2, 0, 0, 3, 6, 0, 4], [4, 1, 2, 1]);
    const out = new MinibatchStddev({ groupSize: 2 }).apply(x) as tf.Tensor4D;
    expect(out.shape).toEqual([4, 1, 2, 2]);
    const values = Array.from(out.dataSync());
    // Group {[1, 2], [3, 6]}: standard deviations |1 - 3| / 2 = 1 and |2 - 6| / 2 = 2, mean 1.5.
    // Group {[0, 0], [0, 4]}: 0 (sqrt(1e-8) = 1e-4) and 2, mean 1.00005.
    const expected = [1, 1.5, 2, 1.5, 0, 1.00005, 0, 1.00005, 3, 1.5, 6, 1.5, 0, 1.00005, 4, 1.00005];
    values.forEach((v, i) => expect(v).toBeCloseTo(expected[i], 5));
    // One group of the whole batch (a group size above the batch is the batch), against a direct computation.
    const whole = (new MinibatchStddev({ groupSize: 8 }).apply(x) as tf.Tensor4D).dataSync();
    const rows = [
      [1, 2],
      [0, 0],
      [3, 6],
      [0, 4],
    ];
    const std = (j: number) => {
      const mean = rows.reduce((s, r) => s + r[j], 0) / 4;
      return Math.sqrt(rows.reduce((s, r) => s + (r[j] - mean) ** 2, 0) / 4 + 1e-8);
    };
    expect(whole[1]).toBeCloseTo((std(0) + std(1)) / 2, 5);
    expect(new Set(Array.from(whole).filter((_, i) => i % 2 === 1)).size).toBe(1);
    expect(() => new MinibatchStddev({ groupSize: 3 }).apply(x)).toThrow(/multiple of the minibatch-stddev group size 3/);
    tf.dispose([x, out]);
  });

  it('MinibatchStddev passes gradients to every input (checked against finite differences)', () => {
    const layer = new MinibatchStddev({ groupSize: 2 });
    const x = tf.tensor4d([1, 2, 0, 0.5, 3, 6, 0.2, 4], [4, 1, 2, 1]);
    const f = (t: tf.Tensor) => tf.sum(tf.mul(layer.apply(t) as tf.Tensor, tf.range(1, 17).reshape([4, 1, 2, 2])));
    const grad = tf.grad(f)(x).dataSync();
    const base = x.dataSync();
    const h = 1e-2;
    for (let i = 0; i < 8; i++) {
      const at = (delta: number) =>
        tf.tidy(
          () =>
            f(
              tf.tensor4d(
                base.map((v, j) => (j === i ? v + delta : v)),
                [4, 1, 2, 1],
              ),
            ).dataSync()[0],
        );
      expect(grad[i]).toBeCloseTo((at(h) - at(-h)) / (2 * h), 1);
    }
    x.dispose();
  });

  it('packed discriminators take m images in the channels; minibatch stddev widens the output layer by one map', () => {
    const packed = buildDiscriminator(resolveGanConfig({ ndf: 8, discriminatorPacking: 2 }), 0);
    expect(packed.inputs[0].shape).toEqual([null, 28, 28, 2]);
    expect(packed.outputs[0].shape).toEqual([null, 1]);
    const packedAcgan = buildDiscriminator(resolveGanConfig({ kind: 'cgan', ndf: 8, discriminatorPacking: 4 }), 0);
    expect(packedAcgan.outputs[0].shape).toEqual([null, 1 + 4 * 10]); // a class row per packed image
    const stddev = buildDiscriminator(resolveGanConfig({ ndf: 8, minibatchStddev: 4 }), 0);
    const plain = buildDiscriminator(resolveGanConfig({ ndf: 8 }), 0);
    expect(stddev.layers.map((l) => l.getClassName())).toEqual([
      ...plain.layers.map((l) => l.getClassName()).slice(0, -2),
      'MinibatchStddev',
      'Flatten',
      'Dense',
    ]);
    expect(stddev.countParams() - plain.countParams()).toBe(7 * 7); // the output layer's weights of the new map
    expect(stddev.weights.length).toBe(plain.weights.length);
    tf.dispose([packed, packedAcgan, stddev, plain] as never);
  });

  it('SmoothGradLeakyReLU equals leakyRelu and has a second derivative', () => {
    const x = tf.tensor1d([-2, -0.5, 0.5, 3]);
    const layer = new SmoothGradLeakyReLU({ alpha: 0.2 });
    expect(Array.from((layer.apply(x) as tf.Tensor).dataSync())).toEqual(
      Array.from(tf.leakyRelu(x, 0.2).dataSync()).map((v) => expect.closeTo(v, 6)),
    );
    // d/dx of (d/dx f(x))^2 * x: finite everywhere away from 0, computed through tfjs' own gradients.
    const second = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(tf.grad((u: tf.Tensor) => tf.sum(layer.apply(u) as tf.Tensor))(v), v)))(x);
    expect(Array.from(second.dataSync())).toEqual([0.2, 0.2, 1, 1].map((v) => expect.closeTo(v, 6)));
  });
});
