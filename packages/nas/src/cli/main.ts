#!/usr/bin/env node
/** bigmodel-nas: runs, resumes and exports neural architecture searches. */
import { readFileSync } from 'node:fs';

import { BigModelError, formatBackendInfo, initBackend } from '@bigmodel/core';

import { BUILTIN_EVALUATORS, type EvaluatorSpec } from '../evaluators/evaluator-spec';
import { readJournal } from '../runner/journal';
import { exportBest } from '../runner/export-best';
import { finishedTrials, leaderboard, paretoFront } from '../runner/leaderboard';
import { rescoreTop } from '../runner/rescore';
import { resumeSearch, runSearch, type SearchProgress, type SearchResult, type TrialStart } from '../runner/run-search';
import { STRATEGY_NAMES, type StrategyName } from '../runner/search-spec';
import { BUILTIN_SPACES, builtinSpace } from '../space/builtin-spaces';
import { SearchSpace } from '../space/search-space';

const HELP = `Usage: bigmodel-nas search --space <FILE.json|builtin:NAME> --strategy <${STRATEGY_NAMES.join('|')}> [--hyperband]
                           --trials N [--workers W] [--seed S] --out DIR [options]
       bigmodel-nas resume DIR [--workers W] [--trials N] [--minutes M [--fit-time]] [--keep-models K]
       bigmodel-nas rescore DIR [--top K] [--repeats R] [--workers W] [--minutes M]
       bigmodel-nas export DIR --out MODEL_DIR [--retrain [--budget B] [--seed S]] [--ignore-rescore]
       bigmodel-nas leaderboard DIR [--top K] [--pareto METRIC,...]

search options:
  --evaluator builtin:NAME     ${BUILTIN_EVALUATORS.join(', ')} (default: the built-in space's own evaluator)
  --evaluator-module FILE.js   a module whose export --evaluator-export (default createEvaluator) makes the evaluator
  --budget B                   budget (epochs) of every trial without --hyperband (default 1)
  --min-budget R --max-budget R --eta E   Hyperband's budgets (default 1, 9, 3)
  --successive-halving         one bracket (the most aggressive) instead of Hyperband's cycle
  --minutes M                  stop proposing trials after M minutes (resume continues)
  --fit-time                   with --minutes: start only trials predicted to end within M minutes, so the
                               search ends by then (a promoted trial's time is its cheaper run's, scaled)
  --max-params N --max-latency-ms X       constraints; breaking trials are recorded as infeasible
  --keep-models K              keep the trained models of the K best configurations (default 1; pass the
                               rescore's --top so that export can take any candidate's own model; the
                               journal records it, and resume keeps to it unless given another)
rescore: evaluates the K best configurations at the largest budget (default 3) R more times each (default 1),
  with fresh seeds and other validation splits, and ranks them by their mean score (DIR/rescore); --minutes M
  starts only evaluations predicted to end within M minutes. Export then takes the winner of that ranking.
export: writes the best trial's own trained model (kept by the search in DIR/models) and reports its
  validation accuracy (the trial's score) and its test accuracy (core's test split, unused by the search).
  --retrain                    train the best configuration from scratch instead (at --budget B epochs,
                               default the search's largest budget; --seed S, default the search's seed)
  --ignore-rescore             export the search's own best even when DIR holds a re-scoring
Built-in spaces: ${BUILTIN_SPACES.join(', ')}. Workers default to the number of cores.`;

class UsageError extends Error {}

/** Whole seconds as `MmSSs` (rounded first, so 119.6 s is 2m00s, not 1m60s). */
const format = (seconds: number) => {
  const s = Math.round(seconds);
  return `${Math.floor(s / 60)}m${(s % 60).toString().padStart(2, '0')}s`;
};

function progress(p: SearchProgress): void {
  const last = p.last.status === 'ok' ? p.last.score.toPrecision(5) : `${p.last.status} (${p.last.error ?? ''})`;
  const best = p.best ? `${p.best.score.toPrecision(5)} (trial ${p.best.trial.id}, budget ${p.best.trial.budget})` : '-';
  process.stderr.write(`[${p.done}/${p.total}] trial ${p.last.trial.id} budget ${p.last.trial.budget}: ${last} | best ${best} | ${format(p.elapsedSeconds)} elapsed, ETA ${format(p.etaSeconds)}\n`);
}

