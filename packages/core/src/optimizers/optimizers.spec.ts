import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import * as tf from '@tensorflow/tfjs';

import { InvalidArgumentError } from '../errors';
import { relativeError, useWasm } from '../testing/backend-comparison';
import {
  Adagrad,
  Adam,
  AdamW,
  Rmsprop,
  Sgd,
  cosineWithWarmup,
  exponentialDecay,
  linearDecay,
  oneCycle,
  resolveAdagradConfig,
  resolveAdamConfig,
  resolveSgdConfig,
  scheduleFromConfig,
  stepDecay,
} from '.';
import type { BigModelOptimizer } from './bigmodel-optimizer';

beforeAll(useWasm);

interface Case {
  config: Record<string, number | boolean>;
  initial: number[][];
  shapes: number[][];
  gradients: number[][][];
  steps: number[][][];
}
/** Written by fixtures/pytorch/make_fixtures.py with PyTorch (see its header). */
const fixtures = JSON.parse(readFileSync(join(__dirname, '../../fixtures/pytorch/optimizers.json'), 'utf8')) as {
  torch: string;
  steps: number;
  cases: Record<string, Case>;
};

const build: Record<string, (config: Case['config']) => BigModelOptimizer> = {
  sgd: (c) => new Sgd(c as never),
  sgd_momentum: (c) => new Sgd(c as never),
  sgd_nesterov_wd: (c) => new Sgd(c as never),
  sgd_dampening: (c) => new Sgd(c as never),
  adam: (c) => new Adam(c as never),
  adam_amsgrad_wd: (c) => new Adam(c as never),
  adamw: (c) => new AdamW(c as never),
  rmsprop: (c) => new Rmsprop(c as never),
  rmsprop_centered_momentum: (c) => new Rmsprop(c as never),
  adagrad: (c) => new Adagrad(c as never),
  adagrad_decay: (c) => new Adagrad(c as never),
};

/** Applies steps [from, to) of a fixture case and returns the worst relative error against PyTorch. */
function replay(optimizer: BigModelOptimizer, variables: tf.Variable[], c: Case, from: number, to: number): number {
  let worst = 0;
  for (let t = from; t < to; t++) {
    const grads = tf.tidy(() => Object.fromEntries(variables.map((v, i) => [v.name, tf.tensor(c.gradients[t][i], c.shapes[i])])));
    optimizer.applyGradients(grads);
    tf.dispose(Object.values(grads));
    variables.forEach((v, i) => (worst = Math.max(worst, relativeError(v.dataSync(), c.steps[t][i]))));
  }
  return worst;
}

const fresh = (c: Case) => c.initial.map((values, i) => tf.variable(tf.tensor(values, c.shapes[i])));

describe(`optimizers against PyTorch ${fixtures.torch}`, () => {
  it.each(Object.keys(build))('%s follows the PyTorch parameter trajectory over 50 steps (relative 1e-5)', (name) => {
    const c = fixtures.cases[name];
    const variables = fresh(c);
    const optimizer = build[name](c.config);
    expect(replay(optimizer, variables, c, 0, fixtures.steps)).toBeLessThanOrEqual(1e-5);
    optimizer.dispose();
    tf.dispose(variables);
  });

  it.each(Object.keys(build))('%s resumes exactly from its saved state and its saved config', async (name) => {
    const c = fixtures.cases[name];
    const variables = fresh(c);
    const first = build[name](c.config);
    replay(first, variables, c, 0, 25);
    const state = await first.getWeights();
    const config = first.getConfig();
    const cls = first.constructor as unknown as typeof Sgd;
    const saved = state.map(({ name: n, tensor }) => ({ name: n, tensor: tf.clone(tensor) }));
    first.dispose();
    const second = cls.fromConfig(cls, config) as unknown as BigModelOptimizer;
    await second.setWeights(saved);
    expect(second.iterations).toBe(25);
    expect(replay(second, variables, c, 25, fixtures.steps)).toBeLessThanOrEqual(1e-5);
    second.dispose();
    tf.dispose([...variables, ...saved.map((s) => s.tensor)]);
  });

  it('keeps tensor counts constant across steps', () => {
    const c = fixtures.cases['adam_amsgrad_wd'];
    const variables = fresh(c);
    const optimizer = build['adam_amsgrad_wd'](c.config);
    replay(optimizer, variables, c, 0, 2);
    const before = tf.memory().numTensors;
    replay(optimizer, variables, c, 2, 10);
    expect(tf.memory().numTensors).toBe(before);
    optimizer.dispose();
    tf.dispose(variables);
  });
});

