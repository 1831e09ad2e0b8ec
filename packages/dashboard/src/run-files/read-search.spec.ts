import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { FileFormatError } from '@bigmodel/core';
import { builtinSpace, runSearch } from '@bigmodel/nas';

import { readSearch } from './read-search';

const temp = () => mkdtempSync(join(tmpdir(), 'bigmodel-dashboard-search-'));

/** The negated Branin function (maximized), failing every fifth trial as an out-of-memory would. */
const branin = (config: Record<string, unknown>) => {
  const x1 = config['x1'] as number;
  const x2 = config['x2'] as number;
  const b = 5.1 / (4 * Math.PI ** 2);
  return -((x2 - b * x1 ** 2 + (5 / Math.PI) * x1 - 6) ** 2 + 10 * (1 - 1 / (8 * Math.PI)) * Math.cos(x1) + 10);
};

describe('readSearch', () => {
  it('reads the trials a runSearch journal holds, in finishing order, with the best score so far', async () => {
    const dir = temp();
    let calls = 0;
    const result = await runSearch({
      dir,
      space: builtinSpace('branin'),
      strategy: 'random',
      trials: 10,
      seed: 4,
      keepModels: false,
      evaluator: (config) => {
        if (++calls % 5 === 0) throw new Error('out of memory (simulated)');
        return { score: branin(config) };
      },
    });
    const summary = readSearch(dir);
    expect(summary).toMatchObject({ strategy: 'random', plannedTrials: 10, skippedLines: 0 });
    expect(summary.trials.map((t) => [t.id, t.status])).toEqual(result.trials.map((t) => [t.trial.id, t.status]));
    // Scores: the evaluator's own, recomputed from each trial's configuration; null for the failed ones.
    expect(summary.trials.map((t) => t.score)).toEqual(result.trials.map((t) => (t.status === 'ok' ? branin(t.trial.config) : null)));
    let best = -Infinity;
    const running = result.trials.map((t) => (t.status === 'ok' ? (best = Math.max(best, branin(t.trial.config))) : best));
    expect(summary.trials.map((t) => t.bestSoFar)).toEqual(running);
    expect(summary.trials.filter((t) => t.score === null)).toHaveLength(2);
    expect(summary.trials[0].config).toEqual(result.trials[0].trial.config);
  });

  it('leaves out lines that are not well-formed records and counts them', () => {
    const dir = temp();
    const lines = [
      { type: 'search', version: 1, spec: { strategy: { name: 'tpe' }, trials: 'many' } },
      { type: 'ask', trial: { id: 0, config: { a: 1 }, budget: 1 } },
      { type: 'ask', trial: { id: 1, config: { a: 2 }, budget: 1 } },
      { type: 'ask', trial: { id: 2, config: { a: 3 }, budget: 1 } },
      { type: 'result', trialId: 0, status: 'ok', score: 0.5, seconds: 1 },
      { type: 'result', trialId: 0, status: 'ok', score: 0.75, seconds: 1 }, // a second result for a trial: the first counts
      { type: 'result', trialId: 7, status: 'ok', score: 0.75, seconds: 1 }, // never asked
      { type: 'result', trialId: 1, status: 'ok', score: '0.9' }, // a string score: kept as a trial without a score
      { type: 'result', trialId: 'x', status: 'ok', score: 0.7 },
      { type: 'result', trialId: 2, status: 'ok', score: 0.25 },
      [1, 2, 3],
      null,
      { type: 'ask', trial: { id: Number.POSITIVE_INFINITY } },
    ];
    writeFileSync(join(dir, 'journal.jsonl'), lines.map((l) => JSON.stringify(l)).join('\n') + '\n{"type":"result","trialId":3,"sta');
    const summary = readSearch(dir);
    expect(summary.strategy).toBe('tpe');
    expect(summary.plannedTrials).toBeUndefined();
    expect(summary.trials.map((t) => [t.id, t.score, t.bestSoFar])).toEqual([
      [0, 0.5, 0.5],
      [1, null, 0.5],
      [2, 0.25, 0.5],
    ]);
    expect(summary.trials[0].config).toEqual({ a: 1 });
    expect(summary.skippedLines).toBe(7);
  });

  it('refuses a journal without a search record, a symlink out, a FIFO (without blocking) and an oversized file', () => {
    const outside = temp();
    writeFileSync(join(outside, 'journal.jsonl'), JSON.stringify({ type: 'search', version: 1, spec: {} }) + '\n');
    const cases: Record<string, (dir: string) => void> = {
      'not a journal': (dir) => writeFileSync(join(dir, 'journal.jsonl'), '{"step":1}\n'),
      'symlink out': (dir) => symlinkSync(join(outside, 'journal.jsonl'), join(dir, 'journal.jsonl')),
      fifo: (dir) => expect(spawnSync('mkfifo', [join(dir, 'journal.jsonl')]).status).toBe(0),
      oversized: (dir) => {
        writeFileSync(join(dir, 'journal.jsonl'), readFileSync(join(outside, 'journal.jsonl')));
        truncateSync(join(dir, 'journal.jsonl'), 65 * 1024 * 1024); // sparse: nothing is written
      },
    };
    for (const [name, make] of Object.entries(cases)) {
      const dir = temp();
      mkdirSync(dir, { recursive: true });
      make(dir);
      const start = Date.now();
      let error: unknown;
      try {
        readSearch(dir);
      } catch (e) {
        error = e;
      }
      const fast = Date.now() - start < 1000;
      expect({ name, fileFormatError: FileFormatError.isInstance(error), fast }).toEqual({ name, fileFormatError: true, fast: true });
    }
  });
});
