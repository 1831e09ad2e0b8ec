import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { runSearch } from '../runner/run-search';
import { builtinSpace } from '../space/builtin-spaces';
import { main } from './main';

let tmp: string;
/** A finished 3-trial search (branin's space, an in-thread evaluator recording `params`). */
let searchDir: string;

/** Runs `bigmodel-nas` in-process; returns its exit status and what it printed. */
async function nas(argv: string[]) {
  let out = '';
  let err = '';
  const code = await main(argv, { stdout: { write: (s: string) => (out += s) }, stderr: { write: (s: string) => (err += s) } });
  return { code, out, err };
}

/** Every file under `dir` with its contents, to check that a refused command changed nothing. */
const snapshot = (dir: string) =>
  readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => `${e.name}:${readFileSync(join(e.parentPath, e.name), 'utf8')}`)
    .sort();

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'nas-bad-'));
  searchDir = join(tmp, 'search');
  await runSearch({
    dir: searchDir,
    space: builtinSpace('branin'),
    strategy: 'random',
    trials: 3,
    evaluator: (config) => ({ score: -Number(config['x1']), params: 10 }),
  });
  writeFileSync(join(tmp, 'contradictory.json'), JSON.stringify({ params: { x1: { type: 'float', min: 10, max: -5 } } }));
  writeFileSync(join(tmp, 'space.json'), JSON.stringify({ params: { x1: { type: 'float', min: -5, max: 10 } } }));
  writeFileSync(join(tmp, 'huge-filters.json'), JSON.stringify({ params: { filters1: { type: 'categorical', choices: [32, 100000] } } }));
  writeFileSync(join(tmp, 'no-factory.js'), 'exports.somethingElse = 1;\n');
  execFileSync('mkfifo', [join(tmp, 'fifo.json')]);
  writeFileSync(join(tmp, 'broken.js'), 'exports.createEvaluator = (;\n');
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const OUT = '<out>';
const DIR = '<search>';
const search = (...extra: string[]) => [
  'search',
  '--space',
  'builtin:branin',
  '--strategy',
  'random',
  '--trials',
  '3',
  '--out',
  OUT,
  ...extra,
];

