import * as tf from '@tensorflow/tfjs';

import { cpuVersusWasm, randomInt, randomValues, seededRandom, useWasm, valuesOn } from '../testing/backend-comparison';
import { broadcastRowLength } from './broadcast-row';

/** The shape `build` produces on `backend`. */
async function shapeOn(backend: 'cpu' | 'wasm', build: () => tf.Tensor): Promise<number[]> {
  const previous = tf.getBackend();
  await tf.setBackend(backend);
  const shape = tf.tidy(() => build().shape);
  await tf.setBackend(previous);
  return shape;
}

/** The float32 values `build` produces on `backend`. */
async function bitsOn(backend: 'cpu' | 'wasm', build: () => tf.Tensor): Promise<Float32Array> {
  const previous = tf.getBackend();
  await tf.setBackend(backend);
  const values = tf.tidy(() => build().dataSync() as Float32Array).slice();
  await tf.setBackend(previous);
  return values;
}

/** Same values element by element (NaN equal to NaN; +0 and -0 told apart). */
function sameValues(a: Float32Array, b: Float32Array): boolean {
  return a.length === b.length && a.every((v, i) => Object.is(v, b[i]));
}

beforeAll(useWasm);

/** A random shape of rank 1-4 whose last dimension is `channels` when given. */
function randomShape(random: () => number, channels?: number): number[] {
  const rank = randomInt(random, 1, 4);
  const shape = Array.from({ length: rank }, () => randomInt(random, 1, 7));
  if (channels !== undefined) shape[rank - 1] = channels;
  return shape;
}

