import * as tf from '@tensorflow/tfjs';
import { FileFormatError, initBackend } from '@bigmodel/core';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { Dqn } from './dqn';
import { loadAgent } from './load-agent';
import { Ppo } from './ppo';

let tmp: string;
let dqnJson: string;
let ppoJson: string;
beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
  tmp = mkdtempSync(join(tmpdir(), 'rl-load-'));
  // A DQN with transitions in its replay buffer and Adam state; a PPO with Adam state.
  const dqn = new Dqn({ learningStarts: 20, bufferSize: 100, batchSize: 8, trainFreq: 10, netArch: [8], seed: 3 });
  dqn.learn(60);
  await dqn.save(join(tmp, 'dqn'));
  dqn.dispose();
  const ppo = new Ppo({ nEnvs: 1, nSteps: 16, batchSize: 8, nEpochs: 1, piArch: [8], vfArch: [8], seed: 1 });
  ppo.learn(16);
  await ppo.save(join(tmp, 'ppo'));
  ppo.dispose();
  dqnJson = readFileSync(join(tmp, 'dqn', 'agent.json'), 'utf8');
  ppoJson = readFileSync(join(tmp, 'ppo', 'agent.json'), 'utf8');
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

type Doc = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const shorten = (text: string) => text.slice(0, text.length - 8);

/** [name, which checkpoint, damage (returns the new agent.json text, or mutates the document), the message]. */
const variants: [string, 'dqn' | 'ppo', (doc: Doc) => string | void, RegExp][] = [
  ['not JSON', 'dqn', () => '{"algorithm": "dqn", ', /cannot read an agent checkpoint/],
  ['trailing garbage after the JSON', 'dqn', () => `${dqnJson}garbage`, /cannot read an agent checkpoint/],
  ['a JSON array', 'dqn', () => '[1, 2]', /not an agent checkpoint/],
  ['no algorithm', 'dqn', (d) => void delete d['algorithm'], /not an agent checkpoint/],
  ['an unknown algorithm', 'dqn', (d) => void (d['algorithm'] = 'sarsa'), /unknown algorithm "sarsa"/],
  ['no config', 'dqn', (d) => void delete d['config'], /has config undefined, not a object/],
  ['a config the agent refuses', 'dqn', (d) => void (d['config']['gamma'] = 7), /does not restore a dqn agent \(.*gamma/],
  ['no qNet', 'dqn', (d) => void delete d['qNet'], /has qNet undefined/],
  ['a missing qNet array', 'dqn', (d) => void d['qNet'].pop(), /qNet.*Expected 4 weight arrays/],
  ['short qNet weights', 'dqn', (d) => void (d['qNet'][0] = shorten(d['qNet'][0])), /qNet\[0\].*Expected \d+ bytes/],
  ['non-base64 qNet weights', 'dqn', (d) => void (d['qNet'][1] = `${d['qNet'][1].slice(0, -4)}#$%!`), /qNet\[1\].*Expected base64/],
  [
    'base64 with trailing garbage',
    'dqn',
    (d) => void (d['targetNet'][0] = `${d['targetNet'][0]}AAAA`),
    /targetNet\[0\].*(Expected base64|Expected \d+ bytes)/,
  ],
  ['no buffer', 'dqn', (d) => void delete d['buffer'], /has buffer undefined/],
  [
    'a short replay buffer',
    'dqn',
    (d) => void (d['buffer']['rewards'] = shorten(d['buffer']['rewards'])),
    /buffer\.rewards.*Expected \d+ bytes/,
  ],
  ['a buffer position past its capacity', 'dqn', (d) => void (d['buffer']['position'] = 1000), /buffer.*position in \[0, 100\)/],
  ['no optimizer', 'dqn', (d) => void delete d['optimizer'], /has optimizer undefined/],
  [
    'a short optimizer slot',
    'dqn',
    (d) => void (d['optimizer'][1]['data'] = shorten(d['optimizer'][1]['data'])),
    /optimizer\[1\].*Expected \d+ bytes/,
  ],
  ['a negative step count', 'dqn', (d) => void (d['numTimesteps'] = -5), /has numTimesteps -5, not a whole number >= 0/],
  ['an rng state that is not a uint32', 'dqn', (d) => void (d['rng'] = 'abc'), /has rng "abc", not a uint32/],
  ['no PPO weights', 'ppo', (d) => void delete d['weights'], /has weights undefined/],
  ['short PPO weights', 'ppo', (d) => void (d['weights'][2] = shorten(d['weights'][2])), /weights\[2\].*Expected \d+ bytes/],
  ['an extra PPO weight array', 'ppo', (d) => void d['weights'].push(d['weights'][0]), /weights.*Expected \d+ weight arrays/],
  ['no PPO updates count', 'ppo', (d) => void delete d['updates'], /has updates undefined/],
];

describe('loadAgent on a corrupt agent.json', () => {
  it.each(variants)('refuses %s with one FileFormatError', async (_name, which, damage, message) => {
    const dir = join(tmp, `bad-${Math.random().toString(36).slice(2)}`);
    mkdirSync(dir);
    const doc = JSON.parse(which === 'dqn' ? dqnJson : ppoJson) as Doc;
    const text = damage(doc);
    writeFileSync(join(dir, 'agent.json'), text ?? JSON.stringify(doc));
    const before = tf.memory().numTensors;
    const error = await loadAgent(dir).catch((e: unknown) => e);
    expect(FileFormatError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(message);
    expect((error as FileFormatError).path).toBe(join(dir, 'agent.json'));
    expect(tf.memory().numTensors).toBe(before);
  });

  it('refuses an agent.json that is a FIFO without blocking on it', async () => {
    const dir = join(tmp, 'fifo');
    mkdirSync(dir);
    execFileSync('mkfifo', [join(dir, 'agent.json')]);
    await expect(loadAgent(dir)).rejects.toThrow(/cannot read an agent checkpoint/);
  });

  it('loads the undamaged checkpoints (the variants above fail for their damage only)', async () => {
    for (const which of ['dqn', 'ppo']) {
      const agent = await loadAgent(join(tmp, which));
      expect(agent.algorithm).toBe(which);
      agent.dispose();
    }
  });
});
