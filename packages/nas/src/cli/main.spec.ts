import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const cli = resolve(__dirname, '..', '..', 'dist', 'cli', 'main.js');
const nas = (...args: string[]) => spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8' });

describe('bigmodel-nas', () => {
  it('searches with progress, resumes to more trials, and prints the leaderboard', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'nas-cli-')), 'search');
    const search = nas(
      'search',
      '--space',
      'builtin:branin',
      '--strategy',
      'tpe',
      '--trials',
      '6',
      '--workers',
      '1',
      '--seed',
      '0',
      '--out',
      out,
    );
    expect(search.status).toBe(0);
    expect(search.stderr).toMatch(/\[6\/6\] trial 5 budget 1: .* \| best .* ETA 0m00s/);
    // Each trial is announced when it starts, before its result.
    const lines = search.stderr.split('\n');
    expect(lines.indexOf('[0/6] trial 0 budget 1: started (1 running) | 0m00s elapsed')).toBeGreaterThanOrEqual(0);
    expect(lines.findIndex((l) => l.startsWith('[0/6] trial 0 budget 1: started'))).toBeLessThan(
      lines.findIndex((l) => l.startsWith('[1/6] trial 0 budget 1: ')),
    );
    const summary = JSON.parse(search.stdout);
    expect(summary.trials).toBe(6);
    const resumed = nas('resume', out, '--trials', '8');
    expect(resumed.status).toBe(0);
    expect(JSON.parse(resumed.stdout)).toMatchObject({ trials: 8, evaluatedNow: 2 });
    const board = nas('leaderboard', out, '--top', '3');
    expect(board.stdout.trim().split('\n')).toHaveLength(3);
    // Re-scoring the 2 best twice more: branin is deterministic, so each mean equals its score.
    const rescore = nas('rescore', out, '--top', '2', '--repeats', '2', '--workers', '1');
    expect(rescore.status).toBe(0);
    expect(rescore.stderr).toMatch(/\[4\/4\] trial \d+ fold 2: /);
    const best = JSON.parse(rescore.stdout).best;
    expect(best.scores).toHaveLength(3);
    expect(new Set(best.scores).size).toBe(1);
    expect(best.meanScore).toBeCloseTo(best.scores[0], 12);
    expect(best.id).toBe(JSON.parse(resumed.stdout).best.id);
    const changed = nas('rescore', out, '--top', '3', '--repeats', '2');
    // Another --top than the re-scoring it continues is refused before it starts: a usage error (exit 2).
    expect(changed.status).toBe(2);
    expect(changed.stderr).toContain('started with --top');
  });

  it('reads a space from JSON and runs a full Hyperband bracket over evolution (9 at 1, 3 at 3, 1 at 9)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'nas-cli-'));
    writeFileSync(
      join(dir, 'space.json'),
      JSON.stringify({ params: { x1: { type: 'float', min: -5, max: 10 }, x2: { type: 'float', min: 0, max: 15 } } }),
    );
    const run = nas(
      'search',
      '--space',
      join(dir, 'space.json'),
      '--evaluator',
      'builtin:branin',
      '--strategy',
      'evolution',
      '--hyperband',
      '--trials',
      '13',
      '--workers',
      '1',
      '--out',
      join(dir, 'out'),
    );
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout).best.budget).toBe(9);
  });

  it('rejects bad input with a message and a non-zero exit', () => {
    const out = mkdtempSync(join(tmpdir(), 'nas-cli-'));
    const bogus = nas('search', '--space', 'builtin:branin', '--strategy', 'annealing', '--trials', '3', '--out', out);
    expect(bogus.status).toBe(2);
    expect(bogus.stderr).toContain('Invalid argument for --strategy: "annealing". Must be one of random, evolution, reinforce, tpe.');
    const dir = mkdtempSync(join(tmpdir(), 'nas-cli-'));
    writeFileSync(join(dir, 'space.json'), JSON.stringify({ params: { x1: { type: 'float', min: 10, max: -5 } } }));
    const contradictory = nas(
      'search',
      '--space',
      join(dir, 'space.json'),
      '--evaluator',
      'builtin:branin',
      '--strategy',
      'random',
      '--trials',
      '3',
      '--out',
      join(dir, 'out'),
    );
    expect(contradictory.status).toBe(2); // refused before the search starts
    expect(contradictory.stderr).toContain('space.params.x1.min');
    const budgetWithoutRetrain = nas('export', join(dir, 'out'), '--out', join(dir, 'model'), '--budget', '12');
    expect(budgetWithoutRetrain.status).toBe(2);
    expect(budgetWithoutRetrain.stderr).toContain('--budget and --seed apply only with --retrain');
    const fitWithoutMinutes = nas(
      'search',
      '--space',
      'builtin:branin',
      '--strategy',
      'random',
      '--trials',
      '3',
      '--fit-time',
      '--out',
      join(dir, 'fit'),
    );
    expect(fitWithoutMinutes.status).toBe(2);
    expect(fitWithoutMinutes.stderr).toContain('--fit-time');
    const noJournal = nas('resume', join(dir, 'nowhere'));
    expect(noJournal.status).toBe(2);
    expect(noJournal.stderr).toContain('FileFormatError');
  });
});