describe('optimizers in use', () => {
  it('train a LayersModel through model.compile and fit', async () => {
    const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [3], units: 1, kernelInitializer: 'zeros' })] });
    model.compile({ optimizer: new Adam({ learningRate: 0.05 }), loss: 'meanSquaredError' });
    const xs = tf.tensor2d([
      [1, 2, 3],
      [0, 1, 0],
      [2, 0, 1],
      [1, 1, 1],
    ]);
    const ys = tf.tensor2d([[6], [1], [3], [3]]); // y = x1 + x2 + x3
    const history = await model.fit(xs, ys, { epochs: 200, verbose: 0 });
    const losses = history.history['loss'] as number[];
    expect(losses[losses.length - 1]).toBeLessThan(0.01 * losses[0]);
    tf.dispose([xs, ys]);
    model.dispose();
  });

  it('clip the global gradient norm and each value', () => {
    const w = tf.variable(tf.tensor1d([0, 0]));
    const byNorm = new Sgd({ learningRate: 1, clipNorm: 1 });
    byNorm.applyGradients({ [w.name]: tf.tensor1d([3, 4]) }); // norm 5 -> scaled to 1: (0.6, 0.8)
    expect(Array.from(w.dataSync()).map((v) => +v.toFixed(6))).toEqual([-0.6, -0.8]);
    const byValue = new Sgd({ learningRate: 1, clipValue: 0.5 });
    byValue.applyGradients({ [w.name]: tf.tensor1d([3, -0.25]) });
    expect(Array.from(w.dataSync()).map((v) => +v.toFixed(6))).toEqual([-1.1, -0.55]);
    byNorm.dispose();
    byValue.dispose();
    w.dispose();
  });

  it('follow a learning-rate schedule step by step', () => {
    const w = tf.variable(tf.scalar(0));
    const optimizer = new Sgd({ learningRate: stepDecay({ initial: 1, stepSize: 2, gamma: 0.5 }) });
    const seen: number[] = [];
    for (let t = 0; t < 5; t++) {
      const before = w.dataSync()[0];
      optimizer.applyGradients({ [w.name]: tf.scalar(1) });
      seen.push(before - w.dataSync()[0]);
    }
    expect(seen).toEqual([1, 1, 0.5, 0.5, 0.25]);
    optimizer.dispose();
    w.dispose();
  });

  it('reject bad options with InvalidArgumentError naming them', () => {
    expect(() => new Adam({ learningRate: -1 })).toThrow(
      'Invalid argument for AdamConfig.learningRate: -1. Expected a finite number > 0 or a LearningRateSchedule (an object with at(step)).',
    );
    expect(() => new Adam({ learningRate: 0.1, beta1: 1 })).toThrow(
      'Invalid argument for AdamConfig.beta1: 1. Too big: expected number to be <1. Decay of the first-moment average, in [0, 1) (default 0.9).',
    );
    expect(() => new Sgd({ learningRate: 0.1, momentum: 1.5 })).toThrow(InvalidArgumentError);
    expect(() => new Sgd({ learningRate: 0.1, nesterov: true })).toThrow(/nesterov/);
    expect(() => new Rmsprop({ learningRate: 0.1, epsilon: 0 })).toThrow(/epsilon/);
    expect(() => new Adam({ learningRate: 0.1, clipNorm: 0 })).toThrow(/clipNorm/);
  });
});

