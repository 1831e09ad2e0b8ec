import * as tf from '@tensorflow/tfjs';
import { InvalidArgumentError, mulberry32 } from '@bigmodel/core';

import { builtinSpace } from '../space/builtin-spaces';
import { SearchSpace, type Config } from '../space/search-space';
import { cellBenchmark } from '../benchmarks/cell-benchmark';
import { branin } from '../benchmarks/analytic-functions';
import { Hyperband, bracketSchedule, resolveHyperbandConfig } from './hyperband';
import { RandomSearch, resolveRandomSearchConfig } from './random-search';
import { RegularizedEvolution, resolveRegularizedEvolutionConfig } from './regularized-evolution';
import { ReinforceController, resolveReinforceControllerConfig } from './reinforce-controller';
import type { Strategy } from './strategy';
import { Tpe, fitParzen, parzenLogDensity, resolveTpeConfig } from './tpe';

const cell = builtinSpace('cell');
const bench = cellBenchmark(0);

const makers: Record<string, (seed: number) => Strategy> = {
  random: (seed) => new RandomSearch(cell, { seed }),
  evolution: (seed) => new RegularizedEvolution(cell, { seed, populationSize: 10, sampleSize: 3 }),
  tpe: (seed) => new Tpe(cell, { seed }),
  reinforce: (seed) => new ReinforceController(cell, { seed }),
  'reinforce-lstm': (seed) => new ReinforceController(cell, { seed, lstmUnits: 8 }),
  hyperband: (seed) => new Hyperband(new RegularizedEvolution(cell, { seed, populationSize: 10 }), { minBudget: 1, maxBudget: 9, eta: 3 }),
};

function run(strategy: Strategy, n: number): string[] {
  const hashes: string[] = [];
  for (let i = 0; i < n; i++) {
    const trial = strategy.ask()!;
    hashes.push(`${trial.hash}@${trial.budget}`);
    strategy.tell(trial, { status: 'ok', score: bench.score(trial.config) + trial.budget });
  }
  strategy.dispose();
  return hashes;
}

describe.each(Object.keys(makers))('%s', (name) => {
  it('proposes the same trials for the same seed, and others for another seed', () => {
    const a = run(makers[name](7), 40);
    expect(run(makers[name](7), 40)).toEqual(a);
    expect(run(makers[name](8), 40)).not.toEqual(a);
  });

  it('rejects a configuration outside the space with a typed error', () => {
    const strategy = makers[name](0);
    const trial = strategy.ask()!;
    expect(() => strategy.tell({ ...trial, config: { ...trial.config, 'edge1<-0': 'conv_7x7' } }, { status: 'ok', score: 1 })).toThrow(
      InvalidArgumentError,
    );
    expect(() => strategy.tell({ ...trial, config: { ...trial.config, extra: 1 } }, { status: 'ok', score: 1 })).toThrow(
      InvalidArgumentError,
    );
    strategy.dispose();
  });

  it('takes failed trials and keeps proposing valid configurations', () => {
    const strategy = makers[name](1);
    for (let i = 0; i < 30; i++) {
      const trial = strategy.ask()!;
      expect(() => cell.validate(trial.config)).not.toThrow();
      strategy.tell(trial, i % 3 === 0 ? { status: 'failed', score: NaN } : { status: 'ok', score: bench.score(trial.config) });
    }
    strategy.dispose();
  });
});

describe('RegularizedEvolution', () => {
  it('keeps the P youngest members and breeds a one-parameter mutant of the best of the sample', () => {
    // With sampleSize = populationSize = P and a score equal to the member's index, the sample's
    // best is the best member drawn; with S = P draws from P members, check the child against
    // every member it could have come from.
    const strategy = new RegularizedEvolution(cell, { seed: 3, populationSize: 5, sampleSize: 5 });
    const told: Config[] = [];
    for (let i = 0; i < 12; i++) {
      const trial = strategy.ask();
      if (i >= 5) {
        const population = strategy.members();
        const parents = population.filter((m) => Object.keys(m.config).filter((k) => m.config[k] !== trial.config[k]).length === 1);
        expect(parents.length).toBeGreaterThan(0);
      }
      strategy.tell(trial, { status: 'ok', score: i });
      told.push(trial.config);
      const members = strategy.members();
      expect(members.length).toBe(Math.min(i + 1, 5));
      // Oldest removed: the population is exactly the last five told, in order.
      expect(members.map((m) => m.config)).toEqual(told.slice(-5));
    }
  });
});

