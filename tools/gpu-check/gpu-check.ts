/**
 * The real-GPU check (issue 20): on a machine with a GPU, prints the WebGPU adapter, runs core's
 * webgpu correctness checks (every kernel case forward and backward, Adam, short reference-CNN and
 * DCGAN trainings, each against the cpu backend within the stated tolerance), then times the
 * reference CNN step, the DCGAN step and the ResNet-14 step on webgpu and on wasm in this one
 * process and prints the ratios. Exits 1 if a check fails, 2 on a usage error or when the only
 * adapter is software and --allow-software is not given.
 *
 * Built and packed by tools/gpu-check/stage.sh, run by tools/gpu-check/run.sh (which brings its own
 * Node and Vulkan loader); see docs/backends.md, "Checking a real GPU".
 *
 *   run.sh [--allow-software] [--steps 5] [--warmup 2] [--networks cnn,dcgan,resnet] [--skip-checks] [--skip-timing]
 *   node gpu-check.js --load-only --list-modules FILE   (stage.sh: which files a run loads)
 */
import { writeFileSync } from 'node:fs';

import * as tf from '@tensorflow/tfjs';

import { Adam, formatBackendInfo, initBackend, lazyGradConv2d, lazyGradDense, type BackendName } from '../../packages/core/src';
import { CASES, RTOL, adamSteps, runOn, scaledError, trainDcgan, trainReferenceCnn } from '../../packages/core/src/testing/webgpu-checks';
import { cnnStep, dcganStep, resnetStep, type AdamFactory, type DcganLayers } from '../../bench/networks';

interface Options {
  allowSoftware: boolean;
  steps: number;
  warmup: number;
  skipChecks: boolean;
  skipTiming: boolean;
  loadOnly: boolean;
  listModules?: string;
  networks: string[];
}

function parseOptions(argv: string[]): Options {
  const known = [
    '--allow-software',
    '--steps',
    '--warmup',
    '--skip-checks',
    '--skip-timing',
    '--load-only',
    '--list-modules',
    '--networks',
  ];
  const value = (flag: string) => {
    const at = argv.indexOf(flag);
    return at >= 0 ? argv[at + 1] : undefined;
  };
  for (let i = 0; i < argv.length; i++) {
    if (!known.includes(argv[i])) usage(`unknown argument ${argv[i]}`);
    if (['--steps', '--warmup', '--list-modules', '--networks'].includes(argv[i])) i++;
  }
  const count = (flag: string, fallback: number, min: number) => {
    const text = value(flag);
    const n = text === undefined ? fallback : Number(text);
    if (!Number.isInteger(n) || n < min) usage(`${flag} must be an integer >= ${min}, got ${text}`);
    return n;
  };
  return {
    allowSoftware: argv.includes('--allow-software'),
    steps: count('--steps', 5, 1),
    warmup: count('--warmup', 2, 0),
    skipChecks: argv.includes('--skip-checks'),
    skipTiming: argv.includes('--skip-timing'),
    loadOnly: argv.includes('--load-only'),
    listModules: value('--list-modules'),
    networks: networkList(value('--networks') ?? 'cnn,dcgan,resnet'),
  };
}

function networkList(text: string): string[] {
  const names = text.split(',');
  const bad = names.find((name) => !['cnn', 'dcgan', 'resnet'].includes(name));
  if (bad !== undefined) usage(`--networks takes a comma-separated list of cnn, dcgan, resnet; got ${bad}`);
  return names;
}

function usage(message: string): never {
  console.error(`gpu-check: ${message}`);
  console.error('usage: run.sh [--allow-software] [--steps N] [--warmup N] [--networks cnn,dcgan,resnet] [--skip-checks] [--skip-timing]');
  process.exit(2);
}

// ---- correctness: the webgpu results against the cpu backend's

async function correctness(): Promise<number> {
  let failures = 0;
  const report = (name: string, error: number) => {
    const ok = error <= RTOL;
    if (!ok) failures++;
    console.log(`  ${ok ? 'ok  ' : 'FAIL'} ${name}: scaled error ${error.toExponential(2)} (tolerance ${RTOL})`);
  };
  const worst = (gpu: ArrayLike<number>[], cpu: ArrayLike<number>[]) =>
    cpu.length === gpu.length ? Math.max(0, ...cpu.map((c, i) => scaledError(gpu[i], c))) : Infinity;
  for (const kernelCase of CASES) {
    const withGradient = !kernelCase.noGradient;
    report(
      `${kernelCase.name}${withGradient ? ' (forward and gradients)' : ''}`,
      worst(await runOn('webgpu', kernelCase, withGradient), await runOn('cpu', kernelCase, withGradient)),
    );
  }
  for (const [name, config] of [
    ['core Adam, 5 steps', { lr: 0.01 }],
    ['core Adam, weight decay, beta1 0.5, AMSGrad, 8 steps', { lr: 0.02, beta1: 0.5, weightDecay: 0.01, amsgrad: true }],
  ] as const) {
    const steps = name.includes('8 steps') ? 8 : 5;
    report(name, worst(await adamSteps('webgpu', config, steps), await adamSteps('cpu', config, steps)));
  }
  const cnnCpu = await trainReferenceCnn('cpu', 2, 2);
  const cnnGpu = await trainReferenceCnn('webgpu', 2, 2);
  report('reference CNN, 2 training steps (losses)', scaledError(cnnGpu.losses, cnnCpu.losses));
  const ganCpu = await trainDcgan('cpu', 3, 4);
  const ganGpu = await trainDcgan('webgpu', 3, 4);
  report('DCGAN pair, 3 training steps (losses)', scaledError(ganGpu.losses.flat(), ganCpu.losses.flat()));
  return failures;
}

