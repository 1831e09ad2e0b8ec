import { decodeCifar10 } from '@bigmodel/core';

import { SYNTHETIC_SHAPE_CLASSES, syntheticShapesCifar } from './synthetic-shapes';

describe('syntheticShapesCifar', () => {
  it('writes CIFAR-10 binary records that core decodes, labels cycling through the ten classes', () => {
    const bytes = syntheticShapesCifar({ count: 20, seed: 1 });
    expect(bytes.length).toBe(20 * 3073);
    const dataset = decodeCifar10(bytes);
    expect(dataset.exampleShape).toEqual([32, 32, 3]);
    expect(Array.from(dataset.labels)).toEqual([...Array(20).keys()].map((i) => i % 10));
    expect(SYNTHETIC_SHAPE_CLASSES).toHaveLength(10);
  });

  it('is the same for the same seed and differs for another', () => {
    expect(syntheticShapesCifar({ count: 5, seed: 3 })).toEqual(syntheticShapesCifar({ count: 5, seed: 3 }));
    expect(syntheticShapesCifar({ count: 5, seed: 3 })).not.toEqual(syntheticShapesCifar({ count: 5, seed: 4 }));
  });
});