describe('TPE', () => {
  it("fits Parzen densities that integrate to 1 over [0, 1] (hyperopt's adaptive widths)", () => {
    for (const points of [[0.5], [0.1, 0.12, 0.9], [0, 1, 0.3, 0.31, 0.32, 0.7]]) {
      const estimator = fitParzen(points, 1);
      let integral = 0;
      const n = 20000;
      for (let i = 0; i < n; i++) integral += Math.exp(parzenLogDensity(estimator, (i + 0.5) / n)) / n;
      expect(integral).toBeCloseTo(1, 3);
    }
  });

  it('concentrates its proposals near the optimum of a smooth function', () => {
    const space = new SearchSpace({ params: { x: { type: 'float', min: 0, max: 1 } } });
    const strategy = new Tpe(space, { seed: 0, startupTrials: 10 });
    const proposals: number[] = [];
    for (let i = 0; i < 80; i++) {
      const trial = strategy.ask();
      proposals.push(trial.config['x'] as number);
      strategy.tell(trial, { status: 'ok', score: -(((trial.config['x'] as number) - 0.7) ** 2) });
    }
    // Uniform proposals would be 0.25 from 0.7 on average; the last 30 should be far closer.
    const late = proposals.slice(-30).map((x) => Math.abs(x - 0.7));
    expect(late.reduce((a, b) => a + b, 0) / late.length).toBeLessThan(0.08);
  });
});

