import { spawn, spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';

import { FileFormatError, InvalidArgumentError, writeFileAtomic } from '@bigmodel/core';

import { cellBenchmark } from '../benchmarks/cell-benchmark';
import type { Evaluator } from '../evaluators/evaluator';
import { createEvaluatorFromSpec } from '../evaluators/evaluator-spec';
import { builtinSpace } from '../space/builtin-spaces';
import type { Config } from '../space/search-space';
import { readJournal } from './journal';
import { finishedTrials, paretoFront, type TrialRecord } from './leaderboard';
import { exportBest } from './export-best';
import { rescoreTop } from './rescore';
import { trialModelPath } from '../internal/trial-model-path';
import { predictTrialSeconds, resumeSearch, runSearch } from './run-search';

const bench = cellBenchmark(0);
const cell = builtinSpace('cell');
const temp = () => mkdtempSync(join(tmpdir(), 'nas-runner-'));
const lookup = (config: Config) => ({ score: bench.score(config) });

describe('runSearch', () => {
  it('journals every trial and reports the best, the same for the same seed', async () => {
    const a = await runSearch({ dir: temp(), space: cell, strategy: 'evolution', evaluator: lookup, trials: 25, seed: 3 });
    const b = await runSearch({ dir: temp(), space: cell, strategy: 'evolution', evaluator: lookup, trials: 25, seed: 3 });
    expect(a.trials).toHaveLength(25);
    expect(a.trials.map((t) => t.trial.hash)).toEqual(b.trials.map((t) => t.trial.hash));
    expect(a.best!.score).toBe(Math.max(...a.trials.map((t) => bench.score(t.trial.config))));
    const { records } = readJournal(a.dir);
    expect(records.filter((r) => r.type === 'ask')).toHaveLength(25);
    expect(finishedTrials(records).map((t) => t.score)).toEqual(a.trials.map((t) => t.score));
  });

  it('runs the REINFORCE controller through its asynchronous ask, and a resume replays its journal to the same trials', async () => {
    const dir = temp();
    const first = await runSearch({ dir, space: cell, strategy: 'reinforce', evaluator: lookup, trials: 6, seed: 2 });
    const straight = await runSearch({ dir: temp(), space: cell, strategy: 'reinforce', evaluator: lookup, trials: 10, seed: 2 });
    expect(first.trials.map((t) => t.trial.hash)).toEqual(straight.trials.slice(0, 6).map((t) => t.trial.hash));
    const resumed = await resumeSearch(dir, { evaluator: lookup, trials: 10 });
    expect(resumed.trials.map((t) => t.trial.hash)).toEqual(straight.trials.map((t) => t.trial.hash));
  });

  it('on abort proposes nothing more, lets the trials out finish and journals them, and a resume completes the search', async () => {
    const stop = new AbortController();
    const dir = temp();
    const started: number[] = [];
    const slow: Evaluator = async (config) => {
      await new Promise((resolve) => setTimeout(resolve, 30));
      return lookup(config);
    };
    const result = await runSearch({
      dir,
      space: cell,
      strategy: 'random',
      evaluator: slow,
      trials: 10,
      workers: 2,
      seed: 4,
      signal: stop.signal,
      onTrialStart: (t) => {
        started.push(t.trial.id);
        if (started.length === 3) stop.abort(); // trials 0-2 are out: no trial 3 starts
      },
    });
    expect(started).toEqual([0, 1, 2]);
    expect(result.trials.map((t) => t.trial.id).sort()).toEqual([0, 1, 2]);
    expect(result.timedOut).toBe(true);
    const straight = await runSearch({ dir: temp(), space: cell, strategy: 'random', evaluator: lookup, trials: 10, seed: 4 });
    const resumed = await resumeSearch(dir, { evaluator: slow });
    expect(resumed.trials.map((t) => [t.trial.id, t.score]).sort((x, y) => Number(x[0]) - Number(y[0]))).toEqual(
      straight.trials.map((t) => [t.trial.id, t.score]),
    );
  });

  it('never loads a module evaluator a journal names unless the caller names it again (a journal is untrusted)', async () => {
    const dir = temp();
    const marker = join(dir, 'ran');
    const module = join(dir, 'evil.cjs');
    writeFileSync(
      module,
      `require('fs').writeFileSync(${JSON.stringify(marker)}, 'x'); exports.createEvaluator = () => () => ({ score: 1 });`,
    );
    const search = join(dir, 'search');
    await runSearch({ dir: search, space: cell, strategy: 'random', evaluator: lookup, trials: 1, seed: 1 });
    // A forged journal: the same search, its evaluator swapped for the module.
    const lines = readFileSync(join(search, 'journal.jsonl'), 'utf8').split('\n');
    const first = JSON.parse(lines[0]);
    first.spec.evaluator = { kind: 'module', module, exportName: 'createEvaluator' };
    writeFileSync(join(search, 'journal.jsonl'), [JSON.stringify(first), ...lines.slice(1)].join('\n'));
    await expect(resumeSearch(search, { trials: 2 })).rejects.toThrow(/names the evaluator module .*evil\.cjs.*--evaluator-module/);
    await expect(rescoreTop(search, { top: 1 })).rejects.toThrow(FileFormatError);
    await expect(exportBest(search, { out: join(dir, 'out'), retrain: true })).rejects.toThrow(FileFormatError);
    await expect(resumeSearch(search, { trials: 2, evaluatorModule: join(dir, 'other.cjs') })).rejects.toThrow(/not .*other\.cjs/);
    expect(existsSync(marker)).toBe(false);
  });

  it('refuses, without blocking, a journal that is a FIFO', () => {
    const dir = temp();
    spawnSync('mkfifo', [join(dir, 'journal.jsonl')]);
    expect(() => readJournal(dir)).toThrow(/is not a regular file/);
  });

  it('records throwing and NaN evaluators as failed trials and goes on', async () => {
    let calls = 0;
    const result = await runSearch({
      dir: temp(),
      space: cell,
      strategy: 'tpe',
      trials: 12,
      evaluator: (config) => {
        calls++;
        if (calls % 4 === 1) throw new Error('out of memory (simulated)');
        if (calls % 4 === 2) return { score: NaN };
        return lookup(config);
      },
    });
    expect(result.trials).toHaveLength(12);
    const failed = result.trials.filter((t) => t.status === 'failed');
    expect(failed).toHaveLength(6);
    expect(failed[0].error).toContain('out of memory (simulated)');
    expect(failed[1].error).toContain('NaN');
    expect(result.best!.status).toBe('ok');
  });

  it('marks trials that break a constraint infeasible, and reports the Pareto front', async () => {
    const result = await runSearch({
      dir: temp(),
      space: builtinSpace('branin'),
      strategy: 'random',
      trials: 20,
      constraints: { maxParams: 50 },
      evaluator: (config) => ({ score: -((config['x1'] as number) ** 2), params: Math.round((config['x2'] as number) * 10) }),
    });
    for (const t of result.trials) expect(t.status).toBe((t.metrics['params'] as number) > 50 ? 'infeasible' : 'ok');
    const handmade = (id: number, score: number, params: number): TrialRecord => ({
      trial: { id, config: {}, budget: 1, hash: `${id}` },
      status: 'ok',
      score,
      metrics: { params },
      seconds: 0,
    });
    const front = paretoFront(
      [handmade(0, 0.9, 100), handmade(1, 0.95, 200), handmade(2, 0.85, 150), handmade(3, 0.95, 250), handmade(4, 0.8, 50)],
      ['params'],
    );
    expect(front.map((t) => t.trial.id)).toEqual([1, 0, 4]);
  });

  it('reports each trial as it starts, before it finishes, with the trials running and done', async () => {
    const events: string[] = [];
    await runSearch({
      dir: temp(),
      space: cell,
      strategy: 'random',
      trials: 3,
      workers: 2,
      // Trial i takes 20 * (i + 1) ms: trial 0 ends first, then 1, then 2 (started when 0 ended).
      evaluator: async (config, _budget, { trialId }) => {
        await new Promise((done) => setTimeout(done, 20 * (trialId + 1)));
        return lookup(config);
      },
      onTrialStart: (s) => events.push(`start ${s.trial.id}: ${s.running} running, ${s.done}/${s.total} done`),
      onProgress: (p) => events.push(`end ${p.last.trial.id}: ${p.done}/${p.total} done`),
    });
    expect(events).toEqual([
      'start 0: 1 running, 0/3 done',
      'start 1: 2 running, 0/3 done',
      'end 0: 1/3 done',
      'start 2: 2 running, 1/3 done',
      'end 1: 2/3 done',
      'end 2: 3/3 done',
    ]);
  });

  it('refuses fractional budgets for the mnist evaluator, which trains whole epochs', async () => {
    const mnist = { kind: 'builtin', name: 'mnist' } as const;
    await expect(
      runSearch({ dir: temp(), space: builtinSpace('mnist'), strategy: 'random', evaluator: mnist, trials: 1, budget: 1.5 }),
    ).rejects.toThrow(/whole epochs/);
    await expect(
      runSearch({
        dir: temp(),
        space: builtinSpace('mnist'),
        strategy: 'random',
        evaluator: mnist,
        trials: 1,
        hyperband: { minBudget: 1.5, maxBudget: 6 },
      }),
    ).rejects.toThrow(InvalidArgumentError);
  });

  it('refuses a bad RunSearchConfig before writing anything, naming the path and the value, a misspelt key with the nearest one', async () => {
    const dir = temp();
    const base = { dir, space: cell, strategy: 'random' as const, evaluator: lookup, trials: 2 };
    await expect(runSearch({ ...base, trails: 3 } as never)).rejects.toMatchObject({
      name: 'InvalidArgumentError',
      parameter: 'RunSearchConfig.trails',
      value: 3,
      message: expect.stringContaining('Unknown key; did you mean "trials"?'),
    });
    await expect(runSearch({ ...base, trials: 0 })).rejects.toMatchObject({ parameter: 'RunSearchConfig.trials', value: 0 });
    await expect(runSearch({ ...base, constraints: { maxParams: -5 } })).rejects.toMatchObject({
      parameter: 'RunSearchConfig.constraints.maxParams',
      value: -5,
    });
    await expect(runSearch({ ...base, constraints: { maxParam: 5 } as never })).rejects.toMatchObject({
      parameter: 'RunSearchConfig.constraints.maxParam',
      message: expect.stringContaining('did you mean "maxParams"?'),
    });
    await expect(runSearch({ ...base, strategy: 'annealing' as never })).rejects.toMatchObject({
      parameter: 'RunSearchConfig.strategy',
      value: 'annealing',
      message: expect.stringContaining('Strategies: random, evolution, reinforce, tpe'),
    });
    await expect(runSearch({ ...base, hyperband: { eta: 0.5 } })).rejects.toMatchObject({
      parameter: 'RunSearchConfig.hyperband.eta',
      value: 0.5,
    });
    await expect(runSearch({ ...base, strategy: { name: 'evolution', options: { populationSize: 1 } } })).rejects.toMatchObject({
      parameter: 'RegularizedEvolutionConfig.populationSize',
      value: 1,
    });
    expect(readdirSync(dir)).toEqual([]);
  });

  it('refuses to mix two searches in one directory', async () => {
    const dir = temp();
    await runSearch({ dir, space: cell, strategy: 'random', evaluator: lookup, trials: 2 });
    await expect(runSearch({ dir, space: cell, strategy: 'evolution', evaluator: lookup, trials: 2 })).rejects.toThrow(
      InvalidArgumentError,
    );
  });

  it('skips a corrupt journal line (re-running a trial whose result it held), or throws when strict', async () => {
    const dir = temp();
    const first = await runSearch({ dir, space: cell, strategy: 'evolution', evaluator: lookup, trials: 10, seed: 1 });
    const lines = readFileSync(join(dir, 'journal.jsonl'), 'utf8').split('\n');
    const corrupt = lines.findIndex((l) => l.includes('"trialId":4'));
    lines[corrupt] = '{"type":"result","trialId":4,"sta';
    writeFileSync(join(dir, 'journal.jsonl'), lines.join('\n'));
    await expect(resumeSearch(dir, { evaluator: lookup, strictJournal: true })).rejects.toThrow(FileFormatError);
    let calls = 0;
    const again = await resumeSearch(dir, { evaluator: (c) => (calls++, lookup(c)) });
    expect(again.skippedLines).toEqual([{ line: corrupt + 1, reason: expect.stringContaining('invalid JSON') }]);
    expect(calls).toBe(1);
    expect(again.trials.map((t) => t.trial.hash).sort()).toEqual(first.trials.map((t) => t.trial.hash).sort());
    // A torn last line (a kill during a write) is skipped the same way.
    appendFileSync(join(dir, 'journal.jsonl'), '{"type":"ask","tri');
    const more = await resumeSearch(dir, { evaluator: lookup, trials: 12 });
    expect(more.evaluatedNow).toBe(2);
    expect(more.trials).toHaveLength(12);
  });

  it('resumes a search killed mid-run without re-running finished trials', async () => {
    const dir = temp();
    const packageRoot = resolve(__dirname, '..', '..');
    const child = join(dir, 'child.js');
    // The child runs the compiled package: an in-process evaluator that takes 40 ms a trial.
    writeFileSync(
      child,
      `const nas = require(${JSON.stringify(join(packageRoot, 'dist', 'index.js'))});
       const bench = nas.cellBenchmark(0);
       nas.runSearch({ dir: ${JSON.stringify(join(dir, 'search'))}, space: nas.builtinSpace('cell'), strategy: 'evolution',
         trials: 40, seed: 5,
         evaluator: async (config) => { await new Promise((r) => setTimeout(r, 40)); return { score: bench.score(config) }; } });`,
    );
    const proc = spawn(process.execPath, [child], { stdio: 'ignore' });
    const journal = join(dir, 'search', 'journal.jsonl');
    const results = () =>
      existsSync(journal)
        ? readFileSync(journal, 'utf8')
            .split('\n')
            .filter((l) => l.includes('"type":"result"')).length
        : 0;
    while (results() < 10) await new Promise((r) => setTimeout(r, 20));
    proc.kill('SIGKILL');
    await new Promise((r) => proc.once('exit', r));
    const before = results();
    expect(before).toBeLessThan(40);

    let calls = 0;
    const resumed = await resumeSearch(join(dir, 'search'), { evaluator: (c) => (calls++, lookup(c)) });
    expect(calls).toBe(40 - before);
    expect(resumed.trials).toHaveLength(40);
    const straight = await runSearch({
      dir: join(dir, 'straight'),
      space: cell,
      strategy: 'evolution',
      evaluator: lookup,
      trials: 40,
      seed: 5,
    });
    expect(resumed.trials.map((t) => t.trial.hash).sort()).toEqual(straight.trials.map((t) => t.trial.hash).sort());
    expect(resumed.best!.score).toBe(straight.best!.score);
  });

  it("predicts a trial's seconds from its own cheaper run, else from the slowest rate seen", () => {
    const record = (hash: string, budget: number, seconds: number): TrialRecord => ({
      trial: { id: 0, config: {}, budget, hash },
      status: 'ok',
      score: 0,
      metrics: {},
      seconds,
    });
    const finished = [record('a', 2, 10), record('b', 2, 30), record('a', 6, 27), record('c', 18, 90)];
    // 'a' ran at budgets 2 and 6: the larger run, scaled (27 s x 18/6).
    expect(predictTrialSeconds({ id: 9, config: {}, budget: 18, hash: 'a' }, finished)).toBeCloseTo(81, 12);
    // 'a' at budget 4: its budget-2 run (10 s x 4/2); a run at a larger budget does not count.
    expect(predictTrialSeconds({ id: 9, config: {}, budget: 4, hash: 'a' }, finished)).toBeCloseTo(20, 12);
    // A new configuration: the slowest seconds per budget, 'b''s 15 s, times its budget.
    expect(predictTrialSeconds({ id: 9, config: {}, budget: 2, hash: 'd' }, finished)).toBeCloseTo(30, 12);
    expect(predictTrialSeconds({ id: 9, config: {}, budget: 2, hash: 'd' }, [])).toBeUndefined();
  });

  it('with fitToTime starts only trials predicted to end within maxSeconds, and a resume runs the one left first', async () => {
    // Each trial takes 0.6 s. Plain maxSeconds 1.0 starts a second one at ~0.6 s (ends ~1.2 s); with
    // fitToTime the second is predicted to end at ~1.2 s and does not start (0.2 s margins both ways).
    const slow = async (config: Config) => {
      await new Promise((r) => setTimeout(r, 600));
      return lookup(config);
    };
    const plain = await runSearch({
      dir: temp(),
      space: cell,
      strategy: 'random',
      evaluator: slow,
      trials: 5,
      seed: 2,
      workers: 1,
      maxSeconds: 1,
    });
    expect(plain.trials).toHaveLength(2);
    const dir = temp();
    const fitted = await runSearch({
      dir,
      space: cell,
      strategy: 'random',
      evaluator: slow,
      trials: 5,
      seed: 2,
      workers: 1,
      maxSeconds: 1,
      fitToTime: true,
    });
    expect(fitted.trials).toHaveLength(1);
    expect(fitted.timedOut).toBe(true);
    const { records } = readJournal(dir);
    expect(records.filter((r) => r.type === 'ask').map((r) => (r.type === 'ask' ? r.trial.id : -1))).toEqual([0, 1]);

    let calls = 0;
    const resumed = await resumeSearch(dir, { evaluator: (config) => (calls++, lookup(config)) });
    expect(calls).toBe(4);
    expect(resumed.trials.map((t) => t.trial.id)).toEqual([0, 1, 2, 3, 4]);
    const straight = await runSearch({ dir: temp(), space: cell, strategy: 'random', evaluator: lookup, trials: 5, seed: 2 });
    expect(resumed.trials.map((t) => t.trial.hash)).toEqual(straight.trials.map((t) => t.trial.hash));
    await expect(
      runSearch({ dir: temp(), space: cell, strategy: 'random', evaluator: lookup, trials: 1, fitToTime: true }),
    ).rejects.toMatchObject({ parameter: 'RunSearchConfig.fitToTime' });
  });

  it('keeps the saved model of the best trial only, through a resume, and names it in the journal', async () => {
    const dir = temp();
    // A "model" here is a file holding the score it earned; a real evaluator saves with core's saveModel.
    const saving = (config: Config, _budget: number, context: { modelDir?: string }) => {
      const score = bench.score(config);
      writeFileAtomic(join(context.modelDir!, 'model.json'), JSON.stringify({ score }));
      return { score };
    };
    const savedScores = () =>
      readdirSync(join(dir, 'models')).map((name) => JSON.parse(readFileSync(join(dir, 'models', name, 'model.json'), 'utf8')).score);
    const first = await runSearch({ dir, space: cell, strategy: 'evolution', evaluator: saving, trials: 15, seed: 4 });
    expect(savedScores()).toEqual([Math.max(...first.trials.map((t) => t.score))]);
    expect(first.best!.model).toBe(trialModelPath(first.best!.trial.id));
    expect(readdirSync(join(dir, 'models'))).toEqual([`trial-${first.best!.trial.id}`]);
    // A trial killed mid-save leaves a directory behind; the resume removes it and keeps the best.
    mkdirSync(join(dir, 'models', 'trial-999'));
    const resumed = await resumeSearch(dir, { evaluator: saving, trials: 40 });
    expect(savedScores()).toEqual([Math.max(...resumed.trials.map((t) => t.score))]);
    expect(
      finishedTrials(readJournal(dir).records)
        .filter((t) => t.model !== undefined)
        .map((t) => t.trial.id),
    ).toContain(resumed.best!.trial.id);
    // keepModels: false gives evaluators no directory.
    const none = await runSearch({
      dir: temp(),
      space: cell,
      strategy: 'random',
      evaluator: (c, _b, context) => ({ score: bench.score(c), hasDir: context.modelDir !== undefined }),
      trials: 3,
      keepModels: false,
    });
    expect(none.trials.map((t) => t.metrics['hasDir'])).toEqual([false, false, false]);
  });

  it('refuses a journal whose result names a model directory outside the search, removing nothing there', async () => {
    const dir = temp();
    const victim = mkdtempSync(join(tmpdir(), 'nas-victim-'));
    writeFileSync(join(victim, 'precious.txt'), 'keep me');
    // Each trial scores higher than the last, so a resumed trial replaces the best, whose model the runner then removes.
    let calls = 0;
    const rising = (_config: Config, _budget: number, context: { modelDir?: string }) => {
      writeFileAtomic(join(context.modelDir!, 'model.json'), '{}');
      return { score: calls++ };
    };
    const first = await runSearch({ dir, space: cell, strategy: 'random', evaluator: rising, trials: 3, seed: 1 });
    const bestId = first.best!.trial.id;
    const journal = join(dir, 'journal.jsonl');
    const forged = readFileSync(journal, 'utf8').replace(`"model":"models/trial-${bestId}"`, `"model":"../${basename(victim)}"`);
    expect(forged).toContain(basename(victim));
    writeFileSync(journal, forged);
    const error = await resumeSearch(dir, { evaluator: rising, trials: 5 }).catch((e: unknown) => e);
    expect(FileFormatError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(/names the model directory "\.\.\/nas-victim-.*not models\/trial-\d+/);
    expect(readFileSync(join(victim, 'precious.txt'), 'utf8')).toBe('keep me');
  });

  it('refuses a models/ directory that is a symlink out of the search, removing nothing there', async () => {
    const dir = temp();
    const saving = (config: Config, _budget: number, context: { modelDir?: string }) => {
      writeFileAtomic(join(context.modelDir!, 'model.json'), '{}');
      return { score: bench.score(config) };
    };
    await runSearch({ dir, space: cell, strategy: 'random', evaluator: saving, trials: 3, seed: 2 });
    const outside = mkdtempSync(join(tmpdir(), 'nas-outside-'));
    mkdirSync(join(outside, 'trial-7'));
    writeFileSync(join(outside, 'trial-7', 'precious.txt'), 'keep me');
    rmSync(join(dir, 'models'), { recursive: true });
    symlinkSync(outside, join(dir, 'models'));
    await expect(resumeSearch(dir, { evaluator: saving, trials: 5 })).rejects.toThrow(/resolves \(through a symlink\) to a path outside/);
    expect(readFileSync(join(outside, 'trial-7', 'precious.txt'), 'utf8')).toBe('keep me');
  });

  it("with keepModels: K keeps the models of the K best configurations (a re-scoring's candidates), through a resume", async () => {
    const dir = temp();
    const saving = (config: Config, _budget: number, context: { modelDir?: string }) => {
      writeFileAtomic(join(context.modelDir!, 'model.json'), JSON.stringify({ score: bench.score(config) }));
      return { score: bench.score(config) };
    };
    const keptIds = () =>
      readdirSync(join(dir, 'models'))
        .map((name) => Number(name.slice('trial-'.length)))
        .sort((a, b) => a - b);
    // By hand: the trial ids of the K best distinct configurations' first trials in leaderboard order.
    const expected = (trials: TrialRecord[], k: number) => {
      const seen = new Set<string>();
      const ids: number[] = [];
      for (const t of [...trials].sort((a, b) => b.score - a.score || a.trial.id - b.trial.id)) {
        if (seen.has(t.trial.hash) || ids.length === k) continue;
        seen.add(t.trial.hash);
        ids.push(t.trial.id);
      }
      return ids.sort((a, b) => a - b);
    };
    const first = await runSearch({ dir, space: cell, strategy: 'evolution', evaluator: saving, trials: 20, seed: 5, keepModels: 3 });
    expect(keptIds()).toEqual(expected(first.trials, 3));
    expect(keptIds()).toHaveLength(3);
    expect(readJournal(dir).search.keepModels).toBe(3);
    // Resumed without keepModels: the journal's 3.
    const resumed = await resumeSearch(dir, { evaluator: saving, trials: 30 });
    expect(resumed.evaluatedNow).toBe(10);
    expect(keptIds()).toEqual(expected(resumed.trials, 3));
    // Resumed with keepModels: 1 (the best only), the others are removed before anything runs.
    const best = await resumeSearch(dir, { evaluator: saving, trials: 30, keepModels: 1 });
    expect(keptIds()).toEqual([best.best!.trial.id]);
    const refused = temp();
    await expect(runSearch({ dir: refused, space: cell, strategy: 'random', evaluator: saving, trials: 2, keepModels: 0 })).rejects.toThrow(
      /keepModels/,
    );
    expect(readdirSync(refused)).toEqual([]); // refused before the journal is started
  });

  it('runs module evaluators in N worker threads', async () => {
    const dir = temp();
    const module = join(dir, 'evaluator.js');
    writeFileSync(
      module,
      `const { threadId } = require('node:worker_threads');
       const { mkdirSync, writeFileSync } = require('node:fs');
       exports.createEvaluator = (options) => async (config, budget, context) => {
         await new Promise((r) => setTimeout(r, 30));
         const score = -Math.abs(config.x1 - options.target);
         mkdirSync(context.modelDir, { recursive: true });
         writeFileSync(context.modelDir + '/model.json', JSON.stringify({ score }));
         return { score, threadId, seed: context.seed };
       };`,
    );
    const result = await runSearch({
      dir: join(dir, 'search'),
      space: builtinSpace('branin'),
      strategy: 'random',
      evaluator: { kind: 'module', module, options: { target: 2 } },
      trials: 8,
      workers: 2,
      backend: { backend: 'cpu' },
    });
    const threads = new Set(result.trials.map((t) => t.metrics['threadId']));
    expect(threads.has(0)).toBe(false);
    expect(threads.size).toBe(2);
    for (const t of result.trials) expect(t.score).toBeCloseTo(-Math.abs((t.trial.config['x1'] as number) - 2), 10);
    // The workers saved each trial's model; the best one's is kept.
    const kept = readdirSync(join(dir, 'search', 'models'));
    expect(kept).toEqual([`trial-${result.best!.trial.id}`]);
    expect(JSON.parse(readFileSync(join(dir, 'search', 'models', kept[0], 'model.json'), 'utf8')).score).toBe(result.best!.score);
  });

  describe('the cache of finished configurations', () => {
    // Three configurations: random search (it accepts a repeat after 20 redraws) repeats from trial 3 on.
    const tiny = { params: { arm: { type: 'categorical' as const, choices: ['a', 'b', 'c'] } } };
    const scores: Record<string, number> = { a: 0.2, b: 0.9, c: 0.5 };
    /** A deterministic evaluator that counts its calls, per configuration. */
    const counting = () => {
      const calls: string[] = [];
      const score = (config: Config) => (calls.push(config['arm'] as string), { score: scores[config['arm'] as string] });
      const evaluate: Evaluator = Object.assign(score, { deterministic: true });
      return { calls, evaluate };
    };

    it('evaluates each configuration once, journals repeats with the original result, and tells the strategy the same', async () => {
      const { calls, evaluate } = counting();
      const cached = await runSearch({ dir: temp(), space: tiny, strategy: 'evolution', evaluator: evaluate, trials: 12, seed: 1 });
      const plain = counting();
      const uncached = await runSearch({
        dir: temp(),
        space: tiny,
        strategy: 'evolution',
        evaluator: plain.evaluate,
        trials: 12,
        seed: 1,
        cache: false,
      });
      // Without the cache every trial is trained; with it, each configuration once.
      expect(plain.calls).toHaveLength(12);
      expect([...calls].sort()).toEqual([...new Set(plain.calls)].sort());
      // The strategy heard the same scores in the same order, so it proposed the same trials.
      expect(cached.trials.map((t) => t.trial.hash)).toEqual(uncached.trials.map((t) => t.trial.hash));
      expect(cached.trials.map((t) => t.score)).toEqual(uncached.trials.map((t) => t.score));
      expect(cached.repeatedNow).toBe(12 - calls.length);
      expect(uncached.repeatedNow).toBe(0);
      const { records } = readJournal(cached.dir);
      const results = records.filter((r) => r.type === 'result');
      const repeats = results.filter((r) => r.type === 'result' && r.repeatOf !== undefined);
      expect(repeats).toHaveLength(12 - calls.length);
      const byId = new Map(cached.trials.map((t) => [t.trial.id, t]));
      for (const r of repeats) {
        if (r.type !== 'result') continue;
        const original = byId.get(r.repeatOf!)!;
        expect(original.repeatOf).toBeUndefined();
        expect(original.trial.id).toBeLessThan(r.trialId);
        expect(original.trial.hash).toBe(byId.get(r.trialId)!.trial.hash);
        expect(r.score).toBe(original.score);
        expect(r.seconds).toBe(0);
      }
      // The best trial is the first evaluation of the best configuration, not a repeat of it.
      expect(cached.best!.trial.config['arm']).toBe('b');
      expect(cached.best!.repeatOf).toBeUndefined();
      expect(readJournal(cached.dir).search.cache).toBe(true);
    });

    it('is on by default only for evaluators that declare themselves deterministic', async () => {
      const undeclared: string[] = [];
      const undeclaredEvaluator = (c: Config) => (undeclared.push(c['arm'] as string), { score: 0 });
      const result = await runSearch({ dir: temp(), space: tiny, strategy: 'random', evaluator: undeclaredEvaluator, trials: 6 });
      expect(undeclared).toHaveLength(6);
      expect(result.repeatedNow).toBe(0);
      expect(readJournal(result.dir).search.cache).toBe(false);
      expect(createEvaluatorFromSpec({ kind: 'builtin', name: 'cell' }).deterministic).toBe(true);
      expect(createEvaluatorFromSpec({ kind: 'builtin', name: 'branin' }).deterministic).toBe(true);
      expect(createEvaluatorFromSpec({ kind: 'builtin', name: 'mnist' }).deterministic).toBeUndefined();
      const yes = 'yes' as unknown as boolean;
      const badCache = runSearch({ dir: temp(), space: tiny, strategy: 'random', evaluator: () => ({ score: 0 }), trials: 1, cache: yes });
      await expect(badCache).rejects.toMatchObject({ parameter: 'RunSearchConfig.cache', value: 'yes' });
    });

    it('re-evaluates a configuration whose evaluation failed, and caches infeasible ones', async () => {
      let calls = 0;
      const flaky: Evaluator = Object.assign(
        (config: Config) => {
          calls++;
          if (config['arm'] === 'a' && calls < 4) throw new Error('worker lost (simulated)');
          return { score: scores[config['arm'] as string], params: config['arm'] === 'c' ? 100 : 1 };
        },
        { deterministic: true },
      );
      const result = await runSearch({
        dir: temp(),
        space: tiny,
        strategy: 'random',
        evaluator: flaky,
        trials: 12,
        seed: 0,
        constraints: { maxParams: 10 },
      });
      const evaluated = result.trials.filter((t) => t.repeatOf === undefined);
      expect(calls).toBe(evaluated.length);
      // 'b' and 'c' (infeasible) once each; 'a' until it stopped failing, then never again.
      for (const arm of ['b', 'c']) expect(evaluated.filter((t) => t.trial.config['arm'] === arm)).toHaveLength(1);
      const a = evaluated.filter((t) => t.trial.config['arm'] === 'a');
      expect(a.map((t) => t.status).slice(-1)).toEqual(['ok']);
      expect(a.slice(0, -1).every((t) => t.status === 'failed')).toBe(true);
      expect(result.trials.filter((t) => t.trial.config['arm'] === 'c').every((t) => t.status === 'infeasible')).toBe(true);
    });

    it('a repeat of a trial still running waits for it instead of evaluating again', async () => {
      const arms: string[] = [];
      const slow: Evaluator = Object.assign(
        async (config: Config) => {
          arms.push(config['arm'] as string);
          await new Promise((r) => setTimeout(r, 50));
          return { score: scores[config['arm'] as string] };
        },
        { deterministic: true },
      );
      // Three workers on three configurations: random search's first three trials are distinct, the next ones repeats.
      const result = await runSearch({ dir: temp(), space: tiny, strategy: 'random', evaluator: slow, trials: 9, workers: 3, seed: 0 });
      expect([...arms].sort()).toEqual(['a', 'b', 'c']);
      expect(result.trials).toHaveLength(9);
      for (const t of result.trials) expect(t.score).toBe(scores[t.trial.config['arm'] as string]);
    });

    it('a resume replays the repeats and serves a repeat that was in flight at the kill from the cache', async () => {
      const dir = temp();
      const first = counting();
      await runSearch({ dir, space: tiny, strategy: 'evolution', evaluator: first.evaluate, trials: 10, seed: 2 });
      // Cut the journal after the last repeat's `ask`, as a kill before its result would.
      const lines = readFileSync(join(dir, 'journal.jsonl'), 'utf8').trimEnd().split('\n');
      const parsed = lines.map((l) => JSON.parse(l) as { type: string; repeatOf?: number });
      const lastRepeat = parsed.reduce((last, r, i) => (r.type === 'result' && r.repeatOf !== undefined ? i : last), -1);
      expect(lastRepeat).toBeGreaterThan(0);
      writeFileSync(join(dir, 'journal.jsonl'), `${lines.slice(0, lastRepeat).join('\n')}\n`);
      const again = counting();
      const resumed = await resumeSearch(dir, { evaluator: again.evaluate, trials: 16 });
      const straight = counting();
      const whole = await runSearch({ dir: temp(), space: tiny, strategy: 'evolution', evaluator: straight.evaluate, trials: 16, seed: 2 });
      expect(resumed.trials.map((t) => [t.trial.hash, t.score])).toEqual(whole.trials.map((t) => [t.trial.hash, t.score]));
      // Every configuration was evaluated before the cut: the resume evaluates nothing.
      expect(again.calls).toEqual([]);
      expect(resumed.repeatedNow).toBe(resumed.evaluatedNow);
      // Resumed with the cache off (the journal says on): repeats are evaluated again.
      const off = counting();
      const more = await resumeSearch(dir, { evaluator: off.evaluate, trials: 18, cache: false });
      expect(off.calls).toHaveLength(2);
      expect(more.repeatedNow).toBe(0);
    });
  });
});
