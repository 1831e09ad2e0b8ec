import * as tf from '@tensorflow/tfjs';

import { Sgd } from '@bigmodel/core';

import { tinyBnModel, tinyData, useWasm } from '../testing/helpers';
import { GroupedOptimizer, isNoDecayWeight, paramGroupOptimizer } from './grouped-optimizer';

beforeAll(useWasm);

/** The gradient of the mean cross-entropy of `model` on a batch w.r.t. every trainable weight, computed with tf.variableGrads. */
function gradients(model: tf.LayersModel, xs: tf.Tensor, ys: tf.Tensor): Map<string, Float32Array> {
  const { grads, value } = tf.variableGrads(
    () => tf.losses.softmaxCrossEntropy(ys, tf.log(model.apply(xs, { training: true }) as tf.Tensor)) as tf.Scalar,
    model.trainableWeights.map((w) => w.read() as tf.Variable),
  );
  value.dispose();
  const out = new Map(model.trainableWeights.map((w) => [w.originalName, Float32Array.from(grads[w.name].dataSync())]));
  tf.dispose(grads);
  return out;
}

function values(model: tf.LayersModel): Map<string, Float32Array> {
  return new Map(model.trainableWeights.map((w) => [w.originalName, Float32Array.from(w.read().dataSync())]));
}

/** One optimizer step of `model` with `optimizer` on a batch, by categorical cross-entropy. */
function step(model: tf.LayersModel, optimizer: tf.Optimizer, xs: tf.Tensor, ys: tf.Tensor): void {
  optimizer.minimize(
    () => tf.losses.softmaxCrossEntropy(ys, tf.log(model.apply(xs, { training: true }) as tf.Tensor)) as tf.Scalar,
    false,
    model.trainableWeights.map((w) => w.read() as tf.Variable),
  );
}

function batch() {
  const [{ xs, ys }] = tinyData(12).batches({ batchSize: 12 });
  return { xs, ys };
}