describe('ReinforceController', () => {
  it.each([0, 8])('askAsync proposes exactly what ask does (lstmUnits %d) and keeps no tensor', async (lstmUnits) => {
    const before = tf.memory().numTensors;
    const sync = new ReinforceController(cell, { seed: 3, lstmUnits });
    const async_ = new ReinforceController(cell, { seed: 3, lstmUnits });
    for (let i = 0; i < 6; i++) {
      const a = sync.ask();
      const b = await async_.askAsync();
      expect(b).toEqual(a);
      // The same rewards, so the policies stay equal and later proposals are compared too.
      const outcome = { status: 'ok' as const, score: bench.score(a.config) };
      sync.tell(a, outcome);
      async_.tell(b, outcome);
    }
    sync.dispose();
    async_.dispose();
    expect(tf.memory().numTensors).toBe(before); // the policies' variables and Adam slots are all freed
  });

  it('learns a bandit: the best arm gains most of the probability, with no tensor leaks', () => {
    const space = new SearchSpace({ params: { arm: { type: 'categorical', choices: ['a', 'b', 'c', 'd'] } } });
    const rewards: Record<string, number> = { a: 0.1, b: 0.2, c: 0.9, d: 0.3 };
    const start = tf.memory().numTensors;
    const strategy = new ReinforceController(space, { seed: 0, learningRate: 0.1 });
    let warm = 0;
    for (let i = 0; i < 150; i++) {
      const trial = strategy.ask();
      strategy.tell(trial, { status: 'ok', score: rewards[trial.config['arm'] as string] });
      // Adam makes its two moment slots at the first update; nothing may grow after that.
      if (i === 10) warm = tf.memory().numTensors;
    }
    expect(tf.memory().numTensors).toBe(warm);
    expect(strategy.probabilities()['arm'][2]).toBeGreaterThan(0.7);
    strategy.dispose();
    expect(tf.memory().numTensors).toBe(start);
  });

  it.each([
    ['an LSTM policy', { lstmUnits: 16 }],
    ['independent logits', {}],
  ])('with %s keeps exploring a 128-way choice: most of 100 proposals distinct, also in the second half (8 seeds)', (_, options) => {
    // A lookup table over 128 values with no structure to learn: a policy that has collapsed
    // proposes a handful of values again and again. Uniform sampling with replacement gives
    // 128 * (1 - (127/128)^100) = 69.6 distinct values in 100 and 128 * (1 - (127/128)^50) = 41.7 in 50.
    const choices = Array.from({ length: 128 }, (_, i) => `v${i}`);
    const space = new SearchSpace({ params: { op: { type: 'categorical', choices } } });
    let distinct = 0;
    let distinctLate = 0;
    for (let seed = 0; seed < 8; seed++) {
      const random = mulberry32(1000 + seed);
      const table = new Map(choices.map((c) => [c, random()]));
      const strategy = new ReinforceController(space, { seed, ...options });
      const all = new Set<string>();
      const late = new Set<string>();
      for (let q = 0; q < 100; q++) {
        const trial = strategy.ask();
        all.add(trial.hash);
        if (q >= 50) late.add(trial.hash);
        strategy.tell(trial, { status: 'ok', score: table.get(trial.config['op'] as string)! });
      }
      strategy.dispose();
      distinct += all.size / 8;
      distinctLate += late.size / 8;
    }
    expect(distinct).toBeGreaterThan(55);
    expect(distinctLate).toBeGreaterThan(30);
  });

  it('refuses a negative tanhConstant and a temperature that is not > 0', () => {
    const space = new SearchSpace({ params: { arm: { type: 'categorical', choices: ['a', 'b'] } } });
    const refusal = (parameter: string, value: number) =>
      expect.objectContaining({ parameter: `ReinforceControllerConfig.${parameter}`, value });
    expect(() => new ReinforceController(space, { tanhConstant: -1 })).toThrow(refusal('tanhConstant', -1));
    expect(() => new ReinforceController(space, { temperature: 0 })).toThrow(refusal('temperature', 0));
  });

  it('clips the logits as ENAS does: no value of a 4-way choice goes above e^5 / (e^5 + 3) with tanhConstant 2.5', () => {
    // tanh bounds each logit to [-2.5, 2.5]: the best value's probability is at most e^2.5 / (e^2.5 + 3 e^-2.5).
    const space = new SearchSpace({ params: { arm: { type: 'categorical', choices: ['a', 'b', 'c', 'd'] } } });
    const strategy = new ReinforceController(space, { seed: 0, learningRate: 0.5, tanhConstant: 2.5, temperature: 1 });
    for (let i = 0; i < 200; i++) {
      const trial = strategy.ask();
      strategy.tell(trial, { status: 'ok', score: trial.config['arm'] === 'c' ? 1 : 0 });
    }
    const p = strategy.probabilities()['arm'];
    expect(p[2]).toBeGreaterThan(0.9);
    expect(p[2]).toBeLessThanOrEqual(Math.exp(5) / (Math.exp(5) + 3) + 1e-6);
    strategy.dispose();
  });

  it('an LSTM controller trains over conditional decisions without leaking tensors', () => {
    const space = new SearchSpace({
      params: {
        depth: { type: 'int', min: 1, max: 2 },
        width2: { type: 'float', min: 0, max: 1, when: { param: 'depth', min: 2 } },
        act: { type: 'categorical', choices: ['x', 'y'] },
      },
    });
    const start = tf.memory().numTensors;
    const strategy = new ReinforceController(space, { seed: 0, lstmUnits: 8 });
    let warm = 0;
    for (let i = 0; i < 30; i++) {
      const trial = strategy.ask();
      expect('width2' in trial.config).toBe(trial.config['depth'] === 2);
      strategy.tell(trial, { status: 'ok', score: (trial.config['width2'] as number | undefined) ?? 0 });
      if (i === 10) warm = tf.memory().numTensors;
    }
    expect(tf.memory().numTensors).toBe(warm);
    strategy.dispose();
    expect(tf.memory().numTensors).toBe(start);
  });
});

