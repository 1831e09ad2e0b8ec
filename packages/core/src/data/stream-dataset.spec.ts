import * as tf from '@tensorflow/tfjs';

import { useWasm } from '../testing/backend-comparison';
import { linearModel } from '../testing/linear-model';
import { fit } from '../training';
import { StreamDataset, type StreamExample } from './stream-dataset';

beforeAll(useWasm);

/** Example i: x = [i, -i], class i % 3. */
function* examples(count: number): Generator<StreamExample> {
  for (let i = 0; i < count; i++) yield { x: [i, -i], y: i % 3 };
}
async function* slowExamples(count: number): AsyncGenerator<StreamExample> {
  for (let i = 0; i < count; i++) {
    await new Promise((resolve) => setImmediate(resolve));
    yield { x: [i, -i], y: i % 3 };
  }
}

async function firstColumn(stream: StreamDataset, options: Parameters<StreamDataset['batches']>[0]): Promise<number[][]> {
  const out: number[][] = [];
  for await (const { xs, ys } of stream.batches(options)) {
    out.push(Array.from(xs.slice([0, 0], [-1, 1]).dataSync()));
    const classes = tf.argMax(ys, 1).dataSync();
    out[out.length - 1].forEach((id, k) => expect(classes[k]).toBe(id % 3));
    tf.dispose([xs, ys]);
  }
  return out;
}

describe('StreamDataset', () => {
  it('batches a sync or async generator in order, prefetching without reordering', async () => {
    for (const source of [() => examples(10), () => slowExamples(10)]) {
      const stream = new StreamDataset(source, [2], { classes: 3 });
      expect(await firstColumn(stream, { batchSize: 4, prefetch: 3 })).toEqual([
        [0, 1, 2, 3],
        [4, 5, 6, 7],
        [8, 9],
      ]);
      expect(await firstColumn(stream, { batchSize: 4, prefetch: 0, dropRemainder: true })).toEqual([
        [0, 1, 2, 3],
        [4, 5, 6, 7],
      ]);
    }
  });

  it('shuffles through a seeded buffer: reproducible, every example once, different per epoch', async () => {
    const stream = new StreamDataset(() => examples(50), [2], { classes: 3 });
    const a = (await firstColumn(stream, { batchSize: 8, shuffleBuffer: 16, seed: 4 })).flat();
    const b = (await firstColumn(stream, { batchSize: 8, shuffleBuffer: 16, seed: 4 })).flat();
    const c = (await firstColumn(stream, { batchSize: 8, shuffleBuffer: 16, seed: 4, epoch: 1 })).flat();
    expect(a).toEqual(b);
    expect(c).not.toEqual(a);
    expect([...a].sort((x, y) => x - y)).toEqual([...Array(50).keys()]);
    expect(a).not.toEqual([...Array(50).keys()]);
  });

  it('feeds fit, which trains a custom model from the stream', async () => {
    const stream = new StreamDataset(
      function* () {
        for (let i = 0; i < 64; i++) yield { x: [i / 32 - 1], y: [3 * (i / 32 - 1) - 0.5] };
      },
      [1],
      { labelShape: [1] },
    );
    const { model, w, b } = linearModel();
    const history = await fit(model, stream, { epochs: 40, batchSize: 16, shuffleBuffer: 32, validation: stream });
    expect(w.dataSync()[0]).toBeCloseTo(3, 2);
    expect(b.dataSync()[0]).toBeCloseTo(-0.5, 2);
    expect(history.epochs[39]['valLoss']).toBeLessThan(1e-4);
    tf.dispose([w, b]);
  });

  it('names the example whose shape or label is wrong', async () => {
    const stream = new StreamDataset(
      () => [
        { x: [1, 2], y: 0 },
        { x: [1], y: 1 },
      ],
      [2],
      { classes: 2 },
    );
    await expect(firstColumn(stream, { batchSize: 4 })).rejects.toThrow(/example 1\.x: expected 2 values/);
    const badClass = new StreamDataset(() => [{ x: [1, 2], y: 7 }], [2], { classes: 2 });
    await expect(firstColumn(badClass, { batchSize: 4 })).rejects.toThrow(/example 0\.y: 7/);
    const badLabel = new StreamDataset(() => [{ x: [1], y: [1, 2, 3] }], [1], { labelShape: [2] });
    const error = await (async () => {
      for await (const batch of badLabel.batches({ batchSize: 1 })) tf.dispose([batch.xs, batch.ys]);
    })().catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/example 0\.y: expected 2 values/);
  });

  it('closes its source and stops reading ahead when the consumer stops early', async () => {
    let read = 0;
    let closed = false;
    const stream = new StreamDataset(
      function* () {
        try {
          for (let i = 0; i < 1000; i++) {
            read++;
            yield { x: [i, -i], y: i % 3 };
          }
        } finally {
          closed = true;
        }
      },
      [2],
      { classes: 3 },
    );
    for await (const { xs, ys } of stream.batches({ batchSize: 4, prefetch: 2 })) {
      tf.dispose([xs, ys]);
      break;
    }
    expect(closed).toBe(true);
    expect(read).toBeLessThanOrEqual(4 * 3 + 1);
  });
});
