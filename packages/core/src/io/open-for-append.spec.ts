import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import * as tf from '@tensorflow/tfjs';

import { JsonlLogger } from '../training/jsonl-logger';
import { FileFormatError } from '../errors';
import { saveModel } from './save-model';

const temp = () => mkdtempSync(join(tmpdir(), 'bigmodel-append-'));

describe('writing logs and models where an untrusted file points', () => {
  it('a log that is a symlink (to a file outside) or a FIFO is refused; the target is untouched', () => {
    const dir = temp();
    const outside = join(temp(), 'victim.txt');
    writeFileSync(outside, 'keep');
    symlinkSync(outside, join(dir, 'metrics.jsonl'));
    expect(() => new JsonlLogger(join(dir, 'metrics.jsonl')).log({ step: 1 })).toThrow(FileFormatError);
    expect(() => new JsonlLogger(join(dir, 'metrics.jsonl')).log({ step: 1 })).toThrow(/is a symlink/);
    expect(readFileSync(outside, 'utf8')).toBe('keep');
    execFileSync('mkfifo', [join(dir, 'fifo.jsonl')]);
    expect(() => new JsonlLogger(join(dir, 'fifo.jsonl')).log({ step: 1 })).toThrow(FileFormatError);
  });

  it('a log that is a regular file is appended to, line by line', () => {
    const path = join(temp(), 'metrics.jsonl');
    const logger = new JsonlLogger(path);
    logger.log({ step: 1 });
    logger.log({ step: 2 });
    expect(
      readFileSync(path, 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).step),
    ).toEqual([1, 2]);
  });

  it("saving over a model.json that lists '../victim' as a shard deletes nothing outside the directory", async () => {
    const root = temp();
    const dir = join(root, 'model');
    const victim = join(root, 'victim.txt');
    writeFileSync(victim, 'keep');
    const model = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [2] })] });
    await saveModel(model, dir);
    const json = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
    json.weightsManifest[0].paths.push('../victim.txt');
    writeFileSync(join(dir, 'model.json'), JSON.stringify(json));
    await saveModel(model, dir);
    expect(readFileSync(victim, 'utf8')).toBe('keep');
    model.dispose();
  });
});
