import * as tf from '@tensorflow/tfjs';

import { useWasm } from '../testing/backend-comparison';
import { fitNormalizer } from './normalizer';
import { TensorDataset } from './tensor-dataset';

beforeAll(useWasm);

/** 4 examples of shape [1, 2] (2 channels): channel 0 = 1, 2, 3, 4; channel 1 = 10, 10, 30, 30. */
const data = () => new TensorDataset(Float32Array.from([1, 10, 2, 10, 3, 30, 4, 30]), [1, 2], Float32Array.from([0, 0, 0, 0]));

describe('fitNormalizer', () => {
  it('standardizes per channel with the training statistics (hand-worked)', () => {
    const n = fitNormalizer(data(), { kind: 'standardize', perChannel: true });
    expect(n.config.shift).toEqual([2.5, 20]);
    expect(n.config.scale[0]).toBeCloseTo(Math.sqrt(1.25), 12);
    expect(n.config.scale[1]).toBeCloseTo(10, 12);
    const out = n.apply(data()).examples;
    expect(out[1]).toBeCloseTo(-1, 6);
    expect(out[0]).toBeCloseTo(-1.5 / Math.sqrt(1.25), 6);
  });

  it('min-max scales to [0, 1], and transforms tensors the same way as datasets', () => {
    const n = fitNormalizer(data(), { kind: 'minmax', perChannel: true });
    expect(n.config).toEqual({ kind: 'minmax', shift: [1, 10], scale: [3, 20] });
    const viaTensor = n.transform(tf.tensor3d(Array.from(data().examples), [4, 1, 2]));
    expect(Array.from(viaTensor.dataSync())).toEqual(Array.from(n.apply(data()).examples));
    viaTensor.dispose();
  });

  it('applies train statistics to other data unchanged (no leak from test data)', () => {
    const n = fitNormalizer(data(), { kind: 'standardize' });
    const other = new TensorDataset(Float32Array.from([100, 100]), [2], Float32Array.from([0]));
    const mean = (1 + 10 + 2 + 10 + 3 + 30 + 4 + 30) / 8;
    expect(n.config.shift).toEqual([mean]);
    expect(n.apply(other).examples[0]).toBeCloseTo((100 - mean) / n.config.scale[0], 5);
  });
});