function started(t: TrialStart): void {
  process.stderr.write(`[${t.done}/${t.total}] trial ${t.trial.id} budget ${t.trial.budget}: started (${t.running} running) | ${format(t.elapsedSeconds)} elapsed\n`);
}

function report(result: SearchResult): void {
  for (const s of result.skippedLines) process.stderr.write(`journal line ${s.line} skipped: ${s.reason}\n`);
  console.log(JSON.stringify({ dir: result.dir, trials: result.trials.length, evaluatedNow: result.evaluatedNow, timedOut: result.timedOut, best: result.best ? { id: result.best.trial.id, score: result.best.score, budget: result.best.trial.budget, config: result.best.trial.config } : null }, null, 2));
}

function parse(argv: string[]) {
  const flags = new Map<string, string | true>();
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('--')) positional.push(a);
    else if (['--hyperband', '--successive-halving', '--retrain', '--ignore-rescore', '--fit-time', '--help'].includes(a)) flags.set(a, true);
    else if (i + 1 >= argv.length) throw new UsageError(`${a} needs a value.`);
    else flags.set(a, argv[++i]);
  }
  const text = (name: string) => {
    const v = flags.get(name);
    return typeof v === 'string' ? v : undefined;
  };
  const number = (name: string, integer = false) => {
    const v = text(name);
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!Number.isFinite(n) || (integer && !Number.isInteger(n))) throw new UsageError(`${name} expects ${integer ? 'an integer' : 'a number'}, got '${v}'.`);
    return n;
  };
  return { flags, positional, text, number };
}

