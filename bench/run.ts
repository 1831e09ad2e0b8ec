/**
 * The training-step benchmark: the reference CNN (batch 64, Adam), a 28x28 DCGAN step (batch 64, the
 * networks of @bigmodel/gan at ngf = ndf = 64) and a CIFAR-shaped ResNet-14 step (batch 64 of 32x32x3,
 * synthetic data: a workload big enough for a GPU)
 * on bigmodel's default backend, alternating in blocks of steps with its matrix products on XNNPACK
 * (BIGMODEL_WASM_GEMM=xnnpack, what ran before bigmodel's own GEMM); on raw tfjs wasm, with none of
 * bigmodel's kernels and with only the training kernels it lacks (on XNNPACK GEMMs); and in PyTorch
 * (Debian python3-torch, as many threads as ours) when it is installed; and on the webgpu backend
 * (tfjs-backend-webgpu on Dawn, in a child process with BIGMODEL_BACKEND=webgpu) when it loads. bigmodel's rows train with
 * core's Adam and build the DCGAN with core's lazyGradConv2d and lazyGradDense; the raw tfjs rows
 * keep tf.train.adam, tf.layers.conv2d and tf.layers.dense (each row names them).
 * Prints ms/step, samples/s and the ratio ours / PyTorch, and writes the numbers to
 * runs/bench-<time>.json. Not a test: nothing is asserted.
 *
 * How ours and its XNNPACK mode are timed (see timeAlternating): one network, one process; each mode
 * warms up (--warmup steps), then rounds alternate the modes, each mode getting one untimed step after
 * the switch and --block timed steps (default 3; 5 for the CNN), until --steps (--dcgan-steps) timed
 * steps per mode are reached, rounded up to whole blocks. The machine has two cores that other
 * work may share: read the numbers together with the load (`uptime`) at the time of the run.
 *
 *   npm run bench                     # everything
 *   npm run bench -- --steps 10 --which cnn
 *   npm run bench -- --which dcgan --dcgan-steps 12 --block 4
 *   npm run bench -- --which resnet --resnet-steps 6
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import * as tf from '@tensorflow/tfjs';

import { cnnStep, dcganStep, resnetStep, type AdamFactory, type DcganLayers } from './networks';

type Which = 'cnn' | 'dcgan' | 'resnet';
interface Timing {
  msPerStep: number;
  samplesPerSec: number;
}
interface Result {
  backend: string;
  cnn?: Timing | { error: string };
  dcgan?: Timing | { error: string };
  resnet?: Timing | { error: string } | { skipped: string };
}

function parseArgs(argv: string[]) {
  const get = (flag: string, fallback: string) => {
    const at = argv.indexOf(flag);
    return at >= 0 && at + 1 < argv.length ? argv[at + 1] : fallback;
  };
  const which = get('--which', 'all');
  if (!['all', 'cnn', 'dcgan', 'resnet'].includes(which)) throw new Error(`--which must be all, cnn, dcgan or resnet, got ${which}`);
  const steps = Number(get('--steps', '20'));
  const dcganSteps = Number(get('--dcgan-steps', String(Math.max(3, Math.round(steps / 3)))));
  return {
    raw: argv.includes('--raw'),
    webgpu: argv.includes('--webgpu'),
    missingOnly: argv.includes('--missing-only'),
    steps,
    dcganSteps,
    resnetSteps: Number(get('--resnet-steps', String(Math.max(3, Math.round(steps / 6))))),
    warmup: Number(get('--warmup', '3')),
    block: Math.max(1, Number(get('--block', '3'))),
    which: (which === 'all' ? ['cnn', 'dcgan', 'resnet'] : [which]) as Which[],
  };
}

/** Warms up, then times `steps` steps of a freshly built network. */
function time(make: () => { step: () => number; dispose: () => void }, warmup: number, steps: number): Timing | { error: string } {
  let bench: ReturnType<typeof make> | undefined;
  try {
    bench = make();
    for (let i = 0; i < warmup; i++) bench.step();
    const start = performance.now();
    for (let i = 0; i < steps; i++) {
      bench.step();
      process.stderr.write(`\r  step ${i + 1}/${steps}`);
    }
    process.stderr.write('\n');
    const msPerStep = (performance.now() - start) / steps;
    return { msPerStep, samplesPerSec: (64 * 1000) / msPerStep };
  } catch (error) {
    return { error: (error as Error).message.split('\n')[0] };
  } finally {
    bench?.dispose();
  }
}

