import { appendFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { InvalidArgumentError } from '@bigmodel/core';

import type { Evaluator, TrialContext } from '../evaluators/evaluator';
import type { SearchSpaceDefinition } from '../space/search-space';
import { rescoreJournalPath, rescoreSeed, rescoreTop, rescoredBest } from './rescore';
import { runSearch } from './run-search';

const temp = () => join(mkdtempSync(join(tmpdir(), 'nas-rescore-')), 'search');

// Five configurations with known true quality; in the search (fold 0) 'lucky' draws a +0.05
// error and scores above 'good', its true better. Later folds measure close to the truth.
const space: SearchSpaceDefinition = { params: { arch: { type: 'categorical', choices: ['poor', 'fair', 'lucky', 'good', 'okay'] } } };
const truth: Record<string, number> = { poor: 0.8, fair: 0.85, lucky: 0.9, good: 0.93, okay: 0.88 };
const noise = (arch: string, fold: number) => (fold === 0 ? (arch === 'lucky' ? 0.05 : 0) : fold % 2 === 0 ? 0.002 : -0.002);

function recordingEvaluator(delayMs = 0) {
  const calls: TrialContext[] = [];
  const evaluate: Evaluator = async (config, _budget, context) => {
    calls.push(context);
    if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
    const arch = String(config['arch']);
    return { score: truth[arch] + noise(arch, context.fold ?? 0) };
  };
  return { evaluate, calls };
}

/** A search that tries every configuration once (random search over 5 values with enough trials). */
async function searchAll(dir: string, evaluate: Evaluator) {
  const result = await runSearch({ dir, space, strategy: 'random', evaluator: evaluate, trials: 12, seed: 0, keepModels: false });
  expect(new Set(result.trials.map((t) => t.trial.config['arch']))).toEqual(new Set(Object.keys(truth)));
  expect(result.best!.trial.config['arch']).toBe('lucky');
  return result;
}

describe('rescoreTop', () => {
  it("re-evaluates the top configurations on other folds with fresh seeds and ranks them by mean score, undoing the search's lucky winner", async () => {
    const dir = temp();
    const { evaluate, calls } = recordingEvaluator();
    const search = await searchAll(dir, evaluate);
    const searchSeeds = new Set(calls.map((c) => c.seed));
    calls.length = 0;

    const result = await rescoreTop(dir, { top: 3, repeats: 2, evaluator: evaluate });
    // Candidates: the three best distinct configurations of the search: lucky (0.95), good (0.93), okay (0.88).
    expect(result.candidates.map((c) => c.trial.trial.config['arch']).sort()).toEqual(['good', 'lucky', 'okay']);
    expect(result.evaluatedNow).toBe(6);
    expect(calls.map((c) => c.fold).sort()).toEqual([1, 1, 1, 2, 2, 2]);
    for (const c of calls) {
      expect(searchSeeds.has(c.seed)).toBe(false);
      expect(c.seed).toBe(rescoreSeed(0, c.trialId, c.fold!));
    }
    // Means: good (0.93 + 0.928 + 0.932) / 3 = 0.93; lucky (0.95 + 0.898 + 0.902) / 3 = 0.9167; okay 0.88.
    expect(result.best.trial.trial.config['arch']).toBe('good');
    expect(result.candidates.map((c) => c.trial.trial.config['arch'])).toEqual(['good', 'lucky', 'okay']);
    expect(result.best.meanScore).toBeCloseTo(0.93, 12);
    expect(result.candidates[1].meanScore).toBeCloseTo((0.95 + 0.898 + 0.902) / 3, 12);
    expect(result.best.evaluations.map((e) => e.fold)).toEqual([0, 1, 2]);
    expect(search.best!.trial.id).toBe(result.candidates[1].trial.trial.id);

    // Read back from the journal: the same ranking; run again: nothing is evaluated twice.
    expect(rescoredBest(dir)!.candidates.map((c) => c.meanScore)).toEqual(result.candidates.map((c) => c.meanScore));
    const again = await rescoreTop(dir, { top: 3, repeats: 2, evaluator: evaluate });
    expect(again.evaluatedNow).toBe(0);
    expect(again.best.trial.trial.id).toBe(result.best.trial.trial.id);
  });

  it('stops starting evaluations that would end after maxSeconds, ranks only complete candidates, and resumes the rest exactly', async () => {
    const dir = temp();
    await searchAll(dir, recordingEvaluator(50).evaluate);
    // Each evaluation is predicted to take its search trial's ~0.05 s, but takes 1.2 s: the first
    // starts well within 0.8 s, and after it no prediction can fit (the margins leave room for a slow machine).
    const { evaluate } = recordingEvaluator(1200);
    const partial = await rescoreTop(dir, { top: 2, repeats: 1, evaluator: evaluate, workers: 1, maxSeconds: 0.8 });
    expect(partial.evaluatedNow).toBe(1);
    expect(partial.candidates.map((c) => c.complete)).toEqual([true, false]);
    // 'lucky' (search rank 1) was re-scored first; 'good' has no repeat yet and is not ranked above it.
    expect(partial.best.trial.trial.config['arch']).toBe('lucky');

    // A torn line (a kill mid-write) is skipped; the rest resumes without repeating the finished one.
    appendFileSync(rescoreJournalPath(dir), '{"type":"rescore","trialId":');
    const rest = await rescoreTop(dir, { top: 2, repeats: 1, evaluator: evaluate, workers: 1 });
    expect(rest.evaluatedNow).toBe(1);
    expect(rest.best.trial.trial.config['arch']).toBe('good');
    const lines = readFileSync(rescoreJournalPath(dir), 'utf8')
      .split('\n')
      .filter((l) => l.startsWith('{"type":"rescore"') && l.endsWith('}'));
    expect(lines).toHaveLength(2);
  });

  it("keeps to the search's order: nothing starts after an evaluation that does not fit, and the search's best stands unless it is complete", async () => {
    // 'lucky' (the search's best) takes 0.4 s, the others none: in 0.3 s nothing may start, although 'good' would fit.
    const slow: Evaluator = async (config, budget, context) => {
      if (config['arch'] === 'lucky') await new Promise((resolve) => setTimeout(resolve, 400));
      return recordingEvaluator().evaluate(config, budget, context);
    };
    const dir = temp();
    await searchAll(dir, slow);
    const none = await rescoreTop(dir, { top: 2, repeats: 1, evaluator: slow, workers: 1, maxSeconds: 0.3 });
    expect(none.evaluatedNow).toBe(0);
    expect(none.best.trial.trial.config['arch']).toBe('lucky');

    // A failed evaluation is final and leaves 'lucky' incomplete: 'good', complete and better on
    // average, is still not ranked above the search's best, since nothing fair compares them.
    const failing: Evaluator = async (config, budget, context) => {
      if (config['arch'] === 'lucky') throw new Error('worker died');
      return recordingEvaluator().evaluate(config, budget, context);
    };
    const dir2 = temp();
    await searchAll(dir2, recordingEvaluator().evaluate);
    const result = await rescoreTop(dir2, { top: 2, repeats: 1, evaluator: failing });
    expect(result.evaluatedNow).toBe(2);
    expect(result.candidates.map((c) => [c.trial.trial.config['arch'], c.complete])).toEqual([
      ['lucky', false],
      ['good', true],
    ]);
    expect(result.best.trial.trial.config['arch']).toBe('lucky');
    expect((await rescoreTop(dir2, { top: 2, repeats: 1, evaluator: recordingEvaluator().evaluate })).evaluatedNow).toBe(0);
  });

  it('refuses bad options and a changed re-scoring, naming the parameter', async () => {
    const dir = temp();
    const { evaluate } = recordingEvaluator();
    await searchAll(dir, evaluate);
    const parameterOf = async (promise: Promise<unknown>) => {
      const error = await promise.then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(InvalidArgumentError.isInstance(error)).toBe(true);
      return (error as InvalidArgumentError).parameter;
    };
    expect(await parameterOf(rescoreTop(dir, { top: 0, evaluator: evaluate }))).toBe('top');
    expect(await parameterOf(rescoreTop(dir, { repeats: 1.5, evaluator: evaluate }))).toBe('repeats');
    expect(await parameterOf(rescoreTop(dir, { maxSeconds: -1, evaluator: evaluate }))).toBe('maxSeconds');
    expect(await parameterOf(rescoreTop(dir, {}))).toBe('options.evaluator');
    await rescoreTop(dir, { top: 2, repeats: 1, evaluator: evaluate });
    expect(await parameterOf(rescoreTop(dir, { top: 2, repeats: 2, evaluator: evaluate }))).toBe('repeats');
    expect(await parameterOf(rescoreTop(dir, { top: 3, repeats: 1, evaluator: evaluate }))).toBe('top');
  });
});
