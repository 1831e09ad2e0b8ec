import { execFileSync } from 'node:child_process';
import {
  appendFileSync,
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  symlinkSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import * as tf from '@tensorflow/tfjs';
import { FileFormatError, initBackend } from '@bigmodel/core';

import type { GanConfig } from '../models/gan-config';
import { GanTrainer } from '../training/gan-trainer';
import { loadGanCheckpoint, saveGanCheckpoint } from './gan-checkpoint';

beforeAll(async () => {
  tf.env().set('PROD', true);
  await initBackend({ backend: 'wasm' });
});

describe('GAN checkpoints', () => {
  it('keep one weights file, named by the manifest, and refuse damaged files with a FileFormatError', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gan-ckpt-'));
    try {
      const trainer = GanTrainer.create({ imageShape: [8, 8, 1], nz: 4, ngf: 4, ndf: 4, batchSize: 4 }, 0);
      await saveGanCheckpoint(trainer, dir);
      trainer.trainStep([{ images: tf.zeros([4, 8, 8, 1]) }]);
      await saveGanCheckpoint(trainer, dir);
      const files = readdirSync(dir).sort();
      expect(files.map((f) => f.replace(/\.[0-9a-z-]+\.bin$/, '.bin'))).toEqual([
        'arrays.bin',
        'manifest.json',
        'optimizer.bin',
        'weights.bin',
      ]);
      const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
      expect([manifest.writer, manifest.counters, manifest.rng]).toEqual([
        { package: '@bigmodel/gan', kind: 'dcgan' },
        { step: 1 },
        { seed: 0, counter: 1 },
      ]);
      const { trainer: loaded } = await loadGanCheckpoint(dir);
      expect(loaded.step).toBe(1);
      expect(loaded.generatorOptimizer.iterations).toBe(1);
      loaded.dispose();
      truncateSync(
        join(
          dir,
          files.find((f) => f.startsWith('weights.'))!,
        ),
        100,
      );
      expect(FileFormatError.isInstance(await loadGanCheckpoint(dir).catch((e: unknown) => e))).toBe(true);
      writeFileSync(join(dir, 'manifest.json'), '{"format": "something else"}');
      await expect(loadGanCheckpoint(dir)).rejects.toThrow(/is not a bigmodel-checkpoint version 1 manifest/);
      trainer.dispose();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

/** A checkpoint in the format before core's, written by main's saveGanCheckpoint at 7da0035 (the trainer below, one step on zeros). */
const OLD_FIXTURE = join(__dirname, '../../fixtures/checkpoints/gan-v0');

describe("checkpoints of the format before core's", () => {
  it("load with the weights and optimizer state their weights file holds, the learning rates under their new names, and resume as a checkpoint in core's format does", async () => {
    const manifest = JSON.parse(readFileSync(join(OLD_FIXTURE, 'checkpoint.json'), 'utf8'));
    const bytes = readFileSync(join(OLD_FIXTURE, manifest.weightsFile));
    const floats = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
    const { trainer, extra } = await loadGanCheckpoint(OLD_FIXTURE);
    expect([trainer.step, extra]).toEqual([1, { elapsedSeconds: 1.5 }]);
    // Its config names the learning rates as before the rename (lr, generatorLr, discriminatorLr).
    expect(manifest.config).toMatchObject({ lr: 2e-4, generatorLr: 2e-4, discriminatorLr: 2e-4 });
    expect(trainer.config).toMatchObject({ learningRate: 2e-4, generatorLearningRate: 2e-4, discriminatorLearningRate: 2e-4 });
    expect(trainer.config).not.toHaveProperty('lr');
    // Every generator weight, bit for bit, from the file as its manifest lays it out.
    const generator = manifest.tensors.filter((t: { group: string }) => t.group === 'generator');
    expect(generator).toHaveLength(trainer.generator.weights.length);
    generator.forEach((t: { offset: number; shape: number[] }, i: number) => {
      const want = floats.subarray(t.offset, t.offset + t.shape.reduce((a, b) => a * b, 1));
      const got = trainer.generator.weights[i].read().dataSync() as Float32Array;
      expect(
        Buffer.from(got.buffer, got.byteOffset, got.byteLength).equals(Buffer.from(want.buffer, want.byteOffset, want.byteLength)),
      ).toBe(true);
    });
    // Saved in core's format and loaded, it trains on to the same weights as the trainer loaded from the old format.
    const batch = tf.fill([4, 8, 8, 1], 0.5) as tf.Tensor4D;
    const images = () => [{ images: batch }];
    const dir = mkdtempSync(join(tmpdir(), 'gan-ckpt-new-'));
    await saveGanCheckpoint(trainer, dir, extra);
    // Loading and disposing, from either format, leaves no tensor behind.
    const before = tf.memory().numTensors;
    for (const from of [OLD_FIXTURE, dir]) (await loadGanCheckpoint(from)).trainer.dispose();
    expect(tf.memory().numTensors).toBe(before);
    const { trainer: again } = await loadGanCheckpoint(dir);
    for (const t of [trainer, again]) t.trainStep(images());
    const weightsOf = (t: GanTrainer) => [...t.generator.weights, ...t.discriminator.weights].map((w) => Array.from(w.read().dataSync()));
    expect(weightsOf(again)).toEqual(weightsOf(trainer));
    expect(again.generatorOptimizer.iterations).toBe(2);
    again.dispose();
    trainer.dispose();
    batch.dispose();
    rmSync(dir, { recursive: true, force: true });
  });
});

describe("loadGanCheckpoint on a corrupt or hostile checkpoint of the format before core's", () => {
  type Manifest = Record<string, unknown> & {
    tensors: { group: string; name: string; shape: number[]; offset: number }[];
    random: Record<string, unknown>;
  };
  let source: string;
  let weightsBytes: number;
  beforeAll(() => {
    source = OLD_FIXTURE;
    weightsBytes = statSync(join(source, 'weights-1.bin')).size;
  });

  /** A copy of the good checkpoint, in its own directory `<root>/ckpt` (so that `..` leads to `<root>`, not elsewhere). */
  function copy(): { root: string; dir: string; manifest: Manifest } {
    const root = mkdtempSync(join(tmpdir(), 'gan-ckpt-bad-'));
    const dir = join(root, 'ckpt');
    mkdirSync(dir);
    copyFileSync(join(source, 'checkpoint.json'), join(dir, 'checkpoint.json'));
    copyFileSync(join(source, 'weights-1.bin'), join(dir, 'weights-1.bin'));
    return { root, dir, manifest: JSON.parse(readFileSync(join(dir, 'checkpoint.json'), 'utf8')) };
  }
  /** Lays the tensors out again one after another (so that a variant damages only what it means to). */
  const retile = (m: Manifest) => {
    let offset = 0;
    for (const t of m.tensors) [t.offset, offset] = [offset, offset + t.shape.reduce((a, b) => a * b, 1)];
  };
  const gen = (m: Manifest) => m.tensors.filter((t) => t.group === 'generator');

  // Each variant damages the manifest (or its files) and names the message the FileFormatError must carry.
  const variants: [string, (m: Manifest, dir: string, root: string) => unknown, RegExp][] = [
    ['not JSON', (_m, dir) => writeFileSync(join(dir, 'checkpoint.json'), '{"format": '), /not a readable GAN checkpoint/],
    ['a JSON array', (_m, dir) => writeFileSync(join(dir, 'checkpoint.json'), '[]'), /does not hold a JSON object/],
    ['no format', (m) => delete m['format'], /is not a bigmodel-gan-checkpoint version 1 file/],
    ['no config', (m) => delete m['config'], /has no config object/],
    [
      'an invalid config',
      (m) => ((m['config'] as Record<string, unknown>)['imageShape'] = [0, 8, 1]),
      /has an invalid config \(.*imageShape/,
    ],
    ['no step', (m) => delete m['step'], /has step undefined/],
    ['a negative step', (m) => (m['step'] = -1), /has step -1/],
    ['no random', (m) => delete (m as Record<string, unknown>)['random'], /has random undefined/],
    ['a random seed that is a string', (m) => (m.random['seed'] = 'x'), /has random .*seed/],
    ['an extra that is a string', (m) => (m['extra'] = 'x'), /extra that is not an object/],
    ['no weightsFile', (m) => delete m['weightsFile'], /has weightsFile undefined/],
    ['no tensors', (m) => delete (m as Record<string, unknown>)['tensors'], /has no tensors list/],
    ['tensors that are not a list', (m) => (m['tensors'] = {} as never), /has no tensors list/],
    ['a tensor of an unknown group', (m) => (m.tensors[0].group = 'critic'), /tensor 0 .* without a known group/],
    ['a tensor without a shape', (m) => delete (m.tensors[0] as Partial<Manifest['tensors'][0]>).shape, /tensor 0 .* with shape undefined/],
    ['a negative dimension', (m) => (m.tensors[0].shape = [-1, ...m.tensors[0].shape.slice(1)]), /tensor 0 .* with shape \[-1/],
    ['a negative offset', (m) => (m.tensors[1].offset = -4), /tensor 1 .* at offset -4 where \d+ follows/],
    ['overlapping tensors', (m) => (m.tensors[2].offset = m.tensors[1].offset), /tensor 2 .* at offset \d+ where \d+ follows/],
    [
      'a missing generator tensor (offsets consistent)',
      (m) => {
        m.tensors.splice(m.tensors.indexOf(gen(m)[0]), 1);
        retile(m);
      },
      /holds \d+ generator tensors where its config builds \d+/,
    ],
    [
      'a generator tensor of another shape',
      (m) => (gen(m)[0].shape = [...gen(m)[0].shape.slice(0, -1), 1]),
      /offset|of shape .* where its config builds/,
    ],
    [
      'averaged-generator tensors its config does not keep',
      (m) => (m.tensors[0].group = 'averageGenerator'),
      /config builds|averaged generator/,
    ],
    [
      "an optimizer slot of no variable's shape",
      (m) => {
        const slot = m.tensors.filter((t) => t.group === 'generatorOptimizer' && t.shape.length > 0)[0];
        slot.shape = [7, 13];
        retile(m);
      },
      /generatorOptimizer tensor .* the shape of none/,
    ],
    [
      'a weightsFile outside its directory',
      (m, _dir, root) => {
        mkdirSync(join(root, 'outside'));
        copyFileSync(join(source, 'weights-1.bin'), join(root, 'outside', 'w.bin'));
        m['weightsFile'] = '../outside/w.bin';
      },
      /names "\.\.\/outside\/w\.bin", which is outside/,
    ],
    ['an absolute weightsFile', (m) => (m['weightsFile'] = join(source, 'weights-1.bin')), /which is absolute/],
    [
      'a weightsFile that is a symlink out',
      (m, dir) => {
        symlinkSync(join(source, 'weights-1.bin'), join(dir, 'link.bin'));
        m['weightsFile'] = 'link.bin';
      },
      /resolves \(through a symlink\) to a path outside/,
    ],
    ['a missing weightsFile', (m) => (m['weightsFile'] = 'weights-9.bin'), /weights-9\.bin does not exist/],
    [
      'a weightsFile that is a FIFO',
      (m, dir) => {
        execFileSync('mkfifo', [join(dir, 'fifo.bin')]);
        m['weightsFile'] = 'fifo.bin';
      },
      /fifo\.bin is not a regular file/,
    ],
    [
      'weights of a length not a multiple of 4',
      (_m, dir) => appendFileSync(join(dir, 'weights-1.bin'), Buffer.from([1, 2])),
      /holds \d+ bytes where \d+ are expected/,
    ],
    ['truncated weights', (_m, dir) => truncateSync(join(dir, 'weights-1.bin'), 100), /holds 100 bytes where \d+ are expected/],
    // 1.9 GB, sparse: refused by its size before a byte is read.
    ['oversized weights', (_m, dir) => truncateSync(join(dir, 'weights-1.bin'), 1.9e9), /holds 1900000000 bytes where \d+ are expected/],
  ];

  it.each(variants)('refuses %s with one FileFormatError', async (_name, damage, message) => {
    const { root, dir, manifest } = copy();
    try {
      const before = tf.memory().numTensors;
      const good = JSON.stringify(manifest);
      writeFileSync(join(dir, 'checkpoint.json'), good);
      damage(manifest, dir, root);
      // A variant that wrote checkpoint.json itself keeps it; the others damaged the manifest object.
      if (readFileSync(join(dir, 'checkpoint.json'), 'utf8') === good)
        writeFileSync(join(dir, 'checkpoint.json'), JSON.stringify(manifest));
      const error = await loadGanCheckpoint(dir).catch((e: unknown) => e);
      expect(FileFormatError.isInstance(error)).toBe(true);
      expect((error as Error).message).toMatch(message);
      expect(tf.memory().numTensors).toBe(before);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('loads the undamaged copy (the variants above fail for their damage only)', async () => {
    const { root, dir } = copy();
    const { trainer } = await loadGanCheckpoint(dir);
    expect(trainer.step).toBe(1);
    expect(statSync(join(dir, 'weights-1.bin')).size).toBe(weightsBytes);
    trainer.dispose();
    rmSync(root, { recursive: true, force: true });
  });
});

describe('a loaded trainer', () => {
  const tiny: GanConfig = { imageShape: [8, 8, 1], nz: 4, ngf: 4, ndf: 4, batchSize: 4 };
  const kinds: GanConfig[] = [
    { ...tiny, kind: 'dcgan', generatorEma: 0.9, discriminatorNormalization: 'spectral', discriminatorPacking: 2 },
    { ...tiny, kind: 'cgan', minibatchStddev: 2, discriminatorTranslation: 0.25 },
    { ...tiny, kind: 'wgan-gp', criticSteps: 2, generatorEma: 0.5, discriminatorNormalization: 'spectral' },
  ];
  it.each(kinds.map((c) => [c.kind, c]))('%s: loaded, stepped and disposed, leaves no tensor behind', async (_kind, config) => {
    const dir = mkdtempSync(join(tmpdir(), 'gan-ckpt-leak-'));
    const batches = () =>
      Array.from({ length: config.criticSteps ?? 1 }, () => ({
        images: tf.fill([4, 8, 8, 1], 0.5) as tf.Tensor4D,
        labels: Uint8Array.of(0, 1, 2, 3),
      }));
    try {
      const trainer = GanTrainer.create(config, 0);
      const first = batches();
      trainer.trainStep(first);
      await saveGanCheckpoint(trainer, dir);
      trainer.dispose();
      const steps = [batches(), batches()];
      const before = tf.memory().numTensors;
      const { trainer: loaded } = await loadGanCheckpoint(dir);
      for (const step of steps) loaded.trainStep(step);
      expect(loaded.step).toBe(3);
      loaded.dispose();
      expect(tf.memory().numTensors).toBe(before);
      tf.dispose([...first, ...steps.flat()].map((b) => b.images));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
