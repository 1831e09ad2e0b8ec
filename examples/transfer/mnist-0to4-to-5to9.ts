/**
 * The classic transfer experiment (Keras' "transfer learning on MNIST"): a CNN trained on digits
 * 0-4 (the zoo's `mnist-digits-0to4`) is transferred to digits 5-9, relabelled 0-4. Its
 * convolutional features stay frozen; a new head trains on them (on cached features, with
 * augmented copies), then, with `--strategy two-phase`, the top block is fine-tuned at a lower rate.
 *
 *   BIGMODEL_WASM_THREADS=1 npx ts-node -T examples/transfer/mnist-0to4-to-5to9.ts [--strategy head] [--epochs 40] [--patience 6] [--seed 0] [--out runs/DIR]
 */
import { join } from 'node:path';

import * as tf from '@tensorflow/tfjs';
import { JsonlLogger, formatBackendInfo, initBackend, mulberry32, randomCrop, saveModel, writeFileAtomic } from '@bigmodel/core';
import {
  disposeUnusedLayers,
  evaluateAccuracy,
  fineTune,
  loadBase,
  mnistTarget,
  type FineTuneStrategy,
  type ParameterCounts,
} from '@bigmodel/transfer';

/** What fineTune's onPhase receives. */
type FineTunePhaseStart = { name: string; epochs: number; stepsPerEpoch: number; parameters: ParameterCounts };

import { progressBar } from '../progress';

export interface MnistTransferOptions {
  /** Base model (default `zoo:mnist-digits-0to4`). */
  base?: string;
  /** Fine-tuning strategy (default `head`: frozen features, new head). */
  strategy?: FineTuneStrategy;
  /** Epochs of the head phase (default 40; early stopping on the validation loss). */
  epochs?: number;
  /** Early-stopping patience in epochs, on the validation loss (default 6; 10 was tried and did no better). */
  patience?: number;
  /** Epochs of the fine-tuning phase of two-phase / gradual (default 15). */
  fineTuneEpochs?: number;
  /** Augmented copies of the training digits whose features are cached besides the originals (default 4). */
  cachedAugmentations?: number;
  /** Use only the first `limit` training digits of 5-9 (for smoke tests; default all). */
  limit?: number;
  /** Seed of the head, the batch order and the augmentation (default 0). */
  seed?: number;
  /** Directory for metrics.jsonl, summary.json and the model (default runs/<time>-transfer-mnist-0to4-to-5to9). */
  out?: string;
  /** Show a progress bar on stderr (default true). */
  progress?: boolean;
}

export interface MnistTransferSummary {
  example: 'transfer/mnist-0to4-to-5to9';
  backend: string;
  base: string;
  strategy: FineTuneStrategy;
  seed: number;
  trainExamples: number;
  testAccuracy: number;
  testCount: number;
  phases: { name: string; epochs: number; bestValLoss: number; trainable: number; frozen: number }[];
  parameters: { trainable: number; frozen: number; total: number };
  seconds: number;
  out: string;
}

