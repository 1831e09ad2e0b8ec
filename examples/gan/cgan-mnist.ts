/**
 * Trains a conditional GAN (ACGAN) on the 10,000 MNIST digits and writes a grid with one row per
 * requested digit; then checks with the package's classifier that the requested digits are the
 * ones produced (accuracy of the classifier against the requested classes).
 *
 *   BIGMODEL_WASM_THREADS=1 npx ts-node -T examples/gan/cgan-mnist.ts [--minutes 20] [--epochs 100] [--seed 0] [--out runs/DIR]
 */
import { join } from 'node:path';

import { writeFileAtomic, writePng, runMain } from '@bigmodel/core';
import { classify, generateSamples, imageGrid, loadMnistClassifier } from '@bigmodel/gan';

import { exampleMain } from '../cli';
import { ganExampleProgram, trainExampleGan, type GanExampleOptions } from './run-gan';

export interface CganMnistOptions extends GanExampleOptions {
  /** Samples per digit for the check (default 100). */
  perDigit?: number;
}

export interface CganMnistSummary {
  example: 'gan/cgan-mnist';
  backend: string;
  steps: number;
  epochs: number;
  trainSeconds: number;
  msPerStep: number;
  /** One row per digit 0-9. */
  digitGrid: string;
  interpolation: string;
  /** Fraction of samples the classifier assigns to the requested digit, overall and per digit. */
  requestedDigitAccuracy: number;
  perDigitAccuracy: number[];
  out: string;
}

export async function runCganMnist(options: CganMnistOptions = {}): Promise<CganMnistSummary> {
  const { perDigit = 100, seed = 0 } = options;
  const { trainer, lastGrid: _lastGrid, ...trained } = await trainExampleGan('cgan-mnist', { kind: 'cgan' }, options, 100);
  // Row d of the grid: ten samples of digit d.
  const rowLabels = Array.from({ length: 100 }, (_, i) => Math.floor(i / 10));
  const rows = generateSamples(trainer, 100, seed, { labels: rowLabels });
  const digitGrid = join(trained.out, 'digits.png');
  writePng(digitGrid, imageGrid((await rows.data()) as Float32Array, { count: 100, shape: [28, 28, 1], columns: 10 }));
  rows.dispose();
  const requested = Array.from({ length: 10 * perDigit }, (_, i) => i % 10);
  const images = generateSamples(trainer, requested.length, seed + 1, { labels: requested });
  const classifier = await loadMnistClassifier();
  const { predicted } = await classify(classifier, images);
  const hits = new Array<number>(10).fill(0);
  requested.forEach((digit, i) => (hits[digit] += predicted[i] === digit ? 1 : 0));
  images.dispose();
  classifier.dispose();
  trainer.dispose();
  const summary: CganMnistSummary = {
    example: 'gan/cgan-mnist',
    ...trained,
    digitGrid,
    requestedDigitAccuracy: hits.reduce((a, b) => a + b, 0) / requested.length,
    perDigitAccuracy: hits.map((h) => h / perDigit),
  };
  writeFileAtomic(join(summary.out, 'summary.json'), `${JSON.stringify(summary, null, 2)}\n`);
  return summary;
}

export const main = exampleMain(
  () => ganExampleProgram('gan/cgan-mnist.ts', "A conditional GAN (ACGAN) on the MNIST digits, checked with the package's classifier."),
  async (flags: CganMnistOptions, print) => {
    const s = await runCganMnist(flags);
    print(`backend ${s.backend}: ${s.steps} steps (${s.epochs.toFixed(2)} epochs) in ${s.trainSeconds.toFixed(0)} s`);
    print(
      `requested digit produced (classifier): ${(100 * s.requestedDigitAccuracy).toFixed(1)}%; per digit ${s.perDigitAccuracy.map((a) => (100 * a).toFixed(0)).join(' ')}`,
    );
    print(JSON.stringify(s));
  },
);

if (require.main === module) runMain(main);
