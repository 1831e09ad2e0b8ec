import * as tf from '@tensorflow/tfjs';
import { make } from '@bigmodel/rl';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { runA2cCartpole } from './a2c-cartpole';
import { GridWorld, runCustomEnv } from './custom-env';
import { runDqnAcrobot } from './dqn-acrobot';
import { runDqnCartpole } from './dqn-cartpole';
import { runPpoCartpole } from './ppo-cartpole';
import { LUNAR_LANDER_PPO, runPpoLunarLander } from './ppo-lunarlander';
import { runPpoPendulum } from './ppo-pendulum';
import { runReinforceCartpole } from './reinforce-cartpole';

let tmp: string;
beforeAll(() => {
  tf.env().set('PROD', true);
  tmp = mkdtempSync(join(tmpdir(), 'rl-examples-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A CartPole-v1 mean over `episodes` episodes: whole steps of reward 1, between 1 and 500 each. */
function expectCartPoleMean(mean: number, episodes: number) {
  expect(Number.isInteger(Math.round(mean * episodes * 1e6) / 1e6)).toBe(true);
  expect(mean).toBeGreaterThanOrEqual(1);
  expect(mean).toBeLessThanOrEqual(500);
}

describe('examples/rl (tiny budgets)', () => {
  it('dqn-cartpole trains, saves and evaluates', async () => {
    const out = join(tmp, 'dqn');
    const s = await runDqnCartpole({ steps: 1200, out, evalEpisodes: 2, evalEvery: 600, quiet: true });
    expect(s.steps).toBe(1200);
    expect([600, 1200]).toContain(s.best?.step);
    expect(existsSync(join(out, 'best', 'agent.json'))).toBe(true);
    expectCartPoleMean(s.meanReturn, 2);
    expect(existsSync(join(out, 'agent.json')) && existsSync(join(out, 'metrics.jsonl'))).toBe(true);
  });

  it('ppo-cartpole trains, saves and evaluates', async () => {
    const s = await runPpoCartpole({ steps: 512, out: join(tmp, 'ppo'), evalEpisodes: 2, quiet: true });
    expect(s.steps).toBe(512);
    expect(existsSync(join(tmp, 'ppo', 'images', 'cartpole.png'))).toBe(true);
    expectCartPoleMean(s.meanReturn, 2);
  });

  it('reinforce-cartpole and a2c-cartpole report whether and when they solved CartPole', async () => {
    const r = await runReinforceCartpole({ maxSteps: 300, checkEvery: 300, out: join(tmp, 'reinforce'), quiet: true });
    expect(r).toMatchObject({ env: 'CartPole-v1', algorithm: 'reinforce', solved: false });
    expect(r.steps).toBeGreaterThanOrEqual(300);
    expect(r.curve).toHaveLength(1);
    const a = await runA2cCartpole({ maxSteps: 400, checkEvery: 400, out: join(tmp, 'a2c'), quiet: true });
    expect(a).toMatchObject({ algorithm: 'a2c', steps: 400 });
  });

  it('dqn-acrobot runs against the Acrobot threshold', async () => {
    const s = await runDqnAcrobot({ maxSteps: 200, checkEvery: 200, checkEpisodes: 2, out: join(tmp, 'acrobot'), quiet: true });
    expect(s).toMatchObject({ env: 'Acrobot-v1', algorithm: 'dqn', solved: false, steps: 200 });
  });

  it('ppo-pendulum reports a curve and the random-policy baseline', async () => {
    const s = await runPpoPendulum({ steps: 512, checkEvery: 256, out: join(tmp, 'pendulum'), quiet: true, evalEpisodes: 2, overrides: { nSteps: 64 } });
    expect(s.curve.map(([x]) => x)).toEqual([256, 512]);
    // A random policy on Pendulum returns around -1,200 per episode.
    expect(s.randomPolicyReturn).toBeLessThan(-600);
    expect(Number.isFinite(s.finalMeanReturn)).toBe(true);
  });

  it('ppo-lunarlander defaults to rl-zoo\'s LunarLander PPO settings and runs a tiny budget end to end', async () => {
    expect(LUNAR_LANDER_PPO).toEqual({ nEnvs: 16, nSteps: 1024, batchSize: 64, gaeLambda: 0.98, gamma: 0.999, nEpochs: 4, entCoef: 0.01 });
    const out = join(tmp, 'lunar');
    const overrides = { nEnvs: 2, nSteps: 64 };
    const s = await runPpoLunarLander({ steps: 256, checkEvery: 128, out, quiet: true, evalEpisodes: 2, overrides });
    expect(s.curve.map(([x]) => x)).toEqual([128, 256]);
    // Random play crashes: each episode ends at -100 after a few hundred shaping points at most.
    expect(s.randomPolicyReturn).toBeLessThan(0);
    expect(Number.isFinite(s.finalMeanReturn)).toBe(true);
    expect(existsSync(join(out, 'agent.json')) && existsSync(join(out, 'metrics.jsonl'))).toBe(true);
  });

  it('custom-env: a user grid world runs through make() and PPO improves on a random policy', async () => {
    const env = make('GridWorld-v0');
    expect(env.unwrapped).toBeInstanceOf(GridWorld);
    expect(env.spec?.maxEpisodeSteps).toBe(50);
    const s = await runCustomEnv({ steps: 4096 });
    expect(s.meanReturn).toBeGreaterThan(s.randomPolicyReturn);
  });
});
