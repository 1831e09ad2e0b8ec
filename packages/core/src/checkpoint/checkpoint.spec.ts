import { mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import * as tf from '@tensorflow/tfjs';

import { FileFormatError, InvalidArgumentError } from '../errors';
import {
  checkpointArrays,
  checkpointTensor,
  hasCheckpoint,
  readCheckpoint,
  writeCheckpoint,
  type Checkpoint,
  type CheckpointArray,
} from '.';

// The module object itself (an `import * as` namespace has getters that jest cannot replace), as the code under test calls it.
const fs = require('node:fs') as typeof import('node:fs');

const tempDir = () => mkdtempSync(join(tmpdir(), 'bigmodel-checkpoint-'));

/** Float32 values whose bit patterns a lossy path would change: -0, a NaN payload, a subnormal, the largest float. */
function awkwardFloats(): Float32Array {
  const bits = new Uint32Array([0x80000000, 0x7fc01234, 0x00000001, 0x7f7fffff, 0x3f800000, 0xbf000000]);
  return new Float32Array(bits.buffer);
}

function sample(scale = 1): Checkpoint {
  return {
    writer: { package: '@bigmodel/test', kind: 'toy' },
    config: { units: [4, 2], activation: 'relu', nested: { lr: 1e-3 } },
    counters: { step: 40 * scale, epoch: 2 * scale, elapsed: 1.25 },
    rng: { state: 0xdeadbeef, seed: 7 },
    state: { history: [{ loss: 0.5 }], note: 'x' },
    weights: [
      { name: 'dense/kernel', shape: [2, 3], values: awkwardFloats().map((v) => v * scale) },
      { name: 'dense/bias', shape: [3], values: new Float32Array([scale, -2, 3]) },
    ],
    optimizer: [{ name: 'iter', shape: [], values: new Int32Array([-5 * scale]) }],
    arrays: [
      { name: 'buffer/terminated', shape: [5], values: new Uint8Array([1, 0, 1, 1, scale % 256]) },
      { name: 'empty', shape: [0, 3], values: new Float32Array(0) },
    ],
  };
}

const bytesOf = (a: CheckpointArray) => Buffer.from(a.values.buffer, a.values.byteOffset, a.values.byteLength);

/** Asserts `read` equals `written` bitwise in every array and equal in every JSON field. */
function expectSame(read: Checkpoint, written: Checkpoint): void {
  const { weights, optimizer, arrays, ...json } = written;
  expect({ ...read, weights: [], optimizer: [], arrays: [] }).toEqual({ ...json, weights: [], optimizer: [], arrays: [] });
  for (const [got, want] of [
    [read.weights, weights],
    [read.optimizer, optimizer],
    [read.arrays, arrays],
  ]) {
    expect(got.map((a) => [a.name, a.shape, a.values.constructor.name])).toEqual(
      want.map((a) => [a.name, a.shape, a.values.constructor.name]),
    );
    got.forEach((a, i) => expect(bytesOf(a).equals(bytesOf(want[i]))).toBe(true));
  }
}

describe('writeCheckpoint and readCheckpoint', () => {
  it('round-trip every array bit for bit (NaN payloads, -0, subnormals) and every JSON field', () => {
    const dir = join(tempDir(), 'ckpt');
    expect(hasCheckpoint(dir)).toBe(false);
    writeCheckpoint(dir, sample());
    expect(hasCheckpoint(dir)).toBe(true);
    expectSame(readCheckpoint(dir), sample());
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
    // The index by hand: 6 floats (24 bytes) then 3 floats (12 bytes).
    expect(manifest.files.weights.bytes).toBe(36);
    expect(manifest.files.weights.arrays[1]).toEqual({ name: 'dense/bias', dtype: 'float32', shape: [3], offset: 24, length: 12 });
    expect(manifest.files.arrays.arrays.map((a: { dtype: string }) => a.dtype)).toEqual(['uint8', 'float32']);
  });

  it('replaces the previous checkpoint and removes its binaries, leaving other files alone', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'notes.txt'), 'mine');
    writeCheckpoint(dir, sample(1));
    writeCheckpoint(dir, sample(3));
    expectSame(readCheckpoint(dir), sample(3));
    expect(readdirSync(dir).sort()).toEqual(expect.arrayContaining(['manifest.json', 'notes.txt']));
    expect(readdirSync(dir)).toHaveLength(5); // manifest, notes and three binaries
  });

  it('reads only the manifest when asked (arrays empty, binaries not opened)', () => {
    const dir = tempDir();
    writeCheckpoint(dir, sample());
    for (const file of readdirSync(dir)) if (file.endsWith('.bin')) fs.rmSync(join(dir, file));
    const { counters, weights } = readCheckpoint(dir, { manifestOnly: true });
    expect(counters.step).toBe(40);
    expect(weights.map((w) => [w.name, w.values.length])).toEqual([
      ['dense/kernel', 0],
      ['dense/bias', 0],
    ]);
    expect(() => readCheckpoint(dir)).toThrow(/does not exist/);
  });

  it('refuses a checkpoint of another writer when the caller says what it expects', () => {
    const dir = tempDir();
    writeCheckpoint(dir, sample());
    expect(() => readCheckpoint(dir, { expect: { package: '@bigmodel/rl', kind: 'dqn' } })).toThrow(
      /holds a @bigmodel\/test toy checkpoint, not @bigmodel\/rl dqn/,
    );
    expect(readCheckpoint(dir, { expect: { package: '@bigmodel/test' } }).writer.kind).toBe('toy');
  });

  it('refuses bad input with an InvalidArgumentError naming the field, before writing anything', () => {
    const dir = join(tempDir(), 'never');
    const wrongShape = { ...sample(), weights: [{ name: 'w', shape: [2, 2], values: new Float32Array(3) }] };
    expect(() => writeCheckpoint(dir, wrongShape)).toThrow(InvalidArgumentError);
    expect(() => writeCheckpoint(dir, wrongShape)).toThrow(/checkpoint\.weights\[0\]\.shape/);
    const twice = { ...sample(), optimizer: [...sample().optimizer, ...sample().optimizer] };
    expect(() => writeCheckpoint(dir, twice)).toThrow(/checkpoint\.optimizer\[1\]\.name/);
    expect(() => writeCheckpoint(dir, { ...sample(), counters: { step: NaN } })).toThrow(/checkpoint\.counters\.step/);
    expect(() => writeCheckpoint(dir, { ...sample(), state: { big: BigInt(1) } })).toThrow(TypeError);
    expect(fs.existsSync(dir)).toBe(false);
  });
});

