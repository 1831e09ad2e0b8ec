import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import * as tf from '@tensorflow/tfjs';
import { InvalidArgumentError, initBackend, loadModel } from '@bigmodel/core';

import { evaluateMnistModel } from '../evaluators/mnist-evaluator';
import { builtinSpace } from '../space/builtin-spaces';
import { exportBest } from './export-best';
import { rescoreTop } from './rescore';
import { resumeSearch, runSearch } from './run-search';

const temp = () => mkdtempSync(join(tmpdir(), 'nas-export-'));
const evaluator = { kind: 'builtin', name: 'mnist', options: { trainLimit: 300 } } as const;

describe('exportBest', () => {
  beforeAll(async () => {
    tf.env().set('PROD', true);
    await initBackend({ backend: 'wasm', threads: 1 });
  });

  it("exports the best trial's own model (trained in a worker thread): its validation accuracy is exactly the trial's score", async () => {
    const dir = join(temp(), 'search');
    const search = await runSearch({
      dir,
      space: builtinSpace('mnist'),
      strategy: 'random',
      evaluator,
      budget: 1,
      trials: 2,
      workers: 1,
      seed: 1,
      backend: { backend: 'wasm', threads: 1 },
    });
    const best = search.best!;
    expect(readdirSync(join(dir, 'models'))).toEqual([`trial-${best.trial.id}`]);

    const before = tf.memory().numTensors;
    const out = join(temp(), 'model');
    const summary = await exportBest(dir, { out });
    expect(tf.memory().numTensors).toBe(before);
    expect(summary).toMatchObject({
      trialId: best.trial.id,
      searchScore: best.score,
      budget: 1,
      retrained: false,
      trialModel: `models/trial-${best.trial.id}`,
    });
    expect(summary.metrics['valAccuracy']).toBe(best.score);
    expect(summary.metrics['testAccuracy']).toBeGreaterThan(0.1);
    expect(summary.metrics['params']).toBe(best.metrics['params']);

    // The exported files are the trial's model: the same predictions.
    const [trialModel, exported] = await Promise.all([loadModel(join(dir, `models/trial-${best.trial.id}`)), loadModel(out)]);
    const xs = tf.randomUniform([4, 28, 28, 1], 0, 1, 'float32', 1);
    const [a, b] = [trialModel.predict(xs) as tf.Tensor, exported.predict(xs) as tf.Tensor];
    expect(Array.from(b.dataSync())).toEqual(Array.from(a.dataSync()));
    tf.dispose([xs, a, b]);
    trialModel.dispose();
    exported.dispose();

    // A resumed search keeps the best model (or the better one it finds) and exports it the same way.
    const resumed = await resumeSearch(dir, { trials: 3, workers: 1, backend: { backend: 'wasm', threads: 1 } });
    expect(readdirSync(join(dir, 'models'))).toEqual([`trial-${resumed.best!.trial.id}`]);
    const again = await exportBest(dir, { out: join(temp(), 'model') });
    expect(again.metrics['valAccuracy']).toBe(resumed.best!.score);
  });

  it("exports a re-scoring's winner as its best evaluation's model, measured on that evaluation's own validation split", async () => {
    const dir = join(temp(), 'search');
    await runSearch({
      dir,
      space: builtinSpace('mnist'),
      strategy: 'random',
      evaluator,
      budget: 1,
      trials: 2,
      workers: 1,
      seed: 3,
      backend: { backend: 'wasm', threads: 1 },
    });
    const rescored = await rescoreTop(dir, { top: 2, repeats: 1, workers: 1, backend: { backend: 'wasm', threads: 1 } });
    expect(rescored.candidates.every((c) => c.complete && c.evaluations.length === 2)).toBe(true);
    // The winner's best-scoring evaluation whose model is on disk (the search kept its best trial's only).
    const chosen = rescored.best.evaluations.filter((e) => e.model !== undefined).sort((a, b) => b.score - a.score || a.fold - b.fold)[0];
    const summary = await exportBest(dir, { out: join(temp(), 'model') });
    expect(summary).toMatchObject({
      trialId: rescored.best.trial.trial.id,
      fold: chosen.fold,
      trialModel: chosen.model,
      rescore: { meanScore: rescored.best.meanScore, candidates: 2 },
    });
    // The model is measured where it was validated (fold 1: another split than the search's): exactly its score.
    expect(summary.metrics['valAccuracy']).toBe(chosen.score);
    // Every re-scoring model scores on its fold's split (split seed 0 + 1) exactly what it was scored.
    for (const c of rescored.candidates) {
      const fold1 = c.evaluations.find((e) => e.fold === 1)!;
      const model = await loadModel(join(dir, fold1.model!));
      expect((await evaluateMnistModel(model, c.trial.trial.config, { trainLimit: 300, splitSeed: 1 })).valAccuracy).toBe(fold1.score);
      model.dispose();
    }
    // Asked to ignore the re-scoring, the export takes the search's own best trial again.
    const plain = await exportBest(dir, { out: join(temp(), 'model'), rescored: false });
    expect(plain).toMatchObject({ fold: 0, searchScore: Math.max(...rescored.candidates.map((c) => c.evaluations[0].score)) });
    expect(plain.rescore).toBeUndefined();
  });

  it('retrains only when asked, and says so when the trial saved no model', async () => {
    const dir = join(temp(), 'search');
    await runSearch({
      dir,
      space: builtinSpace('mnist'),
      strategy: 'random',
      evaluator,
      budget: 1,
      trials: 1,
      workers: 1,
      seed: 2,
      backend: { backend: 'wasm', threads: 1 },
    });
    await expect(exportBest(dir, { out: join(temp(), 'm'), budget: 2 })).rejects.toThrow(InvalidArgumentError);
    rmSync(join(dir, 'models'), { recursive: true });
    await expect(exportBest(dir, { out: join(temp(), 'm') })).rejects.toThrow(/retrain: true/);
    const out = join(temp(), 'retrained');
    const summary = await exportBest(dir, { out, retrain: true, budget: 1 });
    expect(summary.retrained).toBe(true);
    expect(summary.trialModel).toBeUndefined();
    expect(summary.metrics['testAccuracy']).toBeGreaterThan(0.1);
    expect(existsSync(join(out, 'model.json'))).toBe(true);
  });
});
