import * as tf from '@tensorflow/tfjs';

import { Adam } from '../optimizers';
import { adamStep } from '../optimizers/adam';
import { randomInt, randomValues, relativeError, seededRandom, useWasm, valuesOn } from '../testing/backend-comparison';
import { ADAM_UPDATE } from './adam-update';

beforeAll(useWasm);

/** How often `kernel` ran while `build` did (top-level engine calls). */
function callsOf(kernel: string, build: () => void): number {
  const spy = jest.spyOn(tf.engine(), 'runKernel');
  try {
    build();
    return spy.mock.calls.filter(([name]) => name === kernel).length;
  } finally {
    spy.mockRestore();
  }
}

describe('the fused Adam update on wasm', () => {
  it("equals core's composed Adam step on the cpu backend over randomized shapes, steps and hyperparameters", async () => {
    const random = seededRandom(91);
    for (let trial = 0; trial < 12; trial++) {
      const rank = randomInt(random, 0, 4);
      const shape = Array.from({ length: rank }, () => randomInt(random, 1, 9));
      const size = shape.reduce((a, b) => a * b, 1);
      const [w, g, m] = [randomValues(random, size), randomValues(random, size), randomValues(random, size)];
      const v = randomValues(random, size).map(Math.abs);
      const vMax = v.map((x) => x * random() * 2);
      const config = {
        beta1: 0.5 + 0.49 * random(),
        beta2: 0.9 + 0.0999 * random(),
        epsilon: 10 ** -randomInt(random, 3, 9),
        amsgrad: trial % 3 === 2,
      };
      const lr = 10 ** -randomInt(random, 1, 4);
      const step = randomInt(random, 1, 50);
      const build = () => {
        const { variable, slots } = adamStep(
          tf.tensor(w, shape),
          tf.tensor(g, shape),
          [m, v, vMax].map((x) => tf.tensor(x, shape)),
          lr,
          step,
          config,
        );
        return [variable, ...slots];
      };
      const expected = await valuesOn('cpu', build);
      const actual = await valuesOn('wasm', build);
      expected.forEach((values, i) =>
        expect({ trial, output: i, error: relativeError(actual[i], values) }).toEqual({ trial, output: i, error: 0 }),
      );
      expect(callsOf(ADAM_UPDATE, () => tf.dispose(tf.tidy(build)))).toBe(1);
    }
  });

  it("trains a variable with core's Adam as the cpu backend does, one kernel call per variable and no tensor leak", async () => {
    const random = seededRandom(92);
    const init = [randomValues(random, 37), randomValues(random, 8)];
    const target = randomValues(random, 37);
    const train = () => {
      const variables = [tf.variable(tf.tensor(init[0], [37])), tf.variable(tf.tensor(init[1], [2, 4]))];
      const optimizer = new Adam({ learningRate: 0.05, amsgrad: true });
      const counts: number[] = [];
      let calls = 0;
      for (let step = 0; step < 5; step++) {
        calls += callsOf(ADAM_UPDATE, () => {
          optimizer.minimize(
            () => tf.add(tf.sum(tf.square(tf.sub(variables[0], target))), tf.sum(tf.abs(variables[1]))) as tf.Scalar,
            false,
            variables,
          );
        });
        counts.push(tf.memory().numTensors);
      }
      const values = variables.map((x) => Float32Array.from(x.dataSync()));
      tf.dispose(variables);
      optimizer.dispose();
      return { values, calls, counts };
    };
    await tf.setBackend('cpu');
    const onCpu = train();
    await tf.setBackend('wasm');
    const onWasm = train();
    expect(onCpu.calls).toBe(0);
    expect(onWasm.calls).toBe(10);
    onWasm.values.forEach((values, i) => expect(relativeError(values, onCpu.values[i])).toBe(0));
    expect(onWasm.counts.slice(1)).toEqual(Array(4).fill(onWasm.counts[1]));
  });
});
