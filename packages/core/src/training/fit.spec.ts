import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import * as tf from '@tensorflow/tfjs';

import { TensorDataset } from '../data';
import { InvalidArgumentError, NumericalError } from '../errors';
import { Adam, Sgd } from '../optimizers';
import { useWasm } from '../testing/backend-comparison';
import { linearModel } from '../testing/linear-model';
import { smallModel, smallMnist } from '../testing/train-child';
import { bestCheckpoint, earlyStopping, fit, JsonlLogger, resumeFit, type CustomModel } from '.';

beforeAll(useWasm);

const tempDir = () => mkdtempSync(join(tmpdir(), 'bigmodel-fit-'));

describe('fit', () => {
  it('trains a LayersModel on MNIST with validation, logs JSON lines, and keeps tensor counts stable', async () => {
    const { train, validation } = smallMnist().split({ train: 0.8, validation: 0.2, seed: 1 });
    const model = smallModel();
    model.compile({ optimizer: new Adam({ learningRate: 1e-3 }), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
    const path = join(tempDir(), 'metrics.jsonl');
    const counts: number[] = [];
    const history = await fit(model, train, {
      epochs: 4,
      batchSize: 32,
      validation,
      logger: new JsonlLogger(path),
      callbacks: [{ onEpochEnd: () => void counts.push(tf.memory().numTensors) }],
    });
    const [first, last] = [history.epochs[0], history.epochs[3]];
    expect(Object.keys(last).sort()).toEqual(['acc', 'loss', 'valAccuracy', 'valLoss', 'valMacroF1']);
    expect(last.loss).toBeLessThan(first.loss);
    expect(last.valAccuracy).toBeGreaterThan(0.6);
    expect(counts.slice(1)).toEqual([counts[1], counts[1], counts[1]]);
    const lines = readFileSync(path, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.filter((l) => 'losses/train' in l)).toHaveLength(4 * Math.ceil(train.size / 32));
    expect(lines.filter((l) => l['schedule/learningRate'] === 1e-3)).toHaveLength(4 * Math.ceil(train.size / 32));
    expect(lines.filter((l) => 'charts/valAccuracy' in l)).toHaveLength(4);
    model.dispose();
  });

  it('trains with a tf.train optimizer and logs its learningRate field', async () => {
    const data = smallMnist().subset([...Array(64).keys()]);
    const model = smallModel();
    model.compile({ optimizer: tf.train.sgd(0.05), loss: 'categoricalCrossentropy' });
    const records: Record<string, number | string>[] = [];
    await fit(model, data, { epochs: 1, batchSize: 32, logger: { log: (r) => void records.push(r) } });
    expect(records.filter((r) => 'losses/train' in r).map((r) => r['schedule/learningRate'])).toEqual([0.05, 0.05]);
    model.dispose();
  });

  it('trains a custom model (variables + forward) to the least-squares solution', async () => {
    const xs = Float32Array.from({ length: 64 }, (_, i) => i / 32 - 1);
    const ys = Float32Array.from(xs, (x) => 2 * x + 1);
    const data = new TensorDataset(xs, [1], ys, { labelShape: [1] });
    const { model, w, b } = linearModel();
    await fit(model, data, { epochs: 60, batchSize: 16, seed: 2 });
    expect(w.dataSync()[0]).toBeCloseTo(2, 3);
    expect(b.dataSync()[0]).toBeCloseTo(1, 3);
    tf.dispose([w, b]);
  });

  it('augments training batches only, once per batch, without leaking tensors', async () => {
    const data = new TensorDataset(
      Float32Array.from({ length: 20 }, (_, i) => i),
      [1],
      Float32Array.from({ length: 20 }, (_, i) => i),
      { labelShape: [1] },
    );
    const w = tf.variable(tf.zeros([1, 1]));
    const seenByForward: number[] = [];
    const model: CustomModel = {
      variables: [w],
      forward: (x, training) => {
        if (training) seenByForward.push(...x.dataSync());
        return tf.matMul(x, w);
      },
      loss: (y, p) => tf.losses.meanSquaredError(y, p) as tf.Scalar,
      optimizer: new Sgd({ learningRate: 1e-4 }),
    };
    let calls = 0;
    await fit(model, data, { epochs: 1, batchSize: 8, shuffle: false, validation: data, augment: (xs) => (calls++, tf.neg(xs)) });
    const before = tf.memory().numTensors;
    await fit(model, data, { epochs: 1, batchSize: 8, shuffle: false, augment: (xs) => tf.neg(xs) });
    expect(tf.memory().numTensors).toBe(before);
    expect(calls).toBe(3);
    // Training saw negated examples (+ 0 turns -0 into 0); validation used forward(x, false).
    expect(seenByForward.slice(0, 20).map((v) => v + 0)).toEqual(Array.from({ length: 20 }, (_, i) => (i === 0 ? 0 : -i)));
    w.dispose();
  });

  it('stops with a NumericalError naming the step when the loss turns NaN', async () => {
    const data = new TensorDataset(Float32Array.from([1, 2, 3, 4]), [1], Float32Array.from([1, 2, 3, 4]), { labelShape: [1] });
    const w = tf.variable(tf.ones([1, 1]));
    const model: CustomModel = {
      variables: [w],
      forward: (x) => tf.matMul(x, w),
      loss: (y, p) => tf.mean(tf.log(tf.sub(p, y))) as tf.Scalar, // log of 0 and of negatives: -Inf / NaN
      optimizer: new Sgd({ learningRate: 0.1 }),
    };
    const error = await fit(model, data, { epochs: 3, batchSize: 2 }).catch((e: unknown) => e);
    expect(NumericalError.isInstance(error)).toBe(true);
    expect((error as NumericalError).step).toBe(1);
    w.dispose();
  });

  /** A dense model on 8 examples (2 steps per epoch) whose second epoch trains on NaN inputs, checkpointed every epoch. */
  async function fitIntoNaN(nanGuard: boolean) {
    const dir = join(tempDir(), 'checkpoint');
    const data = new TensorDataset(
      Float32Array.from({ length: 16 }, (_, i) => i / 16),
      [2],
      Float32Array.from({ length: 8 }, (_, i) => i / 8),
      { labelShape: [1] },
    );
    const model = tf.sequential({
      layers: [tf.layers.dense({ inputShape: [2], units: 1, kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) })],
    });
    model.compile({ optimizer: new Sgd({ learningRate: 0.1 }), loss: 'meanSquaredError' });
    let afterFirst: Record<string, Buffer> = {};
    const snapshot = () =>
      Object.fromEntries(
        (readdirSync(dir, { recursive: true }) as string[])
          .filter((f) => f.includes('.'))
          .sort()
          .map((f) => [f, readFileSync(join(dir, f))]),
      );
    let tensorsAfterFirst = 0; // the optimizer's state exists by then
    const error = await fit(model, data, {
      epochs: 3,
      batchSize: 4,
      nanGuard,
      checkpoint: { dir },
      augment: (xs, { epoch }) => (epoch === 1 ? tf.mul(xs, NaN) : tf.clone(xs)),
      callbacks: [
        { onEpochEnd: (epoch) => void (epoch === 0 && ((afterFirst = snapshot()), (tensorsAfterFirst = tf.memory().numTensors))) },
      ],
    }).catch((e: unknown) => e);
    expect(tf.memory().numTensors).toBe(tensorsAfterFirst);
    const files = { after: snapshot(), afterFirst, left: readdirSync(dir).sort() };
    model.dispose();
    return { error, files };
  }

  it('stops with a NumericalError naming the step on NaN inputs, and the last good checkpoint stays unchanged', async () => {
    const { error, files } = await fitIntoNaN(true);
    expect(NumericalError.isInstance(error)).toBe(true);
    expect((error as NumericalError).step).toBe(3); // the first step of the second epoch
    expect(files.after).toEqual(files.afterFirst);
    expect(files.left).toEqual(['epoch-1', 'latest.json']);
  });

  it('never checkpoints non-finite weights: with the NaN guard off, the checkpoint of the epoch that turned them NaN is refused', async () => {
    const { error, files } = await fitIntoNaN(false);
    expect(NumericalError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ step: 4 }); // the epoch's last step, where its checkpoint was due
    expect((error as Error).message).toMatch(/^weight .* is NaN at step 4\. No checkpoint was written/);
    expect(files.after).toEqual(files.afterFirst);
    expect(files.left).toEqual(['epoch-1', 'latest.json']);
  });

  it('a run stopped after its last checkpoint and resumed logs every step once, as an uninterrupted run does', async () => {
    const data = new TensorDataset(
      Float32Array.from({ length: 16 }, (_, i) => i / 16),
      [2],
      Float32Array.from({ length: 8 }, (_, i) => i / 8),
      { labelShape: [1] },
    );
    const model = () => {
      const m = tf.sequential({
        layers: [tf.layers.dense({ inputShape: [2], units: 1, kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) })],
      });
      m.compile({ optimizer: new Sgd({ learningRate: 0.1 }), loss: 'meanSquaredError' });
      return m;
    };
    const records = (path: string) =>
      readFileSync(path, 'utf8')
        .trim()
        .split('\n')
        .map((line) => ({ ...JSON.parse(line), time: 0 }));
    const straightLog = join(tempDir(), 'metrics.jsonl');
    const straight = model();
    await fit(straight, data, { epochs: 3, batchSize: 4, seed: 2, logger: new JsonlLogger(straightLog), checkpoint: { dir: tempDir() } });
    straight.dispose();

    // Stopped at step 4, after its log record and before its epoch's checkpoint (the last one is at step 2).
    const dir = tempDir();
    const log = join(dir, 'metrics.jsonl');
    const first = model();
    const stop = new Error('killed');
    const stopped = await fit(first, data, {
      epochs: 3,
      batchSize: 4,
      seed: 2,
      logger: new JsonlLogger(log),
      checkpoint: { dir: join(dir, 'checkpoint') },
      callbacks: [
        {
          onBatchEnd: (step) => {
            if (step === 4) throw stop;
          },
        },
      ],
    }).catch((e: unknown) => e);
    expect(stopped).toBe(stop);
    first.dispose();
    const { model: resumed } = await resumeFit(join(dir, 'checkpoint'), data, {
      epochs: 3,
      batchSize: 4,
      seed: 2,
      logger: new JsonlLogger(log),
    });
    resumed.dispose();
    expect(records(log).map((r) => r.step)).toEqual([1, 2, 2, 3, 4, 4, 5, 6, 6]);
    expect(records(log)).toEqual(records(straightLog));
  });

  it('rejects bad configuration with typed errors naming the parameter', async () => {
    const data = smallMnist();
    const model = smallModel();
    await expect(fit(model, data, { epochs: 0, batchSize: 8 })).rejects.toThrow(
      'Invalid argument for FitConfig.epochs: 0. Too small: expected number to be >=1. Epochs to train (an integer >= 1)',
    );
    await expect(fit(model, data, { epochs: 1, batchSize: -3 })).rejects.toThrow(InvalidArgumentError);
    await expect(fit(model, data, { epochs: 1, batchSize: 8, checkpoint: { dir: 'x', everyEpochs: 1.5 } })).rejects.toThrow(
      /FitConfig\.checkpoint\.everyEpochs: 1\.5\. Invalid input: expected int/,
    );
    await expect(fit(model, data, { epochs: 1, batchSize: 8, batchsize: 8 } as never)).rejects.toThrow(
      'Invalid argument for FitConfig.batchsize: 8. Unknown key; did you mean "batchSize"?',
    );
    await expect(fit(model, data, { epochs: 1, batchSize: 8, validation: [1, 2] } as never)).rejects.toThrow(
      'Invalid argument for FitConfig.validation: [1,2]. Expected a TensorDataset or a StreamDataset.',
    );
    const empty = new TensorDataset(new Float32Array(0), [784], new Uint8Array(0), { classes: 10 });
    await expect(fit(model, empty, { epochs: 1, batchSize: 8 })).rejects.toThrow(/training dataset is empty/);
    model.dispose();
  });
});