describe('elementwise kernels on wasm', () => {
  it('LeakyRelu and Sqrt equal the cpu backend', async () => {
    const random = seededRandom(81);
    for (let trial = 0; trial < 10; trial++) {
      const shape = randomShape(random);
      const x = randomValues(
        random,
        shape.reduce((a, b) => a * b, 1),
      );
      const alpha = random();
      expect(await cpuVersusWasm(() => tf.leakyRelu(tf.tensor(x, shape), alpha))).toBeLessThanOrEqual(1e-6);
      expect(await cpuVersusWasm(() => tf.sqrt(tf.abs(tf.tensor(x, shape))))).toBeLessThanOrEqual(1e-6);
    }
  });

  it('comparisons equal the cpu backend for same shapes, a single value on either side, NaN and broadcasting', async () => {
    const random = seededRandom(82);
    const shape = [3, 5, 4];
    const a = randomValues(random, 60).map((v) => Math.round(v * 4) / 4);
    a[7] = NaN;
    const b = randomValues(random, 60).map((v) => Math.round(v * 4) / 4);
    const row = randomValues(random, 4);
    for (const op of [tf.greater, tf.greaterEqual, tf.less, tf.lessEqual]) {
      const cases: [string, () => tf.Tensor][] = [
        ['same shape', () => op(tf.tensor(a, shape), tf.tensor(b, shape))],
        ['value on the right', () => op(tf.tensor(a, shape), tf.scalar(0.25))],
        ['value on the left', () => op(tf.scalar(0.25), tf.tensor(a, shape))],
        ['broadcast row (stock path)', () => op(tf.tensor(a, shape), tf.tensor(row, [4]))],
        ['a single value of higher rank', () => op(tf.tensor(a.slice(0, 3), [3]), tf.tensor2d([[0.25]]))],
        ['a [1, 1] value against a scalar', () => op(tf.tensor2d([[0.5]]), tf.scalar(0.25))],
      ];
      for (const [name, build] of cases) {
        const error = await cpuVersusWasm(() => build().toFloat());
        expect({ op: op.name, name, error }).toEqual({ op: op.name, name, error: 0 });
        const [cpuShape, wasmShape] = [await shapeOn('cpu', build), await shapeOn('wasm', build)];
        expect({ name, shape: wasmShape }).toEqual({ name, shape: cpuShape });
      }
    }
  });

  it('finds the row length of an operand broadcast along leading axes, and nothing for other broadcasts', () => {
    expect(broadcastRowLength([64, 7, 7, 128], [1, 1, 1, 128])).toBe(128);
    expect(broadcastRowLength([64, 7, 7, 128], [128])).toBe(128);
    expect(broadcastRowLength([64, 7, 7, 128], [7, 128])).toBe(896);
    expect(broadcastRowLength([64, 6272], [1, 6272])).toBe(6272);
    expect(broadcastRowLength([64, 6272], [64, 1])).toBeUndefined(); // a column, not a row
    expect(broadcastRowLength([64, 6272], [64, 6272])).toBeUndefined(); // same shape
    expect(broadcastRowLength([64, 6272], [1, 1])).toBeUndefined(); // a single value
    expect(broadcastRowLength([3, 4], [5, 4])).toBeUndefined();
  });

  it('Add, Sub, Multiply and RealDiv with a row broadcast on either side equal the cpu backend exactly, other broadcasts too', async () => {
    const random = seededRandom(85);
    const ops = [tf.add, tf.sub, tf.mul, tf.div];
    for (let trial = 0; trial < 16; trial++) {
      const full = randomShape(random);
      if (full.length < 2) full.unshift(randomInt(random, 2, 5));
      const size = full.reduce((x, y) => x * y, 1);
      // A row: a trailing part of the full shape, with leading 1s sometimes.
      const tail = full.slice(randomInt(random, 1, full.length - 1));
      const row = [...Array.from({ length: randomInt(random, 0, full.length - tail.length) }, () => 1), ...tail];
      const x = randomValues(random, size);
      // Away from zero, so that division stays well conditioned and the cpu comparison is exact.
      const r = randomValues(
        random,
        row.reduce((p, q) => p * q, 1),
      ).map((v) => (v < 0 ? v - 0.5 : v + 0.5));
      const op = ops[trial % 4];
      const cases: [string, () => tf.Tensor][] = [
        ['row on the right', () => op(tf.tensor(x, full), tf.tensor(r, row))],
        ['row on the left', () => op(tf.tensor(r, row), tf.tensor(x, full))],
        // A column broadcast (stock path), for contrast.
        ['column (stock)', () => op(tf.tensor(x, full), tf.tensor(x.slice(0, full[0]), [full[0], ...full.slice(1).map(() => 1)]))],
      ];
      for (const [name, build] of cases) {
        const error = await cpuVersusWasm(build);
        expect({ trial, op: op.name, full, row, name, error }).toEqual({ trial, op: op.name, full, row, name, error: 0 });
        const [cpuShape, wasmShape] = [await shapeOn('cpu', build), await shapeOn('wasm', build)];
        expect({ name, shape: wasmShape }).toEqual({ name, shape: cpuShape });
      }
    }
    const hand = tf.sub(
      tf.tensor2d([
        [1, 2],
        [3, 4],
        [5, 6],
      ]),
      tf.tensor1d([1, 10]),
    );
    expect(Array.from(hand.dataSync())).toEqual([0, -8, 2, -6, 4, -4]);
    const handLeft = tf.div(tf.tensor2d([[1, 2]], [1, 2]), tf.tensor3d([[[1, 4]], [[2, 8]]]));
    expect(Array.from(handLeft.dataSync())).toEqual([1, 0.5, 0.5, 0.25]);
    tf.dispose([hand, handLeft]);
  });

  it('Square, Relu, Relu6, Neg and Abs equal the cpu backend bitwise, with NaN, signed zeros and values past 6', async () => {
    const random = seededRandom(86);
    for (let trial = 0; trial < 6; trial++) {
      const shape = randomShape(random);
      const size = shape.reduce((a, b) => a * b, 1);
      const x = randomValues(random, size).map((v) => v * 10);
      [NaN, -0, 0, 6, -6, 7.5].forEach((v, i) => {
        if (i < size) x[(i * 7) % size] = v;
      });
      for (const op of [tf.square, tf.relu, tf.relu6, tf.neg, tf.abs]) {
        const [cpu, wasm] = [await bitsOn('cpu', () => op(tf.tensor(x, shape))), await bitsOn('wasm', () => op(tf.tensor(x, shape)))];
        expect({ trial, op: op.name, same: Buffer.from(wasm.buffer).equals(Buffer.from(cpu.buffer)) || sameValues(cpu, wasm) }).toEqual({
          trial,
          op: op.name,
          same: true,
        });
      }
    }
    const hand = tf.relu6(tf.tensor1d([-1, 0.5, 7, NaN]));
    expect(Array.from(hand.dataSync())).toEqual([0, 0.5, 6, NaN]);
    hand.dispose();
  });

  it('Tanh is within 1e-6 of the cpu backend element by element (relative), over small, large, huge and special values', async () => {
    const random = seededRandom(87);
    const values = [
      ...Array.from({ length: 2000 }, () => (random() - 0.5) * 2), // around 0 (the polynomial)
      ...Array.from({ length: 2000 }, () => (random() - 0.5) * 24), // past 0.625 and past 9
      0.625,
      -0.625,
      0.6249999,
      9,
      10,
      88,
      -1e30,
      1e-30,
      0,
      -0,
      Infinity,
      -Infinity,
      NaN,
      3,
    ];
    const [[cpu], [wasm]] = [
      await valuesOn('cpu', () => tf.tanh(tf.tensor1d(values))),
      await valuesOn('wasm', () => tf.tanh(tf.tensor1d(values))),
    ];
    let worst = 0;
    cpu.forEach((expected, i) => {
      if (Number.isNaN(expected)) {
        if (!Number.isNaN(wasm[i])) worst = Infinity;
        return;
      }
      const error = expected === 0 ? Math.abs(wasm[i]) : Math.abs(wasm[i] - expected) / Math.abs(expected);
      worst = Math.max(worst, error);
    });
    expect(worst).toBeLessThanOrEqual(1e-6);
    const hand = tf.tanh(tf.tensor1d([0, 1, -2, 20]));
    expect(Array.from(hand.dataSync()).map((v) => Number(v.toFixed(6)))).toEqual([0, 0.761594, -0.964028, 1]);
    hand.dispose();
  });

  it('Sigmoid and Elu are within 1e-6 of the cpu backend (relative to the largest value), over randomized shapes, large and special values', async () => {
    const random = seededRandom(88);
    for (let trial = 0; trial < 8; trial++) {
      const shape = randomShape(random);
      const scale = [1, 10, 100][trial % 3];
      const x = randomValues(
        random,
        shape.reduce((a, b) => a * b, 1),
      ).map((v) => v * scale);
      expect(await cpuVersusWasm(() => tf.sigmoid(tf.tensor(x, shape)))).toBeLessThanOrEqual(1e-6);
      expect(await cpuVersusWasm(() => tf.elu(tf.tensor(x, shape)))).toBeLessThanOrEqual(1e-6);
    }
    const special = [0, -0, 1e-30, -1e-30, 87, -87, 88.5, -88.5, 200, -200, Infinity, -Infinity, NaN, 3];
    for (const op of [tf.sigmoid, tf.elu]) {
      const [[cpu], [wasm]] = [
        await valuesOn('cpu', () => op(tf.tensor1d(special))),
        await valuesOn('wasm', () => op(tf.tensor1d(special))),
      ];
      special.forEach((v, i) => {
        if (Number.isNaN(cpu[i])) expect({ v, out: wasm[i] }).toEqual({ v, out: NaN });
        else
          expect({ v, close: wasm[i] === cpu[i] || Math.abs(wasm[i] - cpu[i]) <= 1e-6 * Math.max(1, Math.abs(cpu[i])) }).toEqual({
            v,
            close: true,
          });
      });
    }
    // Hand-worked: sigmoid(0) = 0.5, sigmoid(ln 3) = 0.75; elu(-ln 2) = -0.5, elu(2) = 2.
    const hand = [tf.sigmoid(tf.tensor1d([0, Math.log(3)])), tf.elu(tf.tensor1d([-Math.log(2), 2]))];
    expect(hand.map((t) => Array.from(t.dataSync()).map((v) => Number(v.toFixed(6))))).toEqual([
      [0.5, 0.75],
      [-0.5, 2],
    ]);
    tf.dispose(hand);
  });

  it('ClipByValue equals the cpu backend bitwise, NaN and infinities included', async () => {
    const random = seededRandom(89);
    for (let trial = 0; trial < 6; trial++) {
      const shape = randomShape(random);
      const x = randomValues(
        random,
        shape.reduce((a, b) => a * b, 1),
      ).map((v) => v * 3);
      x[0] = NaN;
      if (x.length > 2) [x[1], x[2]] = [Infinity, -Infinity];
      const [low, high] = [-random(), random()];
      const build = () => tf.clipByValue(tf.tensor(x, shape), low, high);
      expect(sameValues((await valuesOn('wasm', build))[0], (await valuesOn('cpu', build))[0])).toBe(true);
    }
  });

  it('Select equals the cpu backend, and a hand-worked case', async () => {
    const random = seededRandom(83);
    const shape = [4, 6];
    const c = Array.from({ length: 24 }, () => random() < 0.5);
    const t = randomValues(random, 24);
    const e = randomValues(random, 24);
    expect(await cpuVersusWasm(() => tf.where(tf.tensor(c, shape, 'bool'), tf.tensor(t, shape), tf.tensor(e, shape)))).toBe(0);
    // A length that is not a multiple of the 4-lane vector (the scalar tail).
    expect(
      await cpuVersusWasm(() =>
        tf.where(tf.tensor(c.slice(0, 23), [23], 'bool'), tf.tensor(t.slice(0, 23), [23]), tf.tensor(e.slice(0, 23), [23])),
      ),
    ).toBe(0);
    const out = tf.where(tf.tensor1d([true, false, true], 'bool'), tf.tensor1d([1, 2, 3]), tf.tensor1d([-1, -2, -3]));
    expect(Array.from(out.dataSync())).toEqual([1, -2, 3]);
    out.dispose();
  });

  it('FusedBatchNorm equals the cpu backend with per-channel, single-value and missing offset/scale, on offset data', async () => {
    const random = seededRandom(84);
    for (let trial = 0; trial < 12; trial++) {
      const channels = randomInt(random, 1, 9);
      const shape = randomShape(random, channels);
      // Values far from zero with small spread: (x - mean) must be formed before scaling.
      const x = randomValues(
        random,
        shape.reduce((a, b) => a * b, 1),
      ).map((v) => 1000 + v * 1e-2);
      const per = () => Array.from({ length: channels }, () => random());
      const [mean, variance, offset, scale] = [per().map((v) => 1000 + v * 1e-2), per().map((v) => v * 1e-4 + 1e-5), per(), per()];
      const single = trial % 3 === 0;
      const error = await cpuVersusWasm(() =>
        tf.batchNorm(
          tf.tensor(x, shape),
          tf.tensor1d(mean),
          tf.tensor1d(variance),
          trial % 4 === 1 ? undefined : tf.tensor1d(offset),
          trial % 4 === 2 ? undefined : tf.tensor1d(single ? [scale[0]] : scale),
          1e-3,
        ),
      );
      expect({ trial, error: error <= 1e-5 }).toEqual({ trial, error: true });
    }
  });
});
