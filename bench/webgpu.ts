/**
 * webgpu against wasm on this machine, in one process: prints the adapter, then a 512x512 matrix
 * product and one reference-CNN train step (batch 64, core Adam) on each backend, and the ratios.
 * webgpu is forced (a software adapter such as llvmpipe is accepted, and named in the output).
 * Not a test: nothing is asserted. Read the numbers with the machine's load (`uptime`).
 *
 *   npm run build && npx ts-node -T bench/webgpu.ts [--steps 3] [--matmuls 10]
 */
import * as tf from '@tensorflow/tfjs';

import { cnnStep, type AdamFactory } from './networks';

function arg(flag: string, fallback: number): number {
  const at = process.argv.indexOf(flag);
  return at >= 0 ? Number(process.argv[at + 1]) : fallback;
}

/** Median ms of `repeats` 512x512 products, each read back asynchronously (after 2 untimed ones). */
async function matmulMs(repeats: number): Promise<number> {
  const a = tf.randomNormal([512, 512]);
  const b = tf.randomNormal([512, 512]);
  const times: number[] = [];
  for (let i = 0; i < repeats + 2; i++) {
    const start = performance.now();
    const c = tf.matMul(a, b);
    await c.data();
    c.dispose();
    if (i >= 2) times.push(performance.now() - start);
  }
  tf.dispose([a, b]);
  return times.sort((x, y) => x - y)[Math.floor(times.length / 2)];
}

/** Mean ms of `steps` reference-CNN steps after 2 untimed ones (the first compiles webgpu's shaders). */
async function cnnMs(adam: AdamFactory, steps: number): Promise<number> {
  const bench = cnnStep(adam);
  try {
    for (let i = 0; i < 2; i++) await bench.stepAsync();
    const start = performance.now();
    for (let i = 0; i < steps; i++) await bench.stepAsync();
    return (performance.now() - start) / steps;
  } finally {
    bench.dispose();
  }
}

async function main() {
  tf.env().set('PROD', true);
  const steps = arg('--steps', 3);
  const matmuls = arg('--matmuls', 10);
  const { initBackend, formatBackendInfo, Adam } = await import('@bigmodel/core');
  const adam: AdamFactory = (learningRate, beta1) => new Adam({ learningRate, beta1 });
  const rows: Record<string, { matmul: number; cnn: number }> = {};
  for (const backend of ['webgpu', 'wasm'] as const) {
    const info = await initBackend({ backend });
    const label = formatBackendInfo(info);
    console.error(`${label}: matmul...`);
    const matmul = await matmulMs(matmuls);
    console.error(`${label}: reference CNN...`);
    rows[label] = { matmul, cnn: await cnnMs(adam, steps) };
  }
  for (const [label, { matmul, cnn }] of Object.entries(rows)) {
    const gflops = (2 * 512 ** 3) / matmul / 1e6;
    console.log(
      `${label}: matmul 512x512 ${matmul.toFixed(1)} ms (${gflops.toFixed(2)} GFLOP/s); ` +
        `reference CNN step (batch 64) ${cnn.toFixed(0)} ms`,
    );
  }
  const [gpu, wasm] = Object.values(rows);
  console.log(`webgpu / wasm: matmul ${(gpu.matmul / wasm.matmul).toFixed(2)}, CNN step ${(gpu.cnn / wasm.cnn).toFixed(2)}`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