describe('a crash while writing', () => {
  const MUTATING = ['openSync', 'writeSync', 'fsyncSync', 'renameSync', 'rmSync', 'unlinkSync', 'mkdirSync'] as const;

  /**
   * Runs `write` with the process "dying" at the `at`-th mutating file-system call: that call and
   * every later one does nothing more on disk (a write lands half its bytes) and throws.
   * Returns the number of mutating calls made when `at` is past the end.
   */
  function crashAt(at: number, write: () => void): number {
    let calls = 0;
    let dead = false;
    const spies = MUTATING.map((name) => {
      const original = (fs as unknown as Record<string, (...args: unknown[]) => unknown>)[name].bind(fs);
      return jest.spyOn(fs, name as never).mockImplementation(((...args: unknown[]) => {
        // Opening for reading changes nothing on disk.
        if (name === 'openSync' && (args[1] === 'r' || typeof args[1] === 'number')) return original(...args);
        calls++;
        if (calls === at && name === 'writeSync') {
          const [fd, bytes, offset, length] = args as [number, Uint8Array, number, number];
          original(fd, bytes, offset, Math.floor(length / 2));
        }
        if (calls >= at) dead = true;
        if (dead) throw new Error('crashed');
        return original(...args);
      }) as never);
    });
    try {
      write();
    } catch (error) {
      if ((error as Error).message !== 'crashed') throw error;
    } finally {
      spies.forEach((spy) => spy.mockRestore());
    }
    return calls;
  }

  it('at any point leaves the previous checkpoint loadable or the new one, never a mix, and the next write succeeds', () => {
    const total = crashAt(Infinity, () => writeCheckpoint(tempDir(), sample(2)));
    expect(total).toBeGreaterThan(10);
    const outcomes = new Set<string>();
    for (let at = 1; at <= total; at++) {
      const dir = tempDir();
      writeCheckpoint(dir, sample(1));
      crashAt(at, () => writeCheckpoint(dir, sample(2)));
      const read = readCheckpoint(dir);
      const which = read.counters.step === 40 ? 1 : 2;
      expectSame(read, sample(which));
      outcomes.add(`${which}`);
      writeCheckpoint(dir, sample(5));
      expectSame(readCheckpoint(dir), sample(5));
      expect(readdirSync(dir).filter((f) => f.includes('.tmp-'))).toEqual([]);
    }
    expect([...outcomes].sort()).toEqual(['1', '2']); // the crash points span the commit
  });

  it('before the first checkpoint is committed leaves no manifest', () => {
    const dir = join(tempDir(), 'first');
    crashAt(6, () => writeCheckpoint(dir, sample()));
    expect(hasCheckpoint(dir)).toBe(false);
  });
});

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Doc = Record<string, any>;