describe('Hyperband', () => {
  it('askAsync over a REINFORCE controller asks it asynchronously and gives exactly the trials ask gives', async () => {
    const hyperband = () => new Hyperband(new ReinforceController(cell, { seed: 5 }), { minBudget: 1, maxBudget: 9, eta: 3 });
    const sync = hyperband();
    const async_ = hyperband();
    let asyncAsks = 0;
    const base = async_.base as ReinforceController;
    const askAsync = base.askAsync.bind(base);
    base.askAsync = () => {
      asyncAsks += 1;
      return askAsync();
    };
    for (let i = 0; i < 20; i++) {
      const a = sync.ask();
      const b = await async_.askAsync();
      expect(b).toEqual(a);
      if (!a || !b) break;
      const outcome = { status: 'ok' as const, score: bench.score(a.config) };
      sync.tell(a, outcome);
      async_.tell(b, outcome);
    }
    expect(asyncAsks).toBeGreaterThan(0);
    sync.dispose();
    async_.dispose();
  });

  it("has Li et al.'s bracket schedule for R = 81, eta = 3 (their Table 1)", () => {
    const config = resolveHyperbandConfig({ minBudget: 1, maxBudget: 81, eta: 3 });
    expect(config.sMax).toBe(4);
    const table = [4, 3, 2, 1, 0].map((s) => bracketSchedule(s, config).map(({ configs, budget }) => [configs, budget]));
    expect(table).toEqual([
      [
        [81, 1],
        [27, 3],
        [9, 9],
        [3, 27],
        [1, 81],
      ],
      [
        [34, 3],
        [11, 9],
        [3, 27],
        [1, 81],
      ],
      [
        [15, 9],
        [5, 27],
        [1, 81],
      ],
      [
        [8, 27],
        [2, 81],
      ],
      [[5, 81]],
    ]);
  });

  it('promotes the best third of each rung and tells the wrapped strategy once per configuration', () => {
    const base = new RandomSearch(builtinSpace('branin'), { seed: 0 });
    const told: number[] = [];
    const tell = base.tell.bind(base);
    base.tell = (trial, outcome) => {
      told.push(trial.id);
      tell(trial, outcome);
    };
    const strategy = new Hyperband(base, { minBudget: 1, maxBudget: 9, eta: 3, mode: 'successive-halving' });
    const rung0 = Array.from({ length: 9 }, () => strategy.ask()!);
    expect(rung0.map((t) => t.budget)).toEqual(new Array(9).fill(1));
    const score = (c: Config) => -branin(c);
    for (const t of rung0) strategy.tell(t, { status: 'ok', score: score(t.config) });
    const best3 = [...rung0]
      .sort((a, b) => score(b.config) - score(a.config))
      .slice(0, 3)
      .map((t) => t.hash);
    const rung1 = Array.from({ length: 3 }, () => strategy.ask()!);
    expect(rung1.map((t) => t.budget)).toEqual([3, 3, 3]);
    expect(rung1.map((t) => t.hash).sort()).toEqual(best3.sort());
    expect(told).toHaveLength(6);
    for (const t of rung1) strategy.tell(t, { status: 'ok', score: score(t.config) });
    const final = strategy.ask()!;
    expect(final.budget).toBe(9);
    strategy.tell(final, { status: 'ok', score: 0 });
    expect(told.sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
    expect(() => strategy.tell(final, { status: 'ok', score: 0 })).toThrow(InvalidArgumentError);
  });

  it('tells the wrapped strategy each configuration once, with its score at the last (largest) budget it ran, also with trials finishing out of order', () => {
    for (const mode of ['successive-halving', 'hyperband'] as const) {
      const base = new RandomSearch(builtinSpace('branin'), { seed: 1 });
      const told = new Map<string, number>();
      const tell = base.tell.bind(base);
      base.tell = (trial, outcome) => {
        expect(told.has(trial.hash)).toBe(false);
        told.set(trial.hash, outcome.score);
        tell(trial, outcome);
      };
      const strategy = new Hyperband(base, { minBudget: 1, maxBudget: 9, eta: 3, mode });
      // The score grows with the budget, so the budget it came from can be read off it.
      const score = (t: { config: Config; budget: number }) => 1000 * t.budget - branin(t.config);
      const lastRun = new Map<string, { budget: number; score: number }>();
      const random = mulberry32(5);
      const inFlight: ReturnType<Strategy['ask']>[] = [];
      for (let step = 0; step < 120; step++) {
        // Three workers: keep three trials out, finish a random one.
        while (inFlight.length < 3) inFlight.push(strategy.ask()!);
        const [done] = inFlight.splice(Math.floor(random() * inFlight.length), 1);
        const value = score(done!);
        const previous = lastRun.get(done!.hash);
        expect(previous === undefined || previous.budget < done!.budget).toBe(true);
        lastRun.set(done!.hash, { budget: done!.budget, score: value });
        strategy.tell(done!, { status: 'ok', score: value });
      }
      expect(told.size).toBeGreaterThan(20);
      for (const [hash, value] of told) expect(value).toBe(lastRun.get(hash)!.score);
      expect([...told.values()].some((v) => v > 9000 - 400)).toBe(true); // configurations finished at budget 9 were told their 9-epoch score
    }
  });
});

describe('strategy configs', () => {
  it('fill the documented defaults (those of the controller follow lstmUnits)', () => {
    expect(resolveRandomSearchConfig({})).toEqual({ seed: 0, budget: 1, retries: 20 });
    expect(resolveRegularizedEvolutionConfig({})).toEqual({ populationSize: 20, sampleSize: 5, seed: 0, budget: 1 });
    expect(resolveTpeConfig({})).toEqual({
      gamma: 0.2,
      candidates: 4,
      startupTrials: 10,
      categoricalThreshold: 16,
      priorWeight: 1,
      seed: 0,
      budget: 1,
    });
    const independent = { entropyWeight: 0.01, baselineDecay: 0.9, bins: 8, seed: 0, budget: 1 };
    expect(resolveReinforceControllerConfig({})).toEqual({
      ...independent,
      lstmUnits: 0,
      learningRate: 0.05,
      tanhConstant: 0,
      temperature: 1,
    });
    expect(resolveReinforceControllerConfig({ lstmUnits: 16 })).toEqual({
      ...independent,
      lstmUnits: 16,
      learningRate: 0.01,
      tanhConstant: 2.5,
      temperature: 5,
    });
    // s_max = floor(log_3(81 / 1)) = 4; integer budgets since both are integers.
    expect(resolveHyperbandConfig({ maxBudget: 81 })).toEqual({
      minBudget: 1,
      maxBudget: 81,
      eta: 3,
      mode: 'hyperband',
      integerBudgets: true,
      sMax: 4,
    });
    expect(resolveHyperbandConfig({ minBudget: 0.5, maxBudget: 4.5 }).integerBudgets).toBe(false);
  });

  it.each([
    ['RandomSearchConfig', () => new RandomSearch(cell, { sed: 1 } as never), 'sed', 'seed'],
    [
      'RegularizedEvolutionConfig',
      () => new RegularizedEvolution(cell, { populationsize: 8 } as never),
      'populationsize',
      'populationSize',
    ],
    ['TpeConfig', () => new Tpe(cell, { startupTrial: 3 } as never), 'startupTrial', 'startupTrials'],
    ['ReinforceControllerConfig', () => new ReinforceController(cell, { learningrate: 0.1 } as never), 'learningrate', 'learningRate'],
    ['HyperbandConfig', () => new Hyperband(new RandomSearch(cell), { maxBudge: 9 } as never), 'maxBudge', 'maxBudget'],
  ])('%s refuses the misspelt key %s, suggesting %s', (name, build, given, suggestion) => {
    expect(build).toThrow(
      expect.objectContaining({
        name: 'InvalidArgumentError',
        parameter: `${name}.${given}`,
        message: expect.stringContaining(`Unknown key; did you mean "${suggestion}"?`),
      }),
    );
  });

  it('name the field, the value and the rule of a bad value, including rules between fields', () => {
    expect(() => new RegularizedEvolution(cell, { populationSize: 4, sampleSize: 5 })).toThrow(
      'Invalid argument for RegularizedEvolutionConfig.sampleSize: 5. Must be an integer in [1, populationSize = 4].',
    );
    expect(() => resolveHyperbandConfig({ minBudget: 9, maxBudget: 3 })).toThrow(
      expect.objectContaining({ parameter: 'HyperbandConfig.maxBudget', value: 3, message: expect.stringContaining('>= minBudget (9)') }),
    );
    expect(() => resolveHyperbandConfig({ eta: 1 }, 'RunSearchConfig.hyperband')).toThrow(
      expect.objectContaining({ parameter: 'RunSearchConfig.hyperband.eta', value: 1, message: expect.stringContaining('Must be > 1.') }),
    );
    expect(() => new Tpe(cell, { gamma: 1 })).toThrow(expect.objectContaining({ parameter: 'TpeConfig.gamma', value: 1 }));
    expect(() => new RandomSearch(cell, { seed: 0.5 })).toThrow(
      expect.objectContaining({
        parameter: 'RandomSearchConfig.seed',
        value: 0.5,
        message: expect.stringContaining('Must be an integer.'),
      }),
    );
    expect(() => new RandomSearch(cell, { budget: Infinity })).toThrow(
      expect.objectContaining({ parameter: 'RandomSearchConfig.budget', value: Infinity }),
    );
  });
});
