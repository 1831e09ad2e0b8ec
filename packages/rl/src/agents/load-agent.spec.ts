import * as tf from '@tensorflow/tfjs';
import { FileFormatError, initBackend } from '@bigmodel/core';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { Dqn } from './dqn';
import { loadAgent } from './load-agent';
import { Ppo } from './ppo';

const OLD_FIXTURES = join(__dirname, '../../fixtures/checkpoints');
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
  // The damaged variants below start from checkpoints of the format before core's, written by main's code at 7da0035
  // from the same two agents (agent.json, arrays as base64).
  dqnJson = readFileSync(join(OLD_FIXTURES, 'dqn-v0', 'agent.json'), 'utf8');
  ppoJson = readFileSync(join(OLD_FIXTURES, 'ppo-v0', 'agent.json'), 'utf8');
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

describe("agent checkpoints in core's format", () => {
  it('lay out networks as weights, Adam as optimizer state, the replay buffer as arrays and the counters as counters', () => {
    const manifest = JSON.parse(readFileSync(join(tmp, 'dqn', 'manifest.json'), 'utf8'));
    expect(manifest.writer).toEqual({ package: '@bigmodel/rl', kind: 'dqn' });
    expect(manifest.counters.numTimesteps).toBe(60);
    expect(manifest.rng).toEqual({ state: expect.any(Number) });
    // CartPole (4 observations) -> 8 -> 2 actions: kernel, bias, kernel, bias for each of the two networks.
    const weights = manifest.files.weights.arrays.map((a: { name: string; shape: number[] }) => [a.name, a.shape]);
    expect(weights).toEqual([
      ['qNet/0', [32]],
      ['qNet/1', [8]],
      ['qNet/2', [16]],
      ['qNet/3', [2]],
      ['targetNet/0', [32]],
      ['targetNet/1', [8]],
      ['targetNet/2', [16]],
      ['targetNet/3', [2]],
    ]);
    expect(manifest.files.optimizer.arrays.length).toBe(1 + 3 * 4); // iterations, and m, v, vMax of each variable
    expect(manifest.files.arrays.arrays.map((a: { name: string }) => a.name)).toContain('buffer/observations');
    expect(manifest.state.qNet[0]).toEqual({ $array: 'qNet/0', section: 'weights' });
  });

  it("of the format before core's load with the weights their base64 holds, and save to core's format with the same state", async () => {
    const doc = JSON.parse(dqnJson) as Doc;
    const agent = (await loadAgent(join(OLD_FIXTURES, 'dqn-v0'))) as Dqn;
    const fromBase64 = (text: string) => Array.from(new Float32Array(new Uint8Array(Buffer.from(text, 'base64')).buffer));
    expect(agent.qNet.getWeights().map((w) => Array.from(w))).toEqual(doc['qNet'].map(fromBase64));
    expect([agent.numTimesteps, agent.rng.state]).toEqual([doc['numTimesteps'], doc['rng']]);
    const dir = join(tmp, 'converted');
    await agent.save(dir);
    const again = (await loadAgent(dir)) as Dqn;
    expect(again.qNet.getWeights()).toEqual(agent.qNet.getWeights());
    expect(again.buffer.toJSON()).toEqual(agent.buffer.toJSON());
    // Both train on to the same weights.
    agent.learn(20);
    again.learn(20);
    expect(again.qNet.getWeights()).toEqual(agent.qNet.getWeights());
    agent.dispose();
    again.dispose();
  });

  it.each<[string, (manifest: Doc) => void, RegExp]>([
    [
      'a reference to an array it does not hold',
      (m) => (m['state']['buffer']['rewards'] = { $array: 'nowhere', section: 'arrays' }),
      /refers to the array/,
    ],
    [
      'network weights of another length (the index consistent)',
      (m) => {
        const entry = m['files']['weights']['arrays'][1];
        [entry.shape, entry.length] = [[7], 28];
        for (const later of m['files']['weights']['arrays'].slice(2)) later.offset -= 4;
        m['files']['weights']['bytes'] -= 4;
      },
      /holds \d+ bytes where \d+ are expected/,
    ],
    [
      'another writer',
      (m) => (m['writer'] = { package: '@bigmodel/gan', kind: 'dcgan' }),
      /holds a @bigmodel\/gan dcgan checkpoint, not @bigmodel\/rl/,
    ],
    ['an rng state that is not a uint32', (m) => (m['rng'] = { state: -1 }), /has rng -1, not a uint32/],
  ])('refuses a manifest with %s with one FileFormatError naming the file', async (_name, damage, message) => {
    const dir = join(tmp, `bad-new-${Math.random().toString(36).slice(2)}`);
    cpSync(join(tmp, 'dqn'), dir, { recursive: true });
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as Doc;
    damage(manifest);
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest));
    const before = tf.memory().numTensors;
    const error = await loadAgent(dir).catch((e: unknown) => e);
    expect(FileFormatError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(message);
    expect((error as FileFormatError).path.startsWith(dir)).toBe(true);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe("loadAgent on a corrupt agent.json (the format before core's)", () => {
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