describe('optimizer configs', () => {
  it('refuse a misspelt key with the nearest known one', () => {
    expect(() => new Adam({ learningRate: 0.1, beta_1: 0.5 } as never)).toThrow(
      'Invalid argument for AdamConfig.beta_1: 0.5. Unknown key; did you mean "beta1"?',
    );
    expect(() => new Sgd({ learningRate: 0.1, momentun: 0.9 } as never)).toThrow('did you mean "momentum"?');
  });

  it('take lr (and Adagrad lrDecay) as deprecated aliases, but not together with the new name', () => {
    expect(resolveSgdConfig({ lr: 0.5 })).toEqual({ learningRate: 0.5, momentum: 0, dampening: 0, nesterov: false, weightDecay: 0 });
    expect(resolveAdagradConfig({ lr: 0.5, lrDecay: 0.1 })).toMatchObject({ learningRate: 0.5, learningRateDecay: 0.1 });
    expect(() => resolveAdamConfig({ lr: 0.5, learningRate: 0.1 })).toThrow(
      'Invalid argument for AdamConfig.lr: 0.5. "lr" is the deprecated name of "learningRate"; give only "learningRate".',
    );
  });

  it('save learningRate and load a config saved before the rename (lr, lrDecay)', () => {
    const adagrad = new Adagrad({ learningRate: 0.25, learningRateDecay: 0.5 });
    expect(adagrad.getConfig()).toMatchObject({ learningRate: 0.25, learningRateDecay: 0.5 });
    const old = Adagrad.fromConfig(Adagrad, {
      lr: 0.25,
      lrDecay: 0.5,
      initialAccumulatorValue: 0,
      epsilon: 1e-10,
      weightDecay: 0,
    }) as unknown as BigModelOptimizer;
    expect(old.learningRate(1)).toBe(0.25);
    expect(old.getConfig()).toEqual(adagrad.getConfig());
    const schedule = Sgd.fromConfig(Sgd, {
      lr: { kind: 'stepDecay', initial: 1, stepSize: 2, gamma: 0.5 },
      momentum: 0,
    }) as unknown as BigModelOptimizer;
    expect([1, 3].map((step) => schedule.learningRate(step))).toEqual([1, 0.5]);
    [adagrad, old, schedule].forEach((o) => o.dispose());
  });
});

describe('learning-rate schedules', () => {
  it('match their closed forms', () => {
    const steps = [1, 2, 3, 4, 5].map(stepDecay({ initial: 0.1, stepSize: 2, gamma: 0.1 }).at);
    [0.1, 0.1, 0.01, 0.01, 0.001].forEach((expected, i) => expect(steps[i]).toBeCloseTo(expected, 15));
    expect(exponentialDecay({ initial: 2, gamma: 0.5 }).at(3)).toBe(0.5);
    const cosine = cosineWithWarmup({ peak: 1, warmupSteps: 10, totalSteps: 110 });
    expect([cosine.at(5), cosine.at(10), cosine.at(60), cosine.at(110), cosine.at(500)]).toEqual([
      0.5,
      1,
      0.5 + 0.5 * Math.cos(Math.PI / 2),
      0,
      0,
    ]);
    const cycle = oneCycle({ peak: 1, totalSteps: 101, pctStart: 0.3, divFactor: 10, finalDivFactor: 100 });
    expect(cycle.at(1)).toBeCloseTo(0.1, 12);
    expect(Math.max(...Array.from({ length: 101 }, (_, i) => cycle.at(i + 1)))).toBeCloseTo(1, 3);
    expect(cycle.at(101)).toBeCloseTo(0.001, 12);
    expect(linearDecay({ initial: 1, final: 0, totalSteps: 4 }).at(3)).toBe(0.5);
  });

  it('come back from their configs', () => {
    for (const schedule of [
      stepDecay({ initial: 0.1, stepSize: 3 }),
      cosineWithWarmup({ peak: 1, warmupSteps: 2, totalSteps: 9 }),
      oneCycle({ peak: 1, totalSteps: 20 }),
    ]) {
      const copy = scheduleFromConfig(schedule.getConfig());
      expect([1, 2, 5, 9].map(copy.at)).toEqual([1, 2, 5, 9].map(schedule.at));
    }
    expect(() => scheduleFromConfig({ kind: 'sawtooth' })).toThrow(InvalidArgumentError);
  });
});
