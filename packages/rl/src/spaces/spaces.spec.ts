import { InvalidArgumentError } from '@bigmodel/core';

import { Box, DictSpace, Discrete, MultiBinary, MultiDiscrete, TupleSpace } from './index';

describe('spaces', () => {
  it('Discrete with start samples uniformly over start..start+n-1 and tests membership', () => {
    const space = new Discrete(3, { start: -1, seed: 0 });
    const counts = new Map<number, number>();
    for (let i = 0; i < 3000; i++) {
      const x = space.sample();
      counts.set(x, (counts.get(x) ?? 0) + 1);
    }
    expect([...counts.keys()].sort()).toEqual([-1, 0, 1]);
    for (const c of counts.values()) expect(Math.abs(c / 3000 - 1 / 3)).toBeLessThan(0.04);
    expect([space.contains(-1), space.contains(1), space.contains(2), space.contains(0.5), space.contains('0')]).toEqual([
      true,
      true,
      false,
      false,
      false,
    ]);
    expect(String(space)).toBe('Discrete(3, start=-1)');
    expect(() => new Discrete(0)).toThrow(InvalidArgumentError);
  });

  it('Box samples uniform, exponential and normal draws for bounded, half-bounded and unbounded coordinates', () => {
    const box = new Box({ low: [-1, 2, -Infinity, -Infinity], high: [1, Infinity, 5, Infinity], dtype: 'float64', seed: 1 });
    const n = 20000;
    const sums = [0, 0, 0, 0];
    const squares = [0, 0, 0, 0];
    for (let i = 0; i < n; i++) {
      const x = box.sample();
      expect(box.contains(x)).toBe(true);
      x.forEach((v, j) => {
        sums[j] += v;
        squares[j] += v * v;
      });
    }
    const mean = sums.map((s) => s / n);
    const variance = squares.map((s, j) => s / n - mean[j] ** 2);
    // U(-1, 1): mean 0, var 1/3; 2 + Exp(1): mean 3, var 1; 5 - Exp(1): mean 4, var 1; N(0, 1).
    expect(mean[0]).toBeCloseTo(0, 1);
    expect(variance[0]).toBeCloseTo(1 / 3, 1);
    expect(mean[1]).toBeCloseTo(3, 1);
    expect(variance[1]).toBeCloseTo(1, 0.5);
    expect(mean[2]).toBeCloseTo(4, 1);
    expect(mean[3]).toBeCloseTo(0, 1);
    expect(variance[3]).toBeCloseTo(1, 0.5);
  });

  it('integer Boxes draw every value of [low, high] including high; float32 Boxes hold float32 arrays', () => {
    const box = new Box({ low: 0, high: 2, shape: [1], dtype: 'int32', seed: 2 });
    const seen = new Set<number>();
    for (let i = 0; i < 300; i++) seen.add(box.sample()[0]);
    expect([...seen].sort()).toEqual([0, 1, 2]);
    const torque = new Box({ low: -2, high: 2, shape: [1] });
    expect(torque.sample()).toBeInstanceOf(Float32Array);
    expect([torque.contains([2]), torque.contains([2.01]), torque.contains([0, 0])]).toEqual([true, false, false]);
    expect(String(torque)).toBe('Box(-2, 2, (1,), float32)');
    expect(() => new Box({ low: [0, 0], high: [1, 1, 1] })).toThrow(expect.objectContaining({ parameter: 'high' }));
  });

  it('seeding reproduces samples', () => {
    const a = new Box({ low: -1, high: 1, shape: [3], seed: 7 });
    const b = new Box({ low: -1, high: 1, shape: [3], seed: 7 });
    expect(a.sample()).toEqual(b.sample());
    a.seed(3);
    b.seed(3);
    expect(a.sample()).toEqual(b.sample());
  });

  it('MultiDiscrete and MultiBinary sample members and reject non-members', () => {
    const md = new MultiDiscrete([3, 2], { start: [1, 0], seed: 0 });
    for (let i = 0; i < 100; i++) expect(md.contains(md.sample())).toBe(true);
    expect([md.contains([3, 1]), md.contains([4, 0]), md.contains([0, 0])]).toEqual([true, false, false]);
    const mb = new MultiBinary(8, { seed: 0 });
    const bits = mb.sample();
    expect(mb.contains(bits)).toBe(true);
    expect(mb.contains([0, 2, 0, 0, 0, 0, 0, 0])).toBe(false);
  });

  it('Dict and Tuple seed their subspaces reproducibly and check each part', () => {
    const make = () => new DictSpace({ key: new Discrete(5), position: new Box({ low: -1, high: 1, shape: [2] }) }, { seed: 11 });
    const [a, b] = [make(), make()];
    expect(a.sample()).toEqual(b.sample());
    expect(a.contains({ key: 4, position: [0, 0] })).toBe(true);
    expect(a.contains({ key: 5, position: [0, 0] })).toBe(false);
    expect(a.contains({ key: 1 })).toBe(false);
    const tuple = new TupleSpace([new Discrete(2), new MultiBinary(3)] as const, { seed: 4 });
    const sample = tuple.sample();
    expect(tuple.contains(sample)).toBe(true);
    expect(tuple.contains([2, [0, 0, 0]])).toBe(false);
  });
});