export async function runMnistTransfer(options: MnistTransferOptions = {}): Promise<MnistTransferSummary> {
  const {
    base: source = 'zoo:mnist-digits-0to4',
    strategy = 'head',
    epochs = 40,
    patience = 6,
    fineTuneEpochs = 15,
    cachedAugmentations = 4,
    seed = 0,
    progress = true,
  } = options;
  const out = options.out ?? join('runs', `${new Date().toISOString().replace(/[:.]/g, '-')}-transfer-mnist-0to4-to-5to9`);
  const started = performance.now();
  const info = await initBackend();

  const say = (line: string) => progress && process.stderr.write(`${line}\n`);
  say(`transfer: loading ${source} and digits 5-9`);
  const { model: base, metadata } = await loadBase(source);
  const data = mnistTarget([5, 6, 7, 8, 9]);
  const limited = options.limit === undefined ? data.train : data.train.subset([...Array(Math.min(options.limit, data.train.size)).keys()]);
  // Early stopping watches 10% of the training digits; the test digits are used once, at the end.
  const { train, validation } = limited.split({ train: 0.9, validation: 0.1, seed });

  let bar: ReturnType<typeof progressBar> | undefined;
  const result = await fineTune(base, train, {
    strategy,
    classes: 5,
    epochs,
    fineTuneEpochs,
    cutAt: metadata?.featureLayer,
    validation,
    seed,
    patience,
    cachedFeatures: strategy !== 'full',
    cachedAugmentations,
    augment: (xs: tf.Tensor, { step }: { step: number }) =>
      randomCrop(xs as tf.Tensor4D, { padding: 2, random: mulberry32(seed * 7919 + step) }),
    checkpointDir: join(out, 'best'),
    logger: new JsonlLogger(join(out, 'metrics.jsonl')),
    onCacheProgress: ({ done, total }: { done: number; total: number }) => {
      bar ??= progress ? progressBar(`caching features (${1 + cachedAugmentations} copies + validation)`, total) : undefined;
      bar?.update(done);
    },
    onPhase: ({ name, epochs: phaseEpochs, stepsPerEpoch, parameters }: FineTunePhaseStart) => {
      bar?.done();
      bar = progress
        ? progressBar(`${name} (${parameters.trainable} trainable, ${parameters.frozen} frozen)`, phaseEpochs * stepsPerEpoch)
        : undefined;
    },
    callbacks: [{ onBatchEnd: (step: number, { loss }: { loss: number }) => bar?.update(step, `loss ${loss.toFixed(3)}`) }],
  });
  bar?.done();

  say(`transfer: testing on ${data.test.size} digits 5-9`);
  const testAccuracy = await evaluateAccuracy(result.model, data.test);
  await saveModel(result.model, join(out, 'model'));
  const summary: MnistTransferSummary = {
    example: 'transfer/mnist-0to4-to-5to9',
    backend: formatBackendInfo(info),
    base: source,
    strategy,
    seed,
    trainExamples: train.size,
    testAccuracy,
    testCount: data.test.size,
    phases: result.phases.map((p) => ({
      name: p.name,
      epochs: p.history.epochs.length,
      bestValLoss: Math.min(...p.history.epochs.map((e: Record<string, number>) => e['valLoss'])),
      trainable: p.parameters.trainable,
      frozen: p.parameters.frozen,
    })),
    parameters: result.parameters,
    seconds: (performance.now() - started) / 1000,
    out,
  };
  result.model.optimizer?.dispose();
  disposeUnusedLayers(base, result.model);
  result.model.dispose();
  writeFileAtomic(join(out, 'summary.json'), `${JSON.stringify(summary, null, 2)}\n`);
  return summary;
}

if (require.main === module) {
  const argv = process.argv.slice(2);
  const flag = (name: string) => {
    const at = argv.indexOf(name);
    return at >= 0 ? argv[at + 1] : undefined;
  };
  tf.env().set('PROD', true);
  runMnistTransfer({
    strategy: (flag('--strategy') ?? 'head') as FineTuneStrategy,
    epochs: Number(flag('--epochs') ?? 40),
    patience: Number(flag('--patience') ?? 6),
    fineTuneEpochs: Number(flag('--fine-tune-epochs') ?? 15),
    cachedAugmentations: Number(flag('--augmented-copies') ?? 4),
    seed: Number(flag('--seed') ?? 0),
    out: flag('--out'),
  })
    .then((s) => {
      console.log(
        `${s.strategy}: test accuracy ${(100 * s.testAccuracy).toFixed(2)}% on ${s.testCount} digits 5-9 (${s.seconds.toFixed(0)} s)`,
      );
      console.log(JSON.stringify(s));
    })
    .catch((error) => {
      console.error(error);
      process.exit(1);
    });
}
