import * as tf from '@tensorflow/tfjs';

import { Adam, fit, InvalidArgumentError } from '@bigmodel/core';

import { snapshot, tinyBnModel, tinyData, useWasm } from '../testing/helpers';
import { batchNormPolicyOf, freeze, parameterCounts, setBatchNormPolicy, unfreeze } from './freeze';
import { layerBlocks, selectLayers } from './select-layers';

beforeAll(useWasm);

// tiny: input, block1_conv (3*3*1*4 + 4 = 40), block1_bn (4 gamma + 4 beta trainable, 8 moving), block1_relu,
// features, head_dense (64*8 + 8 = 520), head_out (8*3 + 3 = 27).
const CONV = 40;
const BN_TRAINABLE = 8;
const BN_MOVING = 8;
const HEAD = 520 + 27;

function compiled(seed = 0): tf.LayersModel {
  const model = tinyBnModel(seed);
  model.compile({ optimizer: new Adam({ learningRate: 1e-2 }), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  return model;
}

describe('selectLayers', () => {
  let model: tf.LayersModel;
  beforeAll(() => void (model = tinyBnModel()));
  afterAll(() => model.dispose());
  it('selects by name, index, negative index, inclusive range, predicate and unions of these', () => {
    expect(selectLayers(model, 'block1_bn')).toEqual([2]);
    expect(selectLayers(model, 1)).toEqual([1]);
    expect(selectLayers(model, -1)).toEqual([6]);
    expect(selectLayers(model, { from: 1, to: 3 })).toEqual([1, 2, 3]);
    expect(selectLayers(model, { from: -2 })).toEqual([5, 6]);
    expect(selectLayers(model, (layer) => layer.name.startsWith('head'))).toEqual([5, 6]);
    expect(selectLayers(model, ['head_out', 1, { to: 1 }])).toEqual([0, 1, 6]);
  });

  it('rejects a layer name that does not exist, naming the parameter and listing the layers', () => {
    const error = (() => {
      try {
        freeze(model, 'block9_conv');
      } catch (e) {
        return e as InvalidArgumentError;
      }
      return undefined;
    })();
    expect(InvalidArgumentError.isInstance(error)).toBe(true);
    expect(error!.parameter).toBe('selector');
    expect(error!.message).toContain('block1_conv, block1_bn, block1_relu, features, head_dense, head_out');
    expect(() => selectLayers(model, 7)).toThrow(/-7 to 6/);
  });

  it('groups layers into blocks by name prefix', () => {
    expect(layerBlocks(model)).toEqual([
      { name: 'block1', layers: ['block1_conv', 'block1_bn', 'block1_relu'] },
      { name: 'head', layers: ['head_dense', 'head_out'] },
    ]);
  });
});

describe('freeze / unfreeze', () => {
  it('reports trainable and frozen parameter counts computed by hand', () => {
    const model = compiled();
    expect(parameterCounts(model)).toEqual({
      trainable: CONV + BN_TRAINABLE + HEAD,
      frozen: BN_MOVING,
      total: CONV + BN_TRAINABLE + BN_MOVING + HEAD,
    });
    expect(freeze(model, { to: 3 })).toEqual({
      trainable: HEAD,
      frozen: CONV + BN_TRAINABLE + BN_MOVING,
      total: CONV + BN_TRAINABLE + BN_MOVING + HEAD,
    });
    expect(unfreeze(model, 'block1_conv')).toEqual({
      trainable: CONV + HEAD,
      frozen: BN_TRAINABLE + BN_MOVING,
      total: CONV + BN_TRAINABLE + BN_MOVING + HEAD,
    });
    model.optimizer.dispose();
    model.dispose();
  });

  it('recompiles, so that frozen weights stay bit-identical in training while the rest trains; no tensors leak', async () => {
    const model = compiled();
    freeze(model, (layer) => layer.name.startsWith('block1'));
    const before = snapshot(model);
    const data = tinyData(48);
    await fit(model, data, { epochs: 1, batchSize: 16 });
    const start = tf.memory().numTensors;
    await fit(model, data, { epochs: 2, batchSize: 16 });
    expect(tf.memory().numTensors).toBe(start);
    const after = snapshot(model);
    for (const name of [
      'block1_conv/kernel',
      'block1_conv/bias',
      'block1_bn/gamma',
      'block1_bn/beta',
      'block1_bn/moving_mean',
      'block1_bn/moving_variance',
    ]) {
      expect(after.get(name)).toEqual(before.get(name));
    }
    expect(after.get('head_dense/kernel')).not.toEqual(before.get('head_dense/kernel'));
    model.optimizer.dispose();
    model.dispose();
  });
});

describe('batch-norm policy', () => {
  async function movingStatsChange(policy: 'frozen-when-frozen' | 'always-frozen' | 'tfjs' | undefined, frozenBn: boolean) {
    const model = compiled();
    if (policy) setBatchNormPolicy(model, policy);
    if (frozenBn) freeze(model, 'block1_bn');
    else unfreeze(model, 'block1_bn');
    const before = snapshot(model);
    await fit(model, tinyData(48), { epochs: 1, batchSize: 16 });
    const after = snapshot(model);
    model.optimizer.dispose();
    model.dispose();
    return {
      mean: after.get('block1_bn/moving_mean')!.some((v, i) => v !== before.get('block1_bn/moving_mean')![i]),
      variance: after.get('block1_bn/moving_variance')!.some((v, i) => v !== before.get('block1_bn/moving_variance')![i]),
      gamma: after.get('block1_bn/gamma')!.some((v, i) => v !== before.get('block1_bn/gamma')![i]),
    };
  }

  it('tfjs itself updates the moving statistics of a frozen BatchNormalization layer during fit (the problem)', async () => {
    expect(await movingStatsChange('tfjs', true)).toEqual({ mean: true, variance: true, gamma: false });
  });

  it('keeps the moving statistics of a frozen layer bit-identical after fit (the default policy, installed by freeze)', async () => {
    expect(await movingStatsChange(undefined, true)).toEqual({ mean: false, variance: false, gamma: false });
  });

  it('updates the moving statistics (and gamma) of a trainable layer', async () => {
    expect(await movingStatsChange(undefined, false)).toEqual({ mean: true, variance: true, gamma: true });
  });

  it("'always-frozen' keeps statistics fixed while gamma and beta still learn", async () => {
    expect(await movingStatsChange('always-frozen', false)).toEqual({ mean: false, variance: false, gamma: true });
  });

  it('a frozen batch-norm layer normalizes with its moving statistics in training mode, as in inference', () => {
    const model = tinyBnModel();
    const bn = model.getLayer('block1_bn') as tf.layers.Layer;
    const x = tf.randomNormal([5, 4, 4, 4], 3, 2, 'float32', 1);
    const inference = bn.apply(x, { training: false }) as tf.Tensor;
    const batchStats = bn.apply(x, { training: true }) as tf.Tensor; // tfjs: batch statistics (and an update)
    freeze(model, 'block1_bn');
    expect(batchNormPolicyOf(model)).toBe('frozen-when-frozen');
    const frozenTraining = bn.apply(x, { training: true }) as tf.Tensor;
    const frozenInference = bn.apply(x, { training: false }) as tf.Tensor;
    expect(Array.from(frozenTraining.dataSync())).toEqual(Array.from(frozenInference.dataSync()));
    expect(tf.max(tf.abs(tf.sub(batchStats, inference))).dataSync()[0]).toBeGreaterThan(0.5);
    tf.dispose([x, inference, batchStats, frozenTraining, frozenInference]);
    model.dispose();
  });

  it('rejects an unknown policy, listing the policies', () => {
    const model = tinyBnModel();
    expect(() => setBatchNormPolicy(model, 'sometimes' as never)).toThrow(/frozen-when-frozen, always-frozen, tfjs/);
    model.dispose();
  });
});