describe('a hostile manifest', () => {
  /** A checkpoint in `root/ckpt` with its manifest edited by `edit` (or replaced by the `rawText` it returns), and a file `root/secret` beside it. */
  function forged(edit: (manifest: Doc, dir: string) => unknown): string {
    const root = tempDir();
    const dir = join(root, 'ckpt');
    writeCheckpoint(dir, sample());
    writeFileSync(join(root, 'secret'), Buffer.alloc(36));
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
    const result = edit(manifest, dir) as { rawText?: string } | undefined;
    writeFileSync(join(dir, 'manifest.json'), result?.rawText ?? JSON.stringify(manifest));
    return dir;
  }

  it.each<[string, (m: Doc, dir: string) => unknown, RegExp]>([
    ['a path out of the directory', (m) => (m.files.weights.path = '../secret'), /names "\.\.\/secret", which is outside/],
    ['an absolute path', (m) => (m.files.weights.path = '/etc/passwd'), /is absolute/],
    [
      'a symlink inside that leads out',
      (m, dir) => {
        symlinkSync(join(dir, '..', 'secret'), join(dir, 'link.bin'));
        m.files.weights.path = 'link.bin';
      },
      /resolves \(through a symlink\) to a path outside/,
    ],
    [
      'a size the file does not have',
      (m) => ((m.files.weights.bytes = 40), (m.files.weights.arrays[1].shape = [4]), (m.files.weights.arrays[1].length = 16)),
      /holds 36 bytes where 40 are expected/,
    ],
    ['a size its arrays do not fill', (m) => (m.files.weights.bytes = 40), /has files\.weights\.bytes 40 where its arrays take 36/],
    [
      'a huge shape',
      (m) => (m.files.weights.arrays[0].shape = [2 ** 30, 2 ** 30, 2 ** 30, 2 ** 30]),
      /files\.weights\.arrays\[0\]\.shape .*larger than the 36 bytes/,
    ],
    [
      'a negative dimension',
      (m) => (m.files.weights.arrays[0].shape = [-2, -3]),
      /files\.weights\.arrays\[0\]\.shape \[-2,-3\], not a list of whole numbers/,
    ],
    [
      'a NaN offset',
      (m) => (m.files.weights.arrays[1].offset = 'NaN'),
      /files\.weights\.arrays\[1\]\.offset "NaN" where the arrays before it end at 24/,
    ],
    ['a null offset (JSON for NaN)', (m) => (m.files.weights.arrays[1].offset = null), /files\.weights\.arrays\[1\]\.offset null/],
    [
      'overlapping arrays',
      (m) => (m.files.weights.arrays[1].offset = 0),
      /files\.weights\.arrays\[1\]\.offset 0 where the arrays before it end at 24/,
    ],
    [
      'a length its shape does not give',
      (m) => (m.files.weights.arrays[1].length = 8),
      /files\.weights\.arrays\[1\]\.length 8 where its dtype and shape give 12/,
    ],
    ['an unknown dtype', (m) => (m.files.optimizer.arrays[0].dtype = 'float64'), /files\.optimizer\.arrays\[0\]\.dtype "float64"/],
    ['a bytes count over the limit', (m) => (m.files.arrays.bytes = 2 ** 40), /files\.arrays\.bytes 1099511627776, more than the limit/],
    ['a missing section', (m) => delete m.files.optimizer, /has files\.optimizer undefined/],
    ['a non-finite counter', (m) => (m.counters.step = '1e999'), /has counters\.step "1e999", not a finite number/],
    ['another format', (m) => (m.format = 'tfjs'), /is not a bigmodel-checkpoint version 1 manifest \(format "tfjs", version 1\)/],
    ['text that is not JSON', () => ({ rawText: '{"format":' }), /is not valid JSON/],
  ])('with %s is a FileFormatError naming the file and the field', (_, edit, message) => {
    const dir = forged(edit);
    let error: unknown;
    try {
      readCheckpoint(dir);
    } catch (e) {
      error = e;
    }
    expect(FileFormatError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).toContain(dir);
  });

  it('with a truncated binary is a FileFormatError naming that binary', () => {
    const dir = forged(() => undefined);
    const weights = readdirSync(dir).find((f) => f.startsWith('weights.'))!;
    fs.truncateSync(join(dir, weights), 20);
    expect(() => readCheckpoint(dir)).toThrow(new RegExp(`${weights} holds 20 bytes where 36 are expected`));
  });
});

describe('checkpointArrays and checkpointTensor', () => {
  it('carry float32 and int32 tensors through a checkpoint exactly, without leaking tensors', async () => {
    const dir = tempDir();
    const named = [
      {
        name: 'a',
        tensor: tf.tensor([
          [1.5, -0],
          [3, 4e-39],
        ]),
      },
      { name: 'iter', tensor: tf.scalar(7, 'int32') },
    ];
    const before = tf.memory().numTensors;
    const arrays = await checkpointArrays(named);
    writeCheckpoint(dir, { ...sample(), optimizer: arrays });
    const back = readCheckpoint(dir).optimizer.map(checkpointTensor);
    expect(back.map((t) => [t.dtype, t.shape])).toEqual([
      ['float32', [2, 2]],
      ['int32', []],
    ]);
    expect(Buffer.from((back[0].dataSync() as Float32Array).buffer).equals(Buffer.from(named[0].tensor.dataSync().buffer))).toBe(true);
    expect(back[1].dataSync()[0]).toBe(7);
    tf.dispose(back);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose(named.map((n) => n.tensor));
  });
});