async function main(argv: string[]): Promise<void> {
  const { flags, positional, text, number } = parse(argv);
  const command = positional[0];
  if (flags.has('--help') || !command) {
    console.log(HELP);
    return;
  }
  if (command === 'search') {
    const spaceArg = text('--space');
    const strategy = text('--strategy');
    const out = text('--out');
    const trials = number('--trials', true);
    if (!spaceArg || !strategy || !out || trials === undefined) throw new UsageError('search needs --space, --strategy, --trials and --out.');
    if (!STRATEGY_NAMES.includes(strategy as StrategyName)) throw new UsageError(`--strategy must be one of ${STRATEGY_NAMES.join(', ')}, got '${strategy}'.`);
    const builtin = spaceArg.startsWith('builtin:') ? spaceArg.slice('builtin:'.length) : undefined;
    const space = builtin !== undefined ? builtinSpace(builtin) : SearchSpace.fromJSON(readFileSync(spaceArg, 'utf8'));
    let evaluator: EvaluatorSpec;
    const evaluatorArg = text('--evaluator');
    if (text('--evaluator-module')) evaluator = { kind: 'module', module: text('--evaluator-module')!, exportName: text('--evaluator-export') };
    else if (evaluatorArg?.startsWith('builtin:')) evaluator = { kind: 'builtin', name: evaluatorArg.slice('builtin:'.length) as never };
    else if (builtin && (BUILTIN_EVALUATORS as readonly string[]).includes(builtin)) evaluator = { kind: 'builtin', name: builtin as never };
    else throw new UsageError('Name an evaluator: --evaluator builtin:NAME or --evaluator-module FILE.js.');
    const hyperband = flags.has('--hyperband') || flags.has('--successive-halving')
      ? { minBudget: number('--min-budget') ?? 1, maxBudget: number('--max-budget') ?? 9, eta: number('--eta') ?? 3, mode: flags.has('--successive-halving') ? ('successive-halving' as const) : ('hyperband' as const) }
      : undefined;
    const minutes = number('--minutes');
    const maxParams = number('--max-params');
    const maxLatencyMs = number('--max-latency-ms');
    report(
      await runSearch({
        dir: out,
        space,
        strategy: strategy as StrategyName,
        hyperband,
        evaluator,
        trials,
        workers: number('--workers', true),
        seed: number('--seed', true) ?? 0,
        budget: number('--budget') ?? 1,
        constraints: maxParams !== undefined || maxLatencyMs !== undefined ? { maxParams, maxLatencyMs } : undefined,
        maxSeconds: minutes === undefined ? undefined : minutes * 60,
        fitToTime: flags.has('--fit-time'),
        keepModels: number('--keep-models', true),
        onProgress: progress,
        onTrialStart: started,
      }),
    );
  } else if (command === 'resume') {
    const dir = positional[1];
    if (!dir) throw new UsageError('resume needs the search directory.');
    const minutes = number('--minutes');
    report(await resumeSearch(dir, { workers: number('--workers', true), trials: number('--trials', true), maxSeconds: minutes === undefined ? undefined : minutes * 60, fitToTime: flags.has('--fit-time'), keepModels: number('--keep-models', true), onProgress: progress, onTrialStart: started }));
  } else if (command === 'rescore') {
    const dir = positional[1];
    if (!dir) throw new UsageError('rescore needs the search directory.');
    const minutes = number('--minutes');
    const result = await rescoreTop(dir, {
      top: number('--top', true),
      repeats: number('--repeats', true),
      workers: number('--workers', true),
      maxSeconds: minutes === undefined ? undefined : minutes * 60,
      onProgress: (r, done, total) => process.stderr.write(`[${done}/${total}] trial ${r.trialId} fold ${r.fold}: ${r.status === 'ok' ? r.score!.toPrecision(5) : `failed (${r.error})`} (${r.seconds.toFixed(0)}s)\n`),
    });
    for (const c of result.candidates) process.stderr.write(`trial ${c.trial.trial.id}: mean ${c.meanScore.toPrecision(5)} over [${c.evaluations.map((e) => e.score.toPrecision(5)).join(', ')}]${c.complete ? '' : ' (incomplete, unranked)'}\n`);
    console.log(JSON.stringify({ dir, evaluatedNow: result.evaluatedNow, best: { id: result.best.trial.trial.id, meanScore: result.best.meanScore, scores: result.best.evaluations.map((e) => e.score), config: result.best.trial.trial.config } }, null, 2));
  } else if (command === 'export') {
    const dir = positional[1];
    const out = text('--out');
    if (!dir || !out) throw new UsageError('export needs the search directory and --out MODEL_DIR.');
    const retrain = flags.has('--retrain');
    if (!retrain && (flags.has('--budget') || flags.has('--seed'))) throw new UsageError('--budget and --seed apply only with --retrain (without it the trial\'s own model is exported).');
    process.stderr.write(`backend: ${formatBackendInfo(await initBackend())}\n`);
    const summary = await exportBest(dir, {
      out,
      retrain,
      budget: number('--budget', true),
      seed: number('--seed', true),
      rescored: !flags.has('--ignore-rescore'),
      onEpoch: (epoch, logs) => process.stderr.write(`export epoch ${epoch + 1}: ${Object.entries(logs).map(([k, v]) => `${k} ${v.toFixed(4)}`).join(' ')}\n`),
    });
    const { valAccuracy, testAccuracy } = summary.metrics;
    if (valAccuracy !== undefined) {
      const source = summary.retrained ? `trial ${summary.trialId}'s configuration retrained for ${summary.budget} epochs` : `trial ${summary.trialId}'s model (${summary.trialModel})`;
      process.stderr.write(`exported ${source}: validation ${valAccuracy.toFixed(4)} (search score ${summary.searchScore.toFixed(4)}), test ${testAccuracy?.toFixed(4) ?? '-'}\n`);
    }
    console.log(JSON.stringify(summary, null, 2));
  } else if (command === 'leaderboard') {
    const dir = positional[1];
    if (!dir) throw new UsageError('leaderboard needs the search directory.');
    const trials = finishedTrials(readJournal(dir).records);
    const pareto = text('--pareto');
    const rows = pareto ? paretoFront(trials, pareto.split(',')) : leaderboard(trials).slice(0, number('--top', true) ?? 10);
    for (const t of rows) console.log(`trial ${t.trial.id}\tbudget ${t.trial.budget}\t${t.status}\t${t.score}\t${JSON.stringify(t.metrics)}\t${JSON.stringify(t.trial.config)}`);
  } else {
    throw new UsageError(`Unknown command '${command}'.`);
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  if (error instanceof UsageError) {
    console.error(`${error.message}\n\n${HELP}`);
    process.exit(2);
  }
  console.error(BigModelError.isInstance(error) ? `${error.name}: ${error.message}` : error);
  process.exit(1);
});
