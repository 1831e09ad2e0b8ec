import * as tf from '@tensorflow/tfjs';

import { initBackend } from '../backend';
import { cpuVersusWasm, randomInt, randomPadding, randomValues, seededRandom, useWasm } from '../testing/backend-comparison';

beforeAll(useWasm);
afterEach(() => {
  delete process.env['BIGMODEL_WASM_GEMM'];
});

/** A random conv2d case, deep (kh * kw * ci >= 256, several K blocks of the GEMM) or shallow (ci 1-6). */
function randomDeepCase(random: () => number, shallow = false) {
  const batch = random() < 0.5 ? 1 : randomInt(random, 2, 3);
  const k = randomInt(random, 1, 4);
  const ci = shallow ? randomInt(random, 1, 6) : Math.ceil(256 / (k * k)) + randomInt(random, 0, 5);
  const dilation = k > 1 && random() < 0.25 ? 2 : 1;
  const span = (k - 1) * dilation + 1;
  const h = randomInt(random, span, span + 6);
  const w = randomInt(random, span, span + 6);
  const co = randomInt(random, 1, 20);
  const stride = dilation > 1 || random() < 0.5 ? 1 : 2; // tfjs allows dilations > 1 only with stride 1
  return {
    xShape: [batch, h, w, ci] as [number, number, number, number],
    wShape: [k, k, ci, co] as [number, number, number, number],
    stride,
    dilation,
    pad: randomPadding(random),
    x: randomValues(random, batch * h * w * ci),
    f: randomValues(random, k * k * ci * co),
    bias: randomValues(random, co),
  };
}

describe('Conv2D and FusedConv2D on wasm (im2col + bigmodel GEMM)', () => {
  it('equal the cpu backend (relative error <= 1e-5) over 24 random deep shapes, strides 1 and 2, dilations, every padding, each fused activation', async () => {
    const random = seededRandom(21);
    const activations = ['linear', 'relu', 'relu6', 'leakyrelu'] as const;
    const failures: object[] = [];
    for (let trial = 0; trial < 24; trial++) {
      const c = randomDeepCase(random);
      const activation = activations[trial % activations.length];
      const withBias = trial % 3 !== 0;
      const plain = await cpuVersusWasm(() =>
        tf.conv2d(tf.tensor4d(c.x, c.xShape), tf.tensor4d(c.f, c.wShape), c.stride, c.pad, 'NHWC', c.dilation),
      );
      const fused = await cpuVersusWasm(() =>
        tf.fused.conv2d({
          x: tf.tensor4d(c.x, c.xShape),
          filter: tf.tensor4d(c.f, c.wShape),
          strides: c.stride,
          pad: c.pad,
          dilations: c.dilation,
          bias: withBias ? tf.tensor1d(c.bias) : undefined,
          activation,
          leakyreluAlpha: 0.3,
        }),
      );
      if (!(plain <= 1e-5 && fused <= 1e-5))
        failures.push({ trial, ...c, x: undefined, f: undefined, bias: withBias, activation, plain, fused });
    }
    expect(failures).toEqual([]);
  });

  it('equal the cpu backend over 16 random shallow shapes (K < 256, ci 1-6) on 2 threads, each fused activation', async () => {
    await initBackend({ backend: 'wasm', threads: 2 });
    const random = seededRandom(24);
    const activations = ['linear', 'relu', 'relu6', 'leakyrelu'] as const;
    const failures: object[] = [];
    for (let trial = 0; trial < 16; trial++) {
      const c = randomDeepCase(random, true);
      const activation = activations[trial % activations.length];
      const plain = await cpuVersusWasm(() =>
        tf.conv2d(tf.tensor4d(c.x, c.xShape), tf.tensor4d(c.f, c.wShape), c.stride, c.pad, 'NHWC', c.dilation),
      );
      const fused = await cpuVersusWasm(() =>
        tf.fused.conv2d({
          x: tf.tensor4d(c.x, c.xShape),
          filter: tf.tensor4d(c.f, c.wShape),
          strides: c.stride,
          pad: c.pad,
          dilations: c.dilation,
          bias: tf.tensor1d(c.bias),
          activation,
          leakyreluAlpha: 0.3,
        }),
      );
      if (!(plain <= 1e-5 && fused <= 1e-5)) failures.push({ trial, ...c, x: undefined, f: undefined, activation, plain, fused });
    }
    expect(failures).toEqual([]);
  });

  it('runs a 1x1 convolution without an unfold, and a shallow one, equal to the cpu backend on one thread', async () => {
    await initBackend({ backend: 'wasm', threads: 1 });
    const random = seededRandom(22);
    const pointwise = { x: randomValues(random, 2 * 5 * 6 * 300), f: randomValues(random, 300 * 7) };
    expect(
      await cpuVersusWasm(() => tf.conv2d(tf.tensor4d(pointwise.x, [2, 5, 6, 300]), tf.tensor4d(pointwise.f, [1, 1, 300, 7]), 1, 'same')),
    ).toBeLessThanOrEqual(1e-5);
    const shallow = { x: randomValues(random, 2 * 9 * 9 * 3), f: randomValues(random, 3 * 3 * 3 * 5) };
    expect(
      await cpuVersusWasm(() => tf.conv2d(tf.tensor4d(shallow.x, [2, 9, 9, 3]), tf.tensor4d(shallow.f, [3, 3, 3, 5]), 2, 'same')),
    ).toBeLessThanOrEqual(1e-5);
  });

  it('gives the stock XNNPACK result within rounding when forced to it, and leaves no tensors or buffers behind', () => {
    const random = seededRandom(23);
    const x = tf.tensor4d(randomValues(random, 2 * 8 * 8 * 40), [2, 8, 8, 40]);
    const w = tf.tensor4d(randomValues(random, 3 * 3 * 40 * 12), [3, 3, 40, 12]);
    const b = tf.tensor1d(randomValues(random, 12));
    const run = () =>
      tf.tidy(() => tf.fused.conv2d({ x, filter: w, strides: 2, pad: 'same', bias: b, activation: 'relu' }).dataSync().slice());
    const before = [tf.memory().numTensors, tf.memory().numDataBuffers];
    const ours = run();
    process.env['BIGMODEL_WASM_GEMM'] = 'xnnpack';
    const stock = run();
    expect([tf.memory().numTensors, tf.memory().numDataBuffers]).toEqual(before);
    let worst = 0;
    for (let i = 0; i < ours.length; i++) worst = Math.max(worst, Math.abs(ours[i] - stock[i]));
    expect(worst).toBeLessThan(1e-4);
    tf.dispose([x, w, b]);
  });
});