describe('paramGroupOptimizer', () => {
  it('gives each layer group its own learning rate: with SGD each update is exactly -lr_group * gradient', () => {
    const model = tinyBnModel();
    const { xs, ys } = batch();
    // setBatchNormPolicy is not needed: batch norm in training mode in both computations.
    const optimizer = paramGroupOptimizer(model, {
      optimizer: 'sgd',
      momentum: 0,
      lr: 0.1,
      groups: [
        { layers: 'block1_conv', lr: 0.001 },
        { layers: 'head_dense', lr: 0.01 },
      ],
    });
    const expectedLr: Record<string, number> = { block1_conv: 0.001, block1_bn: 0.1, head_dense: 0.01, head_out: 0.1 };
    const g = gradients(model, xs, ys);
    const before = values(model);
    step(model, optimizer, xs, ys);
    const after = values(model);
    for (const [name, gradient] of g) {
      const lr = expectedLr[name.split('/')[0]];
      const expected = before.get(name)!.map((w, i) => w - lr * gradient[i]);
      after.get(name)!.forEach((w, i) => expect(w).toBeCloseTo(expected[i], 6));
      // The effective step size relative to the gradient is the group's rate.
      const k = gradient.findIndex((v) => Math.abs(v) > 1e-3);
      if (k >= 0) expect((before.get(name)![k] - after.get(name)![k]) / gradient[k]).toBeCloseTo(lr, 4);
    }
    tf.dispose([xs, ys]);
    optimizer.dispose();
    model.dispose();
  });

  it('works with adaptive optimizers: the first Adam step moves every weight by its group rate (|m/sqrt(v)| = 1)', () => {
    const model = tinyBnModel();
    const { xs, ys } = batch();
    const optimizer = paramGroupOptimizer(model, {
      optimizer: 'adam',
      learningRate: 1e-2,
      groups: [{ layers: (l) => l.name.startsWith('block1'), learningRate: 1e-4 }],
    });
    const g = gradients(model, xs, ys);
    const before = values(model);
    step(model, optimizer, xs, ys);
    const after = values(model);
    for (const [name, gradient] of g) {
      const lr = name.startsWith('block1') ? 1e-4 : 1e-2;
      gradient.forEach((gi, i) => {
        if (Math.abs(gi) < 1e-4) return; // epsilon matters for tiny gradients
        expect(Math.abs(before.get(name)![i] - after.get(name)![i]) / lr).toBeCloseTo(1, 2);
      });
    }
    tf.dispose([xs, ys]);
    optimizer.dispose();
    model.dispose();
  });

  it('AdamW decays kernels but not biases or batch-norm gamma/beta: w(1 - lr*wd) - lr*sign(g) vs w - lr*sign(g)', () => {
    const model = tinyBnModel();
    const { xs, ys } = batch();
    const lr = 1e-2;
    const wd = 5;
    const optimizer = paramGroupOptimizer(model, { learningRate: lr, weightDecay: wd });
    const g = gradients(model, xs, ys);
    const before = values(model);
    step(model, optimizer, xs, ys);
    const after = values(model);
    const decayed = new Set(['block1_conv/kernel', 'head_dense/kernel', 'head_out/kernel']);
    for (const [name, gradient] of g) {
      const factor = decayed.has(name) ? 1 - lr * wd : 1;
      gradient.forEach((gi, i) => {
        if (Math.abs(gi) < 1e-4) return;
        expect(after.get(name)![i]).toBeCloseTo(before.get(name)![i] * factor - lr * Math.sign(gi), 4);
      });
    }
    expect(model.weights.filter((w) => isNoDecayWeight(w)).map((w) => w.originalName)).toEqual([
      'block1_conv/bias',
      'block1_bn/gamma',
      'block1_bn/beta',
      'head_dense/bias',
      'head_out/bias',
      'block1_bn/moving_mean',
      'block1_bn/moving_variance',
    ]);
    tf.dispose([xs, ys]);
    optimizer.dispose();
    model.dispose();
  });

  it('trains a compiled model and saves and restores its state through getWeights / setWeights and getConfig / fromConfig', async () => {
    const model = tinyBnModel();
    const optimizer = paramGroupOptimizer(model, { learningRate: 1e-2, groups: [{ layers: 'head_out', learningRate: 1e-3 }] });
    model.compile({ optimizer, loss: 'categoricalCrossentropy' });
    const { xs, ys } = batch();
    await model.trainOnBatch(xs, ys);
    const saved = (await optimizer.getWeights()).map(({ name, tensor }) => ({ name, tensor: tensor.clone() }));
    expect(saved[0].name).toBe('group0/iter');
    expect(saved.filter((w) => w.name.endsWith('/iter')).map((w) => w.name)).toEqual(['group0/iter', 'group1/iter']);
    await model.trainOnBatch(xs, ys); // moves every slot on
    await optimizer.setWeights(saved);
    const restored = await optimizer.getWeights();
    expect(restored.map((w) => w.name)).toEqual(saved.map((w) => w.name));
    restored.forEach((w, i) => expect(Array.from(w.tensor.dataSync())).toEqual(Array.from(saved[i].tensor.dataSync())));
    const copy = GroupedOptimizer.fromConfig(GroupedOptimizer, optimizer.getConfig()) as GroupedOptimizer;
    expect(copy.groups.map((g) => g.variables)).toEqual(optimizer.groups.map((g) => g.variables));
    expect(copy.groups.map((g) => (g.optimizer.getConfig() as { learningRate: number }).learningRate)).toEqual([1e-2, 1e-3]); // no weight decay: one group per rate
    tf.dispose(saved.map((w) => w.tensor));
    tf.dispose([xs, ys]);
    copy.dispose();
    optimizer.dispose();
    model.dispose();
  });

  it('rejects bad groups with typed errors naming the option', () => {
    const model = tinyBnModel();
    expect(() => paramGroupOptimizer(model, { groups: [{ layers: 'nope', learningRate: 1 }] })).toThrow(
      /ParamGroupOptimizerConfig\.groups\[0\]\.layers.*block1_conv/s,
    );
    expect(() => paramGroupOptimizer(model, { groups: [{ layers: 'head_out', learningRate: -1 }] })).toThrow(
      expect.objectContaining({ name: 'InvalidArgumentError', parameter: 'ParamGroupOptimizerConfig.groups[0].learningRate', value: -1 }),
    );
    // lr is the deprecated name of learningRate (the first test uses it); both together are refused.
    expect(() => paramGroupOptimizer(model, { groups: [{ layers: 'head_out', lr: 1e-3, learningRate: 1e-3 }] })).toThrow(
      expect.objectContaining({ parameter: 'ParamGroupOptimizerConfig.groups[0].lr' }),
    );
    expect(() => paramGroupOptimizer(model, { weightdecay: 0.1 } as never)).toThrow('did you mean "weightDecay"?');
    const name = model.weights[0].name;
    expect(
      () =>
        new GroupedOptimizer([
          { variables: [name], optimizer: new Sgd({ learningRate: 1 }) },
          { variables: [name], optimizer: new Sgd({ learningRate: 1 }) },
        ]),
    ).toThrow(/groups\[1\]\.variables/);
    const partial = new GroupedOptimizer([{ variables: [name], optimizer: new Sgd({ learningRate: 1 }) }]);
    const other = model.weights[1].read() as tf.Variable;
    expect(() => partial.applyGradients({ [other.name]: tf.zerosLike(other) })).toThrow(/no parameter group/);
    partial.dispose();
    model.dispose();
  });
});
