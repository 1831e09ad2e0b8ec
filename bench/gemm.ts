/**
 * GEMM microbenchmark: bigmodel's relaxed-SIMD GEMM (native/gemm.c, on the backend's threads) against
 * the stock XNNPACK fully connected operator, in the same process, back to back, on the matrix
 * products of the benchmark's networks (the DCGAN's convolution gradients as im2col GEMMs, dense
 * layers and their weight gradients, whose `x^T` XNNPACK needs copied) and a square one. Both go through tf.matMul on bigmodel's wasm
 * backend; `BIGMODEL_WASM_GEMM=xnnpack` switches a call to XNNPACK. Rounds alternate between the
 * two so that a machine whose load changes affects both alike. Not a test: nothing is asserted.
 *
 *   npm run bench:gemm                              # threads as initBackend picks them
 *   BIGMODEL_WASM_THREADS=1 npm run bench:gemm      # one thread
 */
import * as tf from '@tensorflow/tfjs';
import { formatBackendInfo, initBackend, runMain } from '@bigmodel/core';

import { benchProgram, exampleMain } from '../examples/cli';

/** [m, k, n], where the product comes from, and whether tf.matMul gets `a` transposed ([k, m]). */
const SHAPES: [number, number, number, string, boolean?][] = [
  [3136, 128, 1024, 'DCGAN Conv2DBackpropInput 7x7x128 -> 14x14x64'],
  [1024, 3136, 128, 'DCGAN Conv2DBackpropFilter 14x14x64 -> 7x7x128'],
  [3136, 1024, 128, 'DCGAN conv 14x14x64 -> 7x7x128 as im2col'],
  [12544, 64, 16, 'DCGAN Conv2DBackpropInput 14x14x64 -> 28x28x1'],
  [16, 12544, 64, 'DCGAN Conv2DBackpropFilter 28x28x1 -> 14x14x64'],
  [64, 1600, 128, 'CNN dense 1600 -> 128'],
  [1600, 64, 128, 'CNN dense gradient x^T dy', true],
  [64, 128, 10, 'CNN dense 128 -> 10'],
  [64, 6272, 1, 'DCGAN discriminator dense 6272 -> 1'],
  [6272, 64, 1, 'DCGAN dense gradient x^T dy', true],
  [64, 100, 6272, 'DCGAN generator dense 100 -> 6272'],
  [1024, 1024, 1024, 'square'],
];
const ROUNDS = 7;

/** Milliseconds per product: calls `run` for at least `budgetMs` and divides. */
function msPer(run: () => void, budgetMs: number): number {
  const start = performance.now();
  let calls = 0;
  do {
    run();
    calls++;
  } while (performance.now() - start < budgetMs);
  return (performance.now() - start) / calls;
}

function median(values: number[]): number {
  const sorted = [...values].sort((x, y) => x - y);
  return sorted[sorted.length >> 1];
}

async function bench() {
  const info = await initBackend({ backend: 'wasm' });
  console.log(`backend: ${formatBackendInfo(info)}; GFLOP/s, median of ${ROUNDS} alternating rounds`);
  console.log(`${'m x k x n'.padEnd(18)}${'ours'.padStart(8)}${'XNNPACK'.padStart(9)}${'ratio'.padStart(7)}  product`);
  const ratios: number[] = [];
  for (const [m, k, n, what, transposeA = false] of SHAPES) {
    const a = tf.randomUniform(transposeA ? [k, m] : [m, k], -1, 1);
    const b = tf.randomUniform([k, n], -1, 1);
    const product = () => tf.matMul(a, b, transposeA).dispose();
    const times = { ours: [] as number[], xnnpack: [] as number[] };
    for (let round = 0; round < ROUNDS + 1; round++) {
      for (const which of ['ours', 'xnnpack'] as const) {
        if (which === 'xnnpack') process.env['BIGMODEL_WASM_GEMM'] = 'xnnpack';
        else delete process.env['BIGMODEL_WASM_GEMM'];
        const ms = msPer(product, 150);
        if (round > 0) times[which].push(ms); // round 0 warms up
      }
    }
    delete process.env['BIGMODEL_WASM_GEMM'];
    tf.dispose([a, b]);
    const gflops = (ms: number) => (2 * m * n * k) / ms / 1e6;
    const ours = gflops(median(times.ours));
    const xnnpack = gflops(median(times.xnnpack));
    ratios.push(ours / xnnpack);
    console.log(
      `${`${m}x${k}x${n}`.padEnd(18)}${ours.toFixed(1).padStart(8)}${xnnpack.toFixed(1).padStart(9)}${(ours / xnnpack).toFixed(2).padStart(7)}  ${what}`,
    );
  }
  const geomean = Math.exp(ratios.reduce((sum, r) => sum + Math.log(r), 0) / ratios.length);
  console.log(`geometric mean ratio ours / XNNPACK: ${geomean.toFixed(2)}`);
}

export const main = exampleMain(
  () => benchProgram('gemm.ts', "bigmodel's relaxed-SIMD GEMM against XNNPACK on the benchmark networks' matrix products."),
  bench,
);

if (require.main === module) runMain(main);