describe('callbacks', () => {
  it('earlyStopping stops after `patience` epochs without improvement and restores the best weights', () => {
    const v = tf.variable(tf.scalar(0));
    const context = { variables: [v], optimizer: new Sgd({ learningRate: 1 }) };
    const stopper = earlyStopping({ monitor: 'valLoss', patience: 1, restoreBestWeights: true });
    const decisions = [3, 2, 2.5, 2.6].map((valLoss, epoch) => {
      v.assign(tf.scalar(epoch));
      return stopper.onEpochEnd!(epoch, { valLoss }, context);
    });
    expect(decisions).toEqual([undefined, undefined, undefined, 'stop']);
    stopper.onTrainEnd!(context);
    expect(v.dataSync()[0]).toBe(1); // epoch 1 had the best valLoss
    v.dispose();
  });

  it('bestCheckpoint saves only when the monitored value improves', async () => {
    const dir = join(tempDir(), 'best');
    const model = smallModel();
    const saver = bestCheckpoint({ dir, monitor: 'valAccuracy' });
    const context = { model, variables: [], optimizer: model.optimizer };
    await saver.onEpochEnd!(0, { valAccuracy: 0.5 }, context);
    const first = readFileSync(join(dir, 'model.json'), 'utf8');
    await saver.onEpochEnd!(1, { valAccuracy: 0.4 }, context);
    expect(readFileSync(join(dir, 'model.json'), 'utf8')).toBe(first);
    model.dispose();
  });
});

