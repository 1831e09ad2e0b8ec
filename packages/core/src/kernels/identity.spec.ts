import * as tf from '@tensorflow/tfjs';

import { useWasm } from '../testing/backend-comparison';

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
});
