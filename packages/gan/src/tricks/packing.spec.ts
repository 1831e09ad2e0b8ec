import * as tf from '@tensorflow/tfjs';
import { initBackend, mulberry32 } from '@bigmodel/core';

import { packImages } from './packing';

beforeAll(async () => {
  tf.env().set('PROD', true);
  await initBackend({ backend: 'wasm' });
});

describe('packImages', () => {
  it('concatenates m consecutive images along the channels', () => {
    const random = mulberry32(3);
    const images = tf.tensor4d(
      Float32Array.from({ length: 6 * 3 * 3 * 2 }, () => random()),
      [6, 3, 3, 2],
    );
    const packed = packImages(images, 3);
    expect(packed.shape).toEqual([2, 3, 3, 6]);
    const image = (i: number) => tf.slice(images, [i, 0, 0, 0], [1, -1, -1, -1]);
    const manual = tf.concat([tf.concat([image(0), image(1), image(2)], 3), tf.concat([image(3), image(4), image(5)], 3)], 0);
    expect(Array.from(packed.dataSync())).toEqual(Array.from(manual.dataSync()));
    expect(() => packImages(images, 4)).toThrow(expect.objectContaining({ parameter: 'm' }));
    tf.dispose([images, packed, manual]);
  });
});
