import { InvalidArgumentError, mulberry32 } from '@bigmodel/core';

import { SearchSpace, type SearchSpaceDefinition } from './search-space';
import { builtinSpace } from './builtin-spaces';

const definition: SearchSpaceDefinition = {
  name: 'test',
  params: {
    depth: { type: 'int', min: 1, max: 3 },
    width1: { type: 'int', min: 16, max: 128, step: 16 },
    width2: { type: 'int', min: 16, max: 128, step: 16, when: { param: 'depth', min: 2 } },
    width3: { type: 'int', min: 16, max: 128, step: 16, when: { param: 'depth', min: 3 } },
    lr: { type: 'float', min: 1e-4, max: 1e-1, log: true },
    dropout: { type: 'float', min: 0, max: 0.5 },
    activation: { type: 'categorical', choices: ['relu', 'elu', 'tanh'] },
    classes: { type: 'fixed', value: 10 },
  },
};

function expectInvalid(make: () => unknown, parameter: string) {
  try {
    make();
  } catch (error) {
    expect(InvalidArgumentError.isInstance(error)).toBe(true);
    expect((error as InvalidArgumentError).parameter).toBe(parameter);
    return;
  }
  throw new Error(`expected an InvalidArgumentError naming ${parameter}`);
}

describe('SearchSpace', () => {
  const space = new SearchSpace(definition);

  it('rejects empty and contradictory declarations with typed errors naming the field', () => {
    expectInvalid(() => new SearchSpace({ params: {} }), 'space.params');
    expectInvalid(() => new SearchSpace({ params: { a: { type: 'int', min: 5, max: 1 } } }), 'space.params.a.min');
    expectInvalid(() => new SearchSpace({ params: { a: { type: 'float', min: 0, max: 1, log: true } } }), 'space.params.a.min');
    expectInvalid(() => new SearchSpace({ params: { a: { type: 'categorical', choices: [] } } }), 'space.params.a.choices');
    expectInvalid(() => new SearchSpace({ params: { a: { type: 'categorical', choices: [1, 1] } } }), 'space.params.a.choices');
    expectInvalid(() => new SearchSpace({ params: { a: { type: 'int', min: 0, max: 3, step: 0 } } }), 'space.params.a.step');
    expectInvalid(
      () =>
        new SearchSpace({
          params: { a: { type: 'int', min: 0, max: 3, when: { param: 'b', min: 1 } }, b: { type: 'int', min: 0, max: 3 } },
        }),
      'space.params.a.when.param',
    );
    expectInvalid(
      () =>
        new SearchSpace({
          params: { a: { type: 'int', min: 0, max: 3 }, b: { type: 'int', min: 0, max: 3, when: { param: 'a', min: 3, max: 1 } } },
        }),
      'space.params.b.when.min',
    );
    expectInvalid(() => new SearchSpace({ params: { a: { type: 'fixed', value: 1 } } }), 'space.params');
    expectInvalid(() => new SearchSpace({ params: { a: { type: 'bogus' } as never } }), 'space.params.a.type');
    expectInvalid(() => SearchSpace.fromJSON('{"params": '), 'space');
  });

  it('samples only active parameters, on their grids and in range', () => {
    const random = mulberry32(1);
    for (let i = 0; i < 300; i++) {
      const c = space.sample(random);
      expect('width2' in c).toBe((c['depth'] as number) >= 2);
      expect('width3' in c).toBe((c['depth'] as number) >= 3);
      expect(((c['width1'] as number) - 16) % 16).toBe(0);
      expect(c['classes']).toBe(10);
      expect(() => space.validate(c)).not.toThrow();
    }
  });

  it('samples log parameters log-uniformly: half the draws fall below the geometric mean', () => {
    const random = mulberry32(2);
    const n = 4000;
    let below = 0;
    for (let i = 0; i < n; i++) if ((space.sampleParam('lr', random) as number) < Math.sqrt(1e-4 * 1e-1)) below++;
    // Binomial(4000, 0.5): sd = 31.6; a linear-uniform draw would put only 3% below.
    expect(Math.abs(below - n / 2)).toBeLessThan(4 * Math.sqrt(n / 4));
  });

  it('mutates exactly one parameter to a different valid value, keeping conditions', () => {
    const random = mulberry32(3);
    for (let i = 0; i < 300; i++) {
      const parent = space.sample(random);
      const child = space.mutate(parent, random);
      expect(() => space.validate(child)).not.toThrow();
      const shared = Object.keys(parent).filter((k) => k in child);
      const changed = shared.filter((k) => parent[k] !== child[k]);
      expect(changed).toHaveLength(1);
      // Only a change of depth adds or removes parameters.
      if (changed[0] !== 'depth') expect(Object.keys(child).sort()).toEqual(Object.keys(parent).sort());
    }
  });

  it('encodes to a vector: unit-scaled numbers, one-hot categoricals, zeros when inactive', () => {
    const config = { depth: 1, width1: 128, lr: 1e-4, dropout: 0.25, activation: 'elu', classes: 10 };
    // depth (1-1)/2, width1 1, width2 0, width3 0, lr 0, dropout 0.5, activation [0, 1, 0].
    expect(space.encode(config)).toEqual([0, 1, 0, 0, 0, 0.5, 0, 1, 0]);
  });

  it('hashes canonically: key order does not matter, a different value does', () => {
    const a = { depth: 1, width1: 32, lr: 0.01, dropout: 0.1, activation: 'relu', classes: 10 };
    const b = { classes: 10, activation: 'relu', dropout: 0.1, lr: 0.01, width1: 32, depth: 1 };
    expect(space.hash(a)).toBe(space.hash(b));
    expect(space.hash(a)).not.toBe(space.hash({ ...a, width1: 48 }));
  });

  it('validates configurations: missing, extra, inactive and out-of-range values are typed errors', () => {
    const ok = { depth: 2, width1: 32, width2: 64, lr: 0.01, dropout: 0.1, activation: 'relu', classes: 10 };
    expect(() => space.validate(ok)).not.toThrow();
    expectInvalid(() => space.validate({ ...ok, width2: undefined as never }), 'config.width2');
    expectInvalid(() => space.validate({ ...ok, width3: 32 }), 'config.width3');
    expectInvalid(() => space.validate({ ...ok, width1: 40 }), 'config.width1');
    expectInvalid(() => space.validate({ ...ok, lr: 1 }), 'config.lr');
    expectInvalid(() => space.validate({ ...ok, activation: 'gelu' }), 'config.activation');
    expectInvalid(() => space.validate({ ...ok, classes: 2 }), 'config.classes');
    expectInvalid(() => space.validate({ ...ok, bogus: 1 }), 'config.bogus');
  });

  it('round-trips through JSON', () => {
    const again = SearchSpace.fromJSON(JSON.stringify(space.toJSON()));
    const random = mulberry32(4);
    const c = space.sample(random);
    expect(again.hash(c)).toBe(space.hash(c));
    expect(again.sample(mulberry32(5))).toEqual(space.sample(mulberry32(5)));
  });

  it('has the NAS-Bench-201 cell as six categorical edges over five operations', () => {
    const cell = builtinSpace('cell');
    expect(cell.params).toHaveLength(6);
    expect(cell.params.reduce((n, p) => n * cell.valueCount(p.name), 1)).toBe(15625);
    expectInvalid(() => builtinSpace('nope'), 'name');
  });
});