describe('bigmodel-nas bad input', () => {
  // [flag, command line, exit status, fragment of the one-line error]
  const cases: [string, string[], number, string][] = [
    ['command', ['serch'], 2, 'unknown command serch; did you mean search?'],
    ['search unknown flag', search('--stratgy', 'tpe'), 2, 'unknown flag --stratgy; did you mean --strategy?'],
    ['--space', ['search', '--strategy', 'random', '--trials', '3', '--out', OUT], 2, 'flag --space is required'],
    ['--space', search('--space', 'builtin:brainin'), 2, 'Invalid argument for --space: "builtin:brainin". Built-in spaces:'],
    ['--space', search('--space', 'builtin:brainin'), 2, 'Did you mean builtin:branin?'],
    [
      '--space',
      search('--space', '<tmp>/missing.json'),
      2,
      'FileFormatError: <tmp>/missing.json cannot be read (--space): does not exist.',
    ],
    [
      '--space',
      search('--space', '<tmp>/fifo.json'),
      2,
      'FileFormatError: <tmp>/fifo.json cannot be read (--space): is not a regular file.',
    ],
    ['--space', search('--space', '<tmp>/contradictory.json', '--evaluator', 'builtin:branin'), 2, 'space.params.x1.min'],
    [
      '--space',
      search('--space', '<tmp>/huge-filters.json', '--evaluator', 'builtin:mnist'),
      2,
      'Invalid argument for space.filters1: 100000. The mnist evaluator builds networks only from integers in [1, 1024] for filters1.',
    ],
    [
      '--strategy',
      search('--strategy', 'annealing'),
      2,
      'Invalid argument for --strategy: "annealing". Must be one of random, evolution, reinforce, tpe.',
    ],
    ['--trials', search('--trials', '0'), 2, 'Invalid argument for --trials: "0"'],
    ['--trials', search('--trials', '1e300'), 2, 'Invalid argument for --trials: "1e300"'],
    ['--out', ['search', '--space', 'builtin:branin', '--strategy', 'random', '--trials', '3'], 2, 'flag --out is required'],
    ['--workers', search('--workers', '0'), 2, 'Invalid argument for --workers: "0". Must be an integer in [1, 256].'],
    ['--seed', search('--seed', '99999999999999999999'), 2, 'Invalid argument for --seed: "99999999999999999999"'],
    [
      '--evaluator',
      search('--evaluator', 'builtin:nosuch'),
      2,
      'Invalid argument for --evaluator: "builtin:nosuch". Built-in evaluators: builtin:mnist,',
    ],
    ['--evaluator', search('--space', '<tmp>/space.json'), 2, 'Name an evaluator'],
    [
      '--evaluator-module',
      search('--evaluator-module', '<tmp>/missing.js'),
      2,
      'Invalid argument for --evaluator-module: "<tmp>/missing.js". No such file',
    ],
    [
      '--evaluator-module',
      search('--evaluator-module', '<tmp>/broken.js'),
      2,
      'FileFormatError: <tmp>/broken.js cannot be loaded as a module (--evaluator-module)',
    ],
    [
      '--evaluator-export',
      search('--evaluator-module', '<tmp>/no-factory.js'),
      2,
      'Invalid argument for --evaluator-export: "createEvaluator". <tmp>/no-factory.js exports no function',
    ],
    [
      '--evaluator-export',
      search('--evaluator-export', 'make'),
      2,
      'Invalid argument for --evaluator-export: "make". Applies only with --evaluator-module.',
    ],
    ['--budget', search('--budget', '0'), 2, 'Invalid argument for --budget: "0"'],
    ['--budget', search('--hyperband', '--budget', '3'), 2, 'Invalid argument for --budget: 3. With --hyperband the budgets are'],
    ['--hyperband', search('--hyperband', 'yes'), 2, 'too many arguments'],
    [
      '--successive-halving',
      search('--successive-halving', '--min-budget', '9', '--max-budget', '3'),
      2,
      'Invalid argument for --min-budget: 9. Must not exceed --max-budget (3).',
    ],
    [
      '--min-budget',
      search('--min-budget', '2'),
      2,
      'Invalid argument for --min-budget: 2. Applies only with --hyperband or --successive-halving.',
    ],
    ['--max-budget', search('--hyperband', '--max-budget', '-1'), 2, 'Invalid argument for --max-budget: "-1"'],
    ['--eta', search('--hyperband', '--eta', '1'), 2, 'Invalid argument for --eta: "1". Must be a number in (1, 100].'],
    ['--minutes', search('--minutes', '-5'), 2, 'Invalid argument for --minutes: "-5". Must be a number in (0, 10080].'],
    ['--fit-time', search('--fit-time'), 2, 'Invalid argument for --fit-time: true. Applies only with --minutes'],
    ['--max-params', search('--max-params', '0'), 2, 'Invalid argument for --max-params: "0"'],
    ['--max-latency-ms', search('--max-latency-ms', 'fast'), 2, 'Invalid argument for --max-latency-ms: "fast"'],
    ['--keep-models', search('--keep-models', '0'), 2, 'Invalid argument for --keep-models: "0"'],
    ['resume <dir>', ['resume'], 2, 'missing argument <dir>'],
    ['resume <dir>', ['resume', OUT], 2, 'FileFormatError: <out>/journal.jsonl does not exist.'],
    ['rescore <dir>', ['rescore', OUT], 2, 'FileFormatError: <out>/journal.jsonl does not exist.'],
    ['export <dir>', ['export', OUT, '--out', '<tmp>/exported'], 2, 'FileFormatError: <out>/journal.jsonl does not exist.'],
    ['resume --workers', ['resume', DIR, '--workers', '0'], 2, 'Invalid argument for --workers: "0"'],
    ['resume --trials', ['resume', DIR, '--trials', '-1'], 2, 'Invalid argument for --trials: "-1"'],
    ['resume --minutes', ['resume', DIR, '--minutes', '0'], 2, 'Invalid argument for --minutes: "0"'],
    ['resume --fit-time', ['resume', DIR, '--fit-time'], 2, 'Invalid argument for --fit-time'],
    ['resume --keep-models', ['resume', DIR, '--keep-models', '1.5'], 2, 'Invalid argument for --keep-models: "1.5"'],
    ['rescore <dir>', ['rescore'], 2, 'missing argument <dir>'],
    ['rescore --top', ['rescore', DIR, '--top', '0'], 2, 'Invalid argument for --top: "0"'],
    ['rescore --repeats', ['rescore', DIR, '--repeats', '0'], 2, 'Invalid argument for --repeats: "0"'],
    ['rescore --workers', ['rescore', DIR, '--workers', 'x'], 2, 'Invalid argument for --workers: "x"'],
    ['rescore --minutes', ['rescore', DIR, '--minutes', '-1'], 2, 'Invalid argument for --minutes: "-1"'],
    ['export --out', ['export', DIR], 2, 'flag --out is required'],
    [
      'export --budget',
      ['export', DIR, '--out', OUT, '--budget', '12'],
      2,
      'Invalid argument for --budget: 12. --budget and --seed apply only with --retrain',
    ],
    [
      'export --seed',
      ['export', DIR, '--out', OUT, '--seed', '3'],
      2,
      'Invalid argument for --seed: 3. --budget and --seed apply only with --retrain',
    ],
    ['export --retrain', ['export', DIR, '--out', OUT, '--retrain', '--budget', '0'], 2, 'Invalid argument for --budget: "0"'],
    ['export --ignore-rescore', ['export', DIR, '--out', OUT, '--ignore-rescore', 'yes'], 2, 'too many arguments'],
    ['leaderboard <dir>', ['leaderboard'], 2, 'missing argument <dir>'],
    ['leaderboard --top', ['leaderboard', DIR, '--top', '-2'], 2, 'Invalid argument for --top: "-2". Must be an integer in [1, 1000000].'],
    [
      'leaderboard --pareto',
      ['leaderboard', DIR, '--pareto', 'nosuch'],
      2,
      'Invalid argument for --pareto: "nosuch". No trial recorded the metric "nosuch"; the numeric metrics are params',
    ],
    ['leaderboard --pareto', ['leaderboard', DIR, '--pareto', 'param'], 2, 'Did you mean params?'],
    [
      '--redis',
      search('--redis', 'http://127.0.0.1:6379'),
      2,
      'Invalid argument for --redis: "http://127.0.0.1:6379/". Expected a redis://',
    ],
    ['--redis', search('--redis', 'redis://127.0.0.1:1/0'), 1, 'ConnectionError: redis at redis://127.0.0.1:1/0 refused the connection'],
    ['--trial-timeout', search('--trial-timeout', '5'), 2, 'Invalid argument for --trial-timeout: 5. Applies only with --redis.'],
    ['--trial-timeout', search('--redis', 'redis://127.0.0.1:1/0', '--trial-timeout', '0'), 2, 'Invalid argument for --trial-timeout: "0"'],
    ['resume --redis', ['resume', DIR, '--redis', 'nope'], 2, 'Invalid argument for --redis: "nope"'],
    ['resume --trial-timeout', ['resume', DIR, '--trial-timeout', '3'], 2, 'Applies only with --redis.'],
    ['worker --redis', ['worker'], 2, 'flag --redis is required'],
    [
      'worker --redis',
      ['worker', '--redis', 'redis://:secret@127.0.0.1:1/0'],
      1,
      'ConnectionError: redis at redis://:***@127.0.0.1:1/0 refused the connection',
    ],
    [
      'worker --concurrency',
      ['worker', '--redis', 'redis://127.0.0.1:1/0', '--concurrency', '0'],
      2,
      'Invalid argument for --concurrency: "0"',
    ],
    [
      'worker --evaluator-module',
      ['worker', '--redis', 'redis://127.0.0.1:1/0', '--evaluator-module', '<tmp>/missing.js'],
      2,
      'FileFormatError: <tmp>/missing.js does not exist',
    ],
    [
      'worker --lock-seconds',
      ['worker', '--redis', 'redis://127.0.0.1:1/0', '--lock-seconds', '0'],
      2,
      'Invalid argument for --lock-seconds: "0"',
    ],
  ];

  it('rescore with another --top or --repeats than the re-scoring it continues exits 2 before starting, and writes nothing', async () => {
    const dir = join(tmp, 'rescored');
    cpSync(searchDir, dir, { recursive: true });
    mkdirSync(join(dir, 'rescore'));
    const candidates = { type: 'candidates', top: 3, trialIds: [0, 1, 2], repeats: 1, budget: 1 };
    writeFileSync(join(dir, 'rescore', 'journal.jsonl'), `${JSON.stringify(candidates)}\n`);
    const before = snapshot(dir);
    for (const [argv, fragment] of [
      [['--top', '2'], 'Invalid argument for --top: 2.'],
      [['--repeats', '4'], 'Invalid argument for --repeats: 4.'],
    ] as const) {
      const result = await nas(['rescore', dir, ...argv]);
      expect(result.code).toBe(2);
      expect(result.err).toContain(fragment);
      expect(result.err).toContain('started with --top 3 --repeats 1');
      expect(result.err.trim().split('\n')).toHaveLength(1);
      expect(snapshot(dir)).toEqual(before);
    }
  });

  it.each(cases)('%s: %j exits %d with one line containing %j, and writes nothing', async (_flag, argv, status, fragment) => {
    const out = join(tmp, `case-${cases.findIndex((c) => c[1] === argv)}`);
    const fill = (s: string) => s.replace(OUT, out).replace(DIR, searchDir).replace('<tmp>', tmp);
    const before = snapshot(searchDir);
    const result = await nas(argv.map(fill));
    expect(result.code).toBe(status);
    expect(result.err).toContain(fill(fragment));
    expect(result.err.trim().split('\n')).toHaveLength(1);
    expect(result.out).toBe('');
    expect(existsSync(out)).toBe(false);
    expect(snapshot(searchDir)).toEqual(before);
  });

  it('prints the leaderboard and a Pareto front over a recorded metric', async () => {
    const board = await nas(['leaderboard', searchDir, '--top', '2']);
    expect(board.code).toBe(0);
    expect(board.out.trim().split('\n')).toHaveLength(2);
    const front = await nas(['leaderboard', searchDir, '--pareto', 'params']);
    expect(front.code).toBe(0);
    expect(front.out.trim().split('\n')).toHaveLength(1); // every trial has 10 params: the best score dominates
  });

  it('lists subcommands, flags with ranges and defaults, and examples in --help', async () => {
    const top = await nas(['--help']);
    expect(top.code).toBe(0);
    for (const command of ['search', 'resume', 'rescore', 'export', 'leaderboard', 'worker']) expect(top.out).toContain(command);
    const help = (await nas(['search', '--help'])).out;
    expect(help).toMatch(/--seed <s>\s+random seed; an integer in \[0, 4294967295\]\s+\(default: 0\)/);
    expect(help).toContain('$ bigmodel-nas search --space builtin:branin');
  });
});