/**
 * Times one network with bigmodel's GEMM and with XNNPACK products (BIGMODEL_WASM_GEMM=xnnpack) in
 * one process, so that both see the same machine load. Returns [own GEMM, XNNPACK].
 *
 * The modes alternate in blocks, not step by step: each mode first warms up on its own, then every
 * round gives each mode one untimed settling step after the switch and `block` timed steps, so that
 * a mode is timed in its steady state, as in training, where one mode runs step after step (its
 * packing scratch, heap layout and caches are its own, not the other mode's). Rounds still
 * interleave the modes, so that a load that comes and goes during the run falls on both. (Measured
 * 2026-11-29: the step-by-step alternation itself did not cost ours a measurable amount, 240-258
 * ms/step alternated against 261-289 alone in one process, and 8 steps of ours right after 3 XNNPACK
 * steps averaged 225 ms against 244 before them; the spread between runs, 257-300 ms/step, came from
 * the load of other work and from only 2 warm-up steps.)
 */
function timeAlternating(
  make: () => { step: () => number; dispose: () => void },
  warmup: number,
  steps: number,
  block: number,
): (Timing | { error: string })[] {
  let bench: ReturnType<typeof make> | undefined;
  const modes = [undefined, 'xnnpack'];
  const use = (mode: string | undefined) => {
    if (mode) process.env['BIGMODEL_WASM_GEMM'] = mode;
    else delete process.env['BIGMODEL_WASM_GEMM'];
  };
  try {
    bench = make();
    for (const mode of modes) {
      use(mode);
      for (let i = 0; i < warmup; i++) bench.step();
    }
    const elapsed = [0, 0];
    const timed = [0, 0];
    const rounds = Math.ceil(steps / block);
    for (let round = 0; round < rounds; round++) {
      modes.forEach((mode, m) => {
        use(mode);
        bench!.step(); // settles after the switch, untimed
        for (let i = 0; i < block; i++) {
          const start = performance.now();
          bench!.step();
          elapsed[m] += performance.now() - start;
          timed[m]++;
        }
      });
      process.stderr.write(`\r  round ${round + 1}/${rounds} (${block} timed steps per mode)`);
    }
    process.stderr.write('\n');
    return elapsed.map((ms, m) => ({ msPerStep: ms / timed[m], samplesPerSec: (64 * 1000 * timed[m]) / ms }));
  } catch (error) {
    return modes.map(() => ({ error: (error as Error).message.split('\n')[0] }));
  } finally {
    use(undefined);
    bench?.dispose();
  }
}

/** As {@link time}, for a step that reads its loss asynchronously (webgpu cannot read synchronously in Node). */
async function timeAsync(
  make: () => { stepAsync: () => Promise<number>; dispose: () => void },
  warmup: number,
  steps: number,
): Promise<Timing | { error: string }> {
  let bench: ReturnType<typeof make> | undefined;
  try {
    bench = make();
    for (let i = 0; i < warmup; i++) await bench.stepAsync();
    const start = performance.now();
    for (let i = 0; i < steps; i++) {
      await bench.stepAsync();
      process.stderr.write(`\r  step ${i + 1}/${steps}`);
    }
    process.stderr.write('\n');
    const msPerStep = (performance.now() - start) / steps;
    return { msPerStep, samplesPerSec: (64 * 1000) / msPerStep };
  } catch (error) {
    return { error: (error as Error).message.split('\n')[0] };
  } finally {
    bench?.dispose();
  }
}

