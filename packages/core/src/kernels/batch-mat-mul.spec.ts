import * as tf from '@tensorflow/tfjs';

import { cpuVersusWasm, randomInt, randomValues, seededRandom, useWasm } from '../testing/backend-comparison';

beforeAll(useWasm);

describe('BatchMatMul on wasm', () => {
  it('equals the cpu backend for every transpose combination, rank 2 and rank 3, batched and not, on our GEMM and on XNNPACK', async () => {
    const random = seededRandom(51);
    const failures: object[] = [];
    for (const gemm of ['bigmodel', 'xnnpack']) {
      if (gemm === 'xnnpack') process.env['BIGMODEL_WASM_GEMM'] = 'xnnpack';
      for (const batch of [0, 1, 3]) {
        for (const transposeA of [false, true]) {
          for (const transposeB of [false, true]) {
            const [m, k, n] = [randomInt(random, 1, 70), randomInt(random, 1, 70), randomInt(random, 1, 70)];
            const lead = batch === 0 ? [] : [batch];
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
            const error = await cpuVersusWasm(() => tf.matMul(tf.tensor(a, aShape), tf.tensor(b, bShape), transposeA, transposeB));
            if (!(error <= 1e-5)) failures.push({ gemm, batch, transposeA, transposeB, m, k, n, error });
          }
        }
      }
    }
    delete process.env['BIGMODEL_WASM_GEMM'];
    expect(failures).toEqual([]);
  });

  it('equals the cpu backend for one, two and three output columns (a single column as a matrix-vector product or a one-row GEMM; two or three on XNNPACK)', async () => {
    const random = seededRandom(52);
    const failures: object[] = [];
    for (const n of [1, 2, 3]) {
      for (const [m, k] of [
        [1, 5],
        [37, 1],
        [64, 300],
        [5, 6272],
      ]) {
        for (const transposeA of [false, true]) {
          for (const transposeB of [false, true]) {
            const aShape = transposeA ? [k, m] : [m, k];
            const bShape = transposeB ? [n, k] : [k, n];
            const a = randomValues(random, m * k);
            const b = randomValues(random, k * n);
            const error = await cpuVersusWasm(() => tf.matMul(tf.tensor(a, aShape), tf.tensor(b, bShape), transposeA, transposeB));
            if (!(error <= 1e-5)) failures.push({ m, k, n, transposeA, transposeB, error });
          }
        }
      }
    }
    expect(failures).toEqual([]);
  });

  it('computes a hand-worked transposed product', () => {
    const a = tf.tensor2d([1, 2, 3, 4, 5, 6], [3, 2]); // a^T = [[1, 3, 5], [2, 4, 6]]
    const b = tf.tensor2d([1, 0, 1, 2, 1, 0], [2, 3]); // b^T = [[1, 2], [0, 1], [1, 0]]
    expect(Array.from(tf.matMul(a, b, true, true).dataSync())).toEqual([6, 5, 8, 8]);
    tf.dispose([a, b]);
  });
});