// ---- timing: each network on webgpu, then on wasm, in this process

interface Bench {
  stepAsync: () => Promise<number>;
  dispose: () => void;
}

async function msPerStep(make: () => Bench, warmup: number, steps: number): Promise<number> {
  const bench = make();
  try {
    for (let i = 0; i < warmup; i++) await bench.stepAsync();
    const start = performance.now();
    for (let i = 0; i < steps; i++) await bench.stepAsync(); // each step ends with its loss read back
    return (performance.now() - start) / steps;
  } finally {
    bench.dispose();
  }
}

async function timing(options: Options): Promise<void> {
  const coreAdam: AdamFactory = (lr, beta1) => new Adam({ lr, beta1 });
  const coreLayers: DcganLayers = { conv2d: (args) => lazyGradConv2d(args), dense: (args) => lazyGradDense(args) };
  const networks = (
    [
      ['cnn', 'reference CNN (batch 64, 28x28x1)', () => cnnStep(coreAdam)],
      ['dcgan', 'DCGAN ngf = ndf = 64 (batch 64, 28x28x1)', () => dcganStep(coreAdam, coreLayers)],
      ['resnet', 'ResNet-14 (batch 64, 32x32x3)', () => resnetStep(coreAdam)],
    ] as const
  ).filter(([key]) => options.networks.includes(key));
  const results: Record<string, Record<string, number>> = {};
  for (const backend of ['webgpu', 'wasm']) {
    const info = await initBackend({ backend: backend as BackendName });
    console.log(`\ntiming on ${formatBackendInfo(info)} (${options.warmup} warm-up, ${options.steps} timed steps each):`);
    for (const warning of info.warnings) console.log(`  warning: ${warning}`);
    for (const [, name, make] of networks) {
      const ms = await msPerStep(make, options.warmup, options.steps);
      (results[name] ??= {})[backend] = ms;
      console.log(`  ${name}: ${ms.toFixed(1)} ms/step`);
    }
  }
  console.log('\nwebgpu against wasm on this machine (ratio < 1: webgpu is faster):');
  for (const [name, { webgpu, wasm }] of Object.entries(results)) {
    console.log(`  ${name}: webgpu ${webgpu.toFixed(1)} ms, wasm ${wasm.toFixed(1)} ms, webgpu / wasm = ${(webgpu / wasm).toFixed(3)}`);
  }
  console.log(`\n${JSON.stringify({ steps: options.steps, warmup: options.warmup, msPerStep: results })}`);
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  tf.env().set('PROD', true);
  const info = await initBackend({ backend: 'webgpu' });
  console.log(`adapter: ${formatBackendInfo(info)}`);
  console.log(`adapter details: ${JSON.stringify(info.adapter)}`);
  if (info.adapter?.software && !options.allowSoftware) {
    console.error('gpu-check: the only WebGPU adapter is software (no GPU driver found); pass --allow-software to check it anyway');
    process.exit(2);
  }
  if (options.loadOnly) {
    // Touch both backends once, so that every file a full run loads is loaded.
    tf.tidy(() => tf.matMul(tf.ones([4, 4]), tf.ones([4, 4])));
    await initBackend({ backend: 'wasm' });
    tf.tidy(() => tf.matMul(tf.ones([4, 4]), tf.ones([4, 4])));
  }
  if (options.listModules !== undefined) writeFileSync(options.listModules, `${Object.keys(require.cache).join('\n')}\n`);
  if (options.loadOnly) process.exit(0);
  let failures = 0;
  if (!options.skipChecks) {
    console.log('\ncorrectness against the cpu backend:');
    failures = await correctness();
    console.log(failures === 0 ? 'all checks passed' : `${failures} check(s) FAILED`);
  }
  if (!options.skipTiming) await timing(options);
  process.exit(failures === 0 ? 0 : 1); // Dawn's device would otherwise keep the process alive
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
