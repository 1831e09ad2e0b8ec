import * as tf from '@tensorflow/tfjs';

import { cpuVersusWasm, randomInt, randomValues, seededRandom, useWasm } from '../testing/backend-comparison';

beforeAll(useWasm);
afterEach(() => {
  delete process.env['BIGMODEL_WASM_GEMM'];
});

describe('_FusedMatMul on wasm', () => {
  it('equals the cpu backend with and without bias, each fused activation, every transpose combination, rank 2 and 3, batched or not, on both GEMMs', async () => {
    // Includes a transposed operand with a bias, which the stock kernel gets wrong.
    const random = seededRandom(61);
    const activations = ['linear', 'relu', 'relu6', 'leakyrelu'] as const;
    const failures: object[] = [];
    for (let trial = 0; trial < 32; trial++) {
      if (trial === 16) process.env['BIGMODEL_WASM_GEMM'] = 'xnnpack';
      const [m, k, n] = [randomInt(random, 1, 40), randomInt(random, 1, 40), randomInt(random, 1, 40)];
      const [transposeA, transposeB] = [trial % 2 === 1, trial % 4 >= 2];
      const lead = trial % 3 === 0 ? [1] : trial % 5 === 0 ? [2] : [];
      const aShape = [...lead, ...(transposeA ? [k, m] : [m, k])];
      const bShape = [...lead, ...(transposeB ? [n, k] : [k, n])];
      const a = randomValues(
        random,
        aShape.reduce((p, q) => p * q, 1),
      );
      const b = randomValues(
        random,
        bShape.reduce((p, q) => p * q, 1),
      );
      const bias = trial % 3 === 1 ? undefined : randomValues(random, n);
      const activation = activations[trial % activations.length];
      const error = await cpuVersusWasm(() =>
        tf.fused.matMul({
          a: tf.tensor(a, aShape),
          b: tf.tensor(b, bShape),
          transposeA,
          transposeB,
          bias: bias ? tf.tensor1d(bias) : undefined,
          activation,
          leakyreluAlpha: 0.2,
        }),
      );
      if (!(error <= 1e-5)) failures.push({ trial, m, k, n, transposeA, transposeB, lead, bias: !!bias, activation, error });
    }
    expect(failures).toEqual([]);
  });

  it('keeps the stock kernel, equal to the cpu backend, for prelu', async () => {
    const random = seededRandom(62);
    const a = randomValues(random, 5 * 7);
    const b = randomValues(random, 7 * 3);
    const alpha = randomValues(random, 3);
    const error = await cpuVersusWasm(() =>
      tf.fused.matMul({
        a: tf.tensor2d(a, [5, 7]),
        b: tf.tensor2d(b, [7, 3]),
        activation: 'prelu',
        preluActivationWeights: tf.tensor1d(alpha),
      }),
    );
    expect(error).toBeLessThanOrEqual(1e-5);
  });

  it('leaves no tensors or buffers behind', () => {
    const x = tf.randomNormal([8, 30]);
    const w = tf.randomNormal([30, 20]);
    const bias = tf.randomNormal([20]);
    const before = [tf.memory().numTensors, tf.memory().numDataBuffers];
    tf.fused.matMul({ a: x, b: w, bias, activation: 'relu' }).dispose();
    expect([tf.memory().numTensors, tf.memory().numDataBuffers]).toEqual(before);
    tf.dispose([x, w, bias]);
  });
});