describe('checkpoints', () => {
  it('never remove or load a path a forged latest.json names outside the checkpoint directory', async () => {
    const root = tempDir();
    const dir = join(root, 'ckpt');
    const victim = join(root, 'victim');
    mkdirSync(victim);
    writeFileSync(join(victim, 'precious.txt'), 'keep me');
    const data = smallMnist().subset([...Array(64).keys()]);
    const model = smallModel();
    model.compile({ optimizer: new Adam({ learningRate: 1e-3 }), loss: 'categoricalCrossentropy' });
    await fit(model, data, { epochs: 1, batchSize: 32, checkpoint: { dir } });
    const latest = join(dir, 'latest.json');
    writeFileSync(latest, JSON.stringify({ ...JSON.parse(readFileSync(latest, 'utf8')), model: '../victim' }));
    await expect(resumeFit(dir, data, { epochs: 2, batchSize: 32 })).rejects.toThrow(/names the checkpoint "\.\.\/victim", not epoch-N/);
    // A new checkpoint replaces latest.json and removes the previous checkpoint it named: never ../victim.
    await fit(model, data, { epochs: 1, batchSize: 32, checkpoint: { dir } });
    expect(readFileSync(join(victim, 'precious.txt'), 'utf8')).toBe('keep me');
    model.dispose();
  });

  const child = join(__dirname, '../testing/train-child.ts');
  const run = (args: string[]) =>
    spawnSync(process.execPath, ['-r', 'ts-node/register/transpile-only', child, ...args], {
      encoding: 'utf8',
      env: { ...process.env, TS_NODE_PROJECT: join(__dirname, '../../tsconfig.spec.json') },
    });

  it('a run killed with SIGKILL and resumed from its checkpoint ends with the weights of an uninterrupted run', async () => {
    const uninterrupted = join(tempDir(), 'weights.json');
    const straight = run([join(tempDir(), 'ckpt'), '6', 'fresh', uninterrupted]);
    expect(straight.stderr).toBe('');

    const dir = join(tempDir(), 'ckpt');
    const killed = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', child, dir, '6', 'fresh', join(dir, 'never.json')], {
      env: { ...process.env, TS_NODE_PROJECT: join(__dirname, '../../tsconfig.spec.json'), BIGMODEL_TEST_EPOCH_PAUSE_MS: '400' },
      stdio: 'ignore',
    });
    const exited = new Promise<NodeJS.Signals | null>((resolve) => killed.on('exit', (_code, signal) => resolve(signal)));
    // Kill it once it has checkpointed two epochs (it pauses 400 ms after each, so it is mid-run).
    for (let tries = 0; tries < 1200; tries++) {
      const latest = join(dir, 'latest.json');
      if (existsSync(latest) && JSON.parse(readFileSync(latest, 'utf8')).epoch >= 2) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    killed.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
    const reached = JSON.parse(readFileSync(join(dir, 'latest.json'), 'utf8')).epoch;
    expect(reached).toBeGreaterThanOrEqual(2);
    expect(reached).toBeLessThan(6);

    const resumedWeights = join(tempDir(), 'resumed.json');
    const resumed = run([dir, '6', 'resume', resumedWeights]);
    expect(resumed.stderr).toBe('');
    expect(JSON.parse(readFileSync(resumedWeights, 'utf8'))).toEqual(JSON.parse(readFileSync(uninterrupted, 'utf8')));
  });
});
