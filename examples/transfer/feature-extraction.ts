/**
 * Feature extraction: cut the zoo's digits-0-4 network at a layer, run it once over digits 5-9,
 * and classify the cached feature vectors two ways: a nearest-class-mean rule (no training at all)
 * and a softmax classifier trained on the features (logistic regression). Deeper cuts give
 * features that separate the new digits better.
 *
 *   BIGMODEL_WASM_THREADS=1 npx ts-node -T examples/transfer/feature-extraction.ts [--layers block1_pool,block2_pool,block3_relu,features] [--epochs 20]
 */
import { join } from 'node:path';

import * as tf from '@tensorflow/tfjs';
import { Adam, fit, formatBackendInfo, initBackend, TensorDataset, writeFileAtomic } from '@bigmodel/core';
import { cacheFeatures, evaluateAccuracy, featureExtractor, loadBase, mnistTarget } from '@bigmodel/transfer';

export interface FeatureExtractionOptions {
  /** Layers to cut at (default block1_pool, block2_pool, block3_relu, features). */
  layers?: string[];
  /** Epochs of the softmax classifier (default 20). */
  epochs?: number;
  /** Use only the first `limit` training and test digits (for smoke tests; default all). */
  limit?: number;
  /** Directory for summary.json (default runs/<time>-transfer-feature-extraction). */
  out?: string;
}

export interface FeatureExtractionSummary {
  example: 'transfer/feature-extraction';
  backend: string;
  rows: { layer: string; features: number; nearestMeanAccuracy: number; softmaxAccuracy: number; extractSeconds: number }[];
  trainCount: number;
  testCount: number;
  out: string;
}

/** Accuracy of the nearest-class-mean rule (Euclidean) fitted on `train`, on `test`. */
export function nearestMeanAccuracy(train: TensorDataset, test: TensorDataset): number {
  const classes = train.options.classes!;
  const size = train.examples.length / train.size;
  const means = Array.from({ length: classes }, () => new Float64Array(size));
  const counts = train.classCounts();
  for (let i = 0; i < train.size; i++) {
    const mean = means[train.labels[i]];
    for (let k = 0; k < size; k++) mean[k] += train.examples[i * size + k] / counts[train.labels[i]];
  }
  let correct = 0;
  for (let i = 0; i < test.size; i++) {
    let best = -1;
    let bestDistance = Infinity;
    means.forEach((mean, c) => {
      let d = 0;
      for (let k = 0; k < size; k++) d += (test.examples[i * size + k] - mean[k]) ** 2;
      if (d < bestDistance) [best, bestDistance] = [c, d];
    });
    if (best === test.labels[i]) correct++;
  }
  return correct / test.size;
}

export async function runFeatureExtraction(options: FeatureExtractionOptions = {}): Promise<FeatureExtractionSummary> {
  const { layers = ['block1_pool', 'block2_pool', 'block3_relu', 'features'], epochs = 20 } = options;
  const out = options.out ?? join('runs', `${new Date().toISOString().replace(/[:.]/g, '-')}-transfer-feature-extraction`);
  const info = await initBackend();
  const { model: base } = await loadBase('zoo:mnist-digits-0to4');
  const data = mnistTarget([5, 6, 7, 8, 9]);
  const first = (d: TensorDataset) => (options.limit === undefined ? d : d.subset([...Array(Math.min(options.limit, d.size)).keys()]));
  const [train, test] = [first(data.train), first(data.test)];
  const rows: FeatureExtractionSummary['rows'] = [];
  for (const layer of layers) {
    const started = performance.now();
    const extractor = featureExtractor(base, layer);
    // Flat feature vectors get a trailing axis, so one classifier (flatten + dense) serves every cut.
    const shaped = (d: TensorDataset) =>
      d.exampleShape.length > 1 ? d : new TensorDataset(d.examples, [...d.exampleShape, 1], d.labels, d.options);
    const [trainFeatures, testFeatures] = [shaped(await cacheFeatures(extractor, train)), shaped(await cacheFeatures(extractor, test))];
    const extractSeconds = (performance.now() - started) / 1000;
    const flat = (d: TensorDataset) => d.exampleShape.reduce((a, b) => a * b, 1);
    const classifier = tf.sequential({
      layers: [
        tf.layers.flatten({ inputShape: trainFeatures.exampleShape }),
        tf.layers.dense({ units: 5, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: 0 }) }),
      ],
    });
    classifier.compile({ optimizer: new Adam({ learningRate: 1e-3 }), loss: 'categoricalCrossentropy' });
    await fit(classifier, trainFeatures, { epochs, batchSize: 64, seed: 0 });
    rows.push({
      layer,
      features: flat(trainFeatures),
      nearestMeanAccuracy: nearestMeanAccuracy(trainFeatures, testFeatures),
      softmaxAccuracy: await evaluateAccuracy(classifier, testFeatures),
      extractSeconds,
    });
    classifier.optimizer.dispose();
    classifier.dispose();
  }
  base.dispose();
  const summary: FeatureExtractionSummary = {
    example: 'transfer/feature-extraction',
    backend: formatBackendInfo(info),
    rows,
    trainCount: train.size,
    testCount: test.size,
    out,
  };
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
  runFeatureExtraction({
    layers: flag('--layers')?.split(','),
    epochs: flag('--epochs') === undefined ? undefined : Number(flag('--epochs')),
    out: flag('--out'),
  })
    .then((s) => {
      for (const r of s.rows) {
        console.log(
          `${r.layer.padEnd(12)} ${String(r.features).padStart(6)} features: nearest class mean ${(100 * r.nearestMeanAccuracy).toFixed(2)}%, softmax ${(100 * r.softmaxAccuracy).toFixed(2)}%`,
        );
      }
      console.log(JSON.stringify(s));
    })
    .catch((error) => {
      console.error(error);
      process.exit(1);
    });
}