/** Runs this script again with --webgpu and BIGMODEL_BACKEND=webgpu; the backend's error when it does not load. */
function runWebGpu(argv: string[]): Result | { error: string } {
  const child = spawnSync(process.execPath, [...process.execArgv, __filename, ...argv, '--webgpu'], {
    encoding: 'utf8',
    env: { ...process.env, BIGMODEL_BACKEND: 'webgpu' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const line = child.stdout.trim().split('\n').pop() ?? '';
  try {
    return JSON.parse(line) as Result | { error: string };
  } catch {
    return { error: `webgpu run failed (exit ${child.status})` };
  }
}

async function measure(args: ReturnType<typeof parseArgs>, backend: string): Promise<Result> {
  const result: Result = { backend };
  if (args.which.includes('cnn')) result.cnn = time(cnnStep, args.warmup, args.steps);
  if (args.which.includes('dcgan')) result.dcgan = time(dcganStep, Math.min(args.warmup, 2), args.dcganSteps);
  if (args.which.includes('resnet')) result.resnet = time(resnetStep, Math.min(args.warmup, 2), args.resnetSteps);
  return result;
}

/** Runs this script again with --raw: stock tfjs wasm in a clean process (no bigmodel kernels, or only the missing ones). */
function runRaw(argv: string[], missingOnly = false): Result | { error: string } {
  const child = spawnSync(
    process.execPath,
    [...process.execArgv, __filename, ...argv, '--raw', ...(missingOnly ? ['--missing-only'] : [])],
    {
      encoding: 'utf8',
      env: { ...process.env, BIGMODEL_WASM_GEMM: 'xnnpack' },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const line = child.stdout.trim().split('\n').pop() ?? '';
  try {
    return JSON.parse(line) as Result;
  } catch {
    return { error: `raw wasm run failed (exit ${child.status})` };
  }
}

function runPytorch(args: ReturnType<typeof parseArgs>, threads: number): Record<string, unknown> {
  const script = join(__dirname, 'pytorch_reference.py');
  const which = args.which.length === 3 ? 'all' : args.which[0];
  const child = spawnSync(
    '/usr/bin/python3',
    [
      script,
      '--steps',
      String(args.steps),
      '--dcgan-steps',
      String(args.dcganSteps),
      '--resnet-steps',
      String(args.resnetSteps),
      '--warmup',
      String(args.warmup),
      '--threads',
      String(threads),
      '--which',
      which,
    ],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] },
  );
  if (child.error) return { error: `/usr/bin/python3 not runnable: ${child.error.message}` };
  try {
    return JSON.parse(child.stdout.trim().split('\n').pop() ?? '') as Record<string, unknown>;
  } catch {
    return { error: `PyTorch run failed (exit ${child.status}); install it with apt-get install python3-torch` };
  }
}

function cell(t: Timing | { error: string } | { skipped: string } | undefined): string {
  if (!t) return '-';
  if ('skipped' in t) return t.skipped;
  if ('error' in t) return `cannot train: ${t.error}`;
  return `${t.msPerStep.toFixed(1)} ms/step, ${t.samplesPerSec.toFixed(0)} samples/s`;
}

async function main() {
  const argv = process.argv.slice(2);
  const args = parseArgs(argv);
  tf.env().set('PROD', true);

  if (args.webgpu) {
    // Child process: forced by BIGMODEL_BACKEND=webgpu (a software adapter such as llvmpipe is accepted and named).
    const { initBackend, formatBackendInfo, Adam, lazyGradConv2d, lazyGradDense } = await import('@bigmodel/core');
    let info: Awaited<ReturnType<typeof initBackend>>;
    try {
      info = await initBackend();
    } catch (error) {
      console.log(JSON.stringify({ error: (error as Error).message.split('\n')[0] }));
      return;
    }
    const software = info.adapter?.software ?? false;
    const coreAdam: AdamFactory = (learningRate, beta1) => new Adam({ learningRate, beta1 });
    const coreLayers: DcganLayers = { conv2d: (a) => lazyGradConv2d(a), dense: (a) => lazyGradDense(a) };
    const result: Result = { backend: `bigmodel ${formatBackendInfo(info)}, core Adam` };
    if (args.which.includes('cnn')) result.cnn = await timeAsync(() => cnnStep(coreAdam), args.warmup, args.steps);
    if (args.which.includes('dcgan')) {
      result.dcgan = await timeAsync(() => dcganStep(coreAdam, coreLayers), Math.min(args.warmup, 2), args.dcganSteps);
    }
    if (args.which.includes('resnet')) {
      // On a software adapter (llvmpipe in CI) one ResNet step takes minutes: timed only when asked for.
      result.resnet =
        software && !argv.includes('--software-resnet')
          ? { skipped: 'skipped on a software adapter (--software-resnet times it)' }
          : await timeAsync(() => resnetStep(coreAdam), Math.min(args.warmup, 2), args.resnetSteps);
    }
    console.log(JSON.stringify(result));
    return;
  }

  if (args.raw) {
    require('@tensorflow/tfjs-backend-wasm');
    await tf.setBackend('wasm');
    let label = 'raw tfjs wasm 4.22 (no bigmodel kernels)';
    if (args.missingOnly) {
      // Stock tfjs wasm, one thread, with only the training kernels it lacks added.
      const { registerWasmKernels } = await import('@bigmodel/core');
      registerWasmKernels({ replace: false });
      label = 'tfjs wasm 4.22 + only the missing kernels (1 thread)';
    }
    console.log(JSON.stringify(await measure(args, label)));
    return;
  }

  const { initBackend, formatBackendInfo, Adam, lazyGradConv2d, lazyGradDense } = await import('@bigmodel/core');
  const info = await initBackend();
  // bigmodel's rows train with core's Adam (PyTorch's formula; one fused kernel per variable on
  // wasm), what bigmodel's users run; the raw tfjs rows keep tf.train.adam, PyTorch torch.optim.Adam.
  const coreAdam: AdamFactory = (learningRate, beta1) => new Adam({ learningRate, beta1 });
  // bigmodel's rows build the DCGAN's discriminator convolutions and dense layers with core's
  // lazyGradConv2d and lazyGradDense (their gradients run only the products needed); the raw tfjs
  // rows keep tf.layers.conv2d and tf.layers.dense.
  const coreLayers: DcganLayers = { conv2d: (args) => lazyGradConv2d(args), dense: (args) => lazyGradDense(args) };
  console.log(`bigmodel backend: ${formatBackendInfo(info)}`);
  // Ours, and ours with the matrix products on XNNPACK (what bigmodel ran before its own GEMM),
  // step by step in turn on the same network.
  console.error(`ours, alternating in blocks of ${args.block} timed steps with XNNPACK products (BIGMODEL_WASM_GEMM=xnnpack):`);
  const ours: Result = { backend: `bigmodel ${formatBackendInfo(info)}, core Adam` };
  const oursXnnpack: Result = { backend: `bigmodel ${formatBackendInfo(info)}, XNNPACK GEMMs, core Adam` };
  if (args.which.includes('cnn'))
    [ours.cnn, oursXnnpack.cnn] = timeAlternating(() => cnnStep(coreAdam), args.warmup, args.steps, Math.max(args.block, 5));
  if (args.which.includes('dcgan'))
    [ours.dcgan, oursXnnpack.dcgan] = timeAlternating(() => dcganStep(coreAdam, coreLayers), args.warmup, args.dcganSteps, args.block);
  if (args.which.includes('resnet'))
    [ours.resnet, oursXnnpack.resnet] = timeAlternating(() => resnetStep(coreAdam), Math.min(args.warmup, 2), args.resnetSteps, args.block);
  console.error('raw tfjs wasm:');
  const raw = runRaw(argv);
  console.error('tfjs wasm with only the missing kernels:');
  const missingOnly = runRaw(argv, true);
  console.error('webgpu (BIGMODEL_BACKEND=webgpu):');
  const webgpu = runWebGpu(argv);
  if ('error' in webgpu) console.error(`  no webgpu row: ${webgpu.error}`);
  console.error('PyTorch:');
  // PyTorch gets as many threads as our backend uses, so the ratio compares like with like.
  const torch = runPytorch(args, Math.max(1, info.threads));

  const rows: [string, string, string][] = [];
  const ratios: Record<string, number> = {};
  for (const which of args.which) {
    const torchTiming = (torch as Record<string, Timing | undefined>)[which];
    // The DCGAN rows also name their convolution and dense layers.
    const oursConv = which === 'dcgan' ? ', core lazyGradConv2d/lazyGradDense' : '';
    const tfjsConv = which === 'dcgan' ? ', tf.layers.conv2d/dense' : '';
    rows.push([which, `${ours.backend}${oursConv}`, cell(ours[which])]);
    rows.push([which, `${oursXnnpack.backend}${oursConv}`, cell(oursXnnpack[which])]);
    rows.push([which, `raw tfjs wasm 4.22 (no bigmodel kernels), tf.train.adam${tfjsConv}`, 'error' in raw ? raw.error : cell(raw[which])]);
    rows.push([
      which,
      `tfjs wasm + only the missing kernels (1 thread), tf.train.adam${tfjsConv}`,
      'error' in missingOnly ? missingOnly.error : cell(missingOnly[which]),
    ]);
    if (!('error' in webgpu)) rows.push([which, `${webgpu.backend}${oursConv}`, cell(webgpu[which])]);
    rows.push([
      which,
      `PyTorch ${String(torch['torch'] ?? '')} (${String(torch['threads'] ?? '?')} threads), torch.optim.Adam`,
      torchTiming ? cell(torchTiming) : String(torch['error'] ?? '-'),
    ]);
    const timed = (t: Result[Which] | undefined) => (t && 'msPerStep' in t ? t : undefined);
    const mine = timed(ours[which]);
    if (mine && torchTiming) ratios[which] = mine.msPerStep / torchTiming.msPerStep;
    const before = timed(oursXnnpack[which]);
    if (mine && before) ratios[`${which} (own GEMM / XNNPACK)`] = mine.msPerStep / before.msPerStep;
    const gpu = 'error' in webgpu ? undefined : timed(webgpu[which]);
    if (mine && gpu) ratios[`${which} (webgpu / ours)`] = gpu.msPerStep / mine.msPerStep;
  }
  const width = Math.max(...rows.map((r) => r[1].length));
  console.log('');
  for (const [which, who, what] of rows) console.log(`${which.padEnd(6)} ${who.padEnd(width)}  ${what}`);
  for (const [which, ratio] of Object.entries(ratios)) {
    console.log(which.includes('(') ? `${which}: ${ratio.toFixed(2)}` : `${which}: ours / PyTorch = ${ratio.toFixed(2)}`);
  }
  const dcganTiming = ours.dcgan;
  if (dcganTiming && !('error' in dcganTiming)) {
    const gflop = Number((torch['dcgan'] as { gflopPerStep?: number } | undefined)?.gflopPerStep ?? 10.4);
    console.log(`dcgan: ${(gflop / (dcganTiming.msPerStep / 1000)).toFixed(1)} GFLOP/s effective (${gflop.toFixed(1)} GFLOP per step)`);
  }
  const resnetTiming = ours.resnet;
  const resnetGflop = (torch['resnet'] as { gflopPerStep?: number } | undefined)?.gflopPerStep;
  if (resnetTiming && 'msPerStep' in resnetTiming && resnetGflop !== undefined) {
    console.log(
      `resnet: ${(resnetGflop / (resnetTiming.msPerStep / 1000)).toFixed(1)} GFLOP/s effective (${resnetGflop.toFixed(2)} GFLOP per step)`,
    );
  }

  const dir = join(process.cwd(), 'runs');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `bench-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, JSON.stringify({ backend: info, ours, oursXnnpack, raw, missingOnly, webgpu, torch, ratios, args }, null, 2));
  console.log(`\nwrote ${file}`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
