import * as tf from '@tensorflow/tfjs';

import { cpuVersusWasm, useWasm } from '../testing/backend-comparison';

beforeAll(useWasm);

describe('Identity on wasm', () => {
  it('shares the data: a clone outlives its source, and buffers are freed once both are gone', () => {
    const before = tf.memory().numDataBuffers;
    const source = tf.tensor2d([1, 2, 3, 4], [2, 2]);
    const copy = tf.clone(source);
    expect(tf.memory().numDataBuffers).toBe(before + 1); // one buffer, two tensors
    source.dispose();
    expect(Array.from(copy.dataSync())).toEqual([1, 2, 3, 4]);
    copy.dispose();
    expect(tf.memory().numDataBuffers).toBe(before);
  });

  it('keeps a clone of a variable unchanged when the variable is assigned', () => {
    const variable = tf.variable(tf.tensor1d([1, 2, 3]));
    const snapshot = tf.clone(variable);
    variable.assign(tf.tensor1d([7, 8, 9]));
    expect(Array.from(snapshot.dataSync())).toEqual([1, 2, 3]);
    expect(Array.from(variable.dataSync())).toEqual([7, 8, 9]);
    tf.dispose([variable, snapshot]);
  });

  it('gives the same gradients through identity-passing ops as the math says (d/dx sum(clone(x)^2) = 2x)', () => {
    const x = tf.tensor1d([0.5, -1, 2]);
    const grad = tf.grad((t: tf.Tensor) => tf.sum(tf.square(tf.clone(t))))(x);
    expect(Array.from(grad.dataSync())).toEqual([1, -2, 4]);
    tf.dispose([x, grad]);
  });

  it('still clones string tensors (through the stock kernel)', () => {
    const s = tf.tensor1d(['a', 'bc'], 'string');
    const copy = tf.clone(s);
    s.dispose();
    expect(copy.arraySync()).toEqual(['a', 'bc']);
    copy.dispose();
  });

  it('casts to the same dtype without a copy, and to another dtype with one; to bool as x != 0, as on the cpu backend', async () => {
    const values = [1.5, -2, 256, 0, NaN, -0, 1e-30, 3];
    expect(await cpuVersusWasm(() => tf.cast(tf.tensor1d(values), 'bool').toFloat())).toBe(0);
    expect(await cpuVersusWasm(() => tf.cast(tf.tensor1d([3, -1, 0, 256], 'int32'), 'bool').toFloat())).toBe(0);
    const before = tf.memory().numDataBuffers;
    const source = tf.tensor2d([1.5, -2.25, 3, 0], [2, 2]);
    const same = tf.cast(source, 'float32');
    expect(tf.memory().numDataBuffers).toBe(before + 1); // shared
    const ints = tf.cast(source, 'int32');
    const bools = tf.cast(source, 'bool');
    expect(tf.memory().numDataBuffers).toBe(before + 3);
    source.dispose();
    expect(Array.from(same.dataSync())).toEqual([1.5, -2.25, 3, 0]);
    expect(Array.from(ints.dataSync())).toEqual([1, -2, 3, 0]);
    expect(Array.from(bools.dataSync())).toEqual([1, 1, 1, 0]);
    expect([same.dtype, ints.dtype, bools.dtype]).toEqual(['float32', 'int32', 'bool']);
    const back = tf.cast(ints, 'int32');
    expect(Array.from(back.dataSync())).toEqual([1, -2, 3, 0]);
    tf.dispose([same, ints, bools, back]);
    expect(tf.memory().numDataBuffers).toBe(before);
  });
});
