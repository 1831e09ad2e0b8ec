import * as tf from '@tensorflow/tfjs';
import { SAC_PRESETS, loadAgent, make, trainingPreset, type Dqn } from '@bigmodel/rl';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { runA2cCartpole } from './a2c-cartpole';
import { GridWorld, runCustomEnv } from './custom-env';
import { runDqnAcrobot } from './dqn-acrobot';
import { runDqnCartpole } from './dqn-cartpole';
import { runMaskedPpo } from './masked-ppo';
import { runPpoCartpole } from './ppo-cartpole';
import { LUNAR_LANDER_PPO, runPpoLunarLander } from './ppo-lunarlander';
import { runPpoPendulum } from './ppo-pendulum';
import { runReinforceCartpole } from './reinforce-cartpole';
import { runSacPendulum } from './sac-pendulum';
import { runMountainCarContinuous } from './td3-mountaincar-continuous';
import { runTd3Pendulum } from './td3-pendulum';

let tmp: string;
beforeAll(() => {
  tf.env().set('PROD', true);
  tmp = mkdtempSync(join(tmpdir(), 'rl-examples-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/**
 * A CartPole-v1 mean over `episodes` episodes (whole steps of reward 1, at most 500 each) above
 * `atLeast`. Reference points, measured with the examples' evaluation seeds for seeds 0-3: the
 * untrained greedy policies (which push mostly one way) score 8.5-10 (22-28 for seed 3), a policy
 * that always pushes one way 8.5-10, a uniformly random one 21-27.
 */
function expectCartPoleMean(mean: number, episodes: number, atLeast: number) {
  expect(Number.isInteger(Math.round(mean * episodes * 1e6) / 1e6)).toBe(true);
  expect(mean).toBeGreaterThan(atLeast);
  expect(mean).toBeLessThanOrEqual(500);
}

describe('examples/rl (tiny budgets)', () => {
  it('dqn-cartpole trains, saves and evaluates, and its greedy policy beats the untrained one within 2,048 steps', async () => {
    const out = join(tmp, 'dqn');
    // rl-zoo's preset trains every 256 steps from step 1,024: four phases of 128 gradient steps by 2,048.
    const s = await runDqnCartpole({ steps: 2048, out, evalEpisodes: 2, evalEvery: 1024, quiet: true });
    expect(s.steps).toBe(2048);
    expect([1024, 2048]).toContain(s.best?.step);
    expect(existsSync(join(out, 'best', 'manifest.json'))).toBe(true);
    // Measured, seeds 0-3: 19.5, 22, 70, 249.5 (untrained: 9.5, 10, 9, 22); this test runs seed 0.
    expectCartPoleMean(s.meanReturn, 2, 15);
    expect(existsSync(join(out, 'manifest.json')) && existsSync(join(out, 'metrics.jsonl'))).toBe(true);
  });

  it('ppo-cartpole trains, saves and evaluates, beating a random policy within 512 steps', async () => {
    const s = await runPpoCartpole({ steps: 512, out: join(tmp, 'ppo'), evalEpisodes: 2, quiet: true });
    expect(s.steps).toBe(512);
    expect(existsSync(join(tmp, 'ppo', 'images', 'cartpole.png'))).toBe(true);
    // Measured, seeds 0-3: 43, 127, 37.5, 55 (untrained: 10, 8.5, 9, 20); this test runs seed 0.
    expectCartPoleMean(s.meanReturn, 2, 30);
  });

  it('reinforce-cartpole and a2c-cartpole report whether and when they solved CartPole, and beat a random policy early', async () => {
    const r = await runReinforceCartpole({ maxSteps: 600, checkEvery: 600, out: join(tmp, 'reinforce'), quiet: true });
    expect(r).toMatchObject({ env: 'CartPole-v1', algorithm: 'reinforce', solved: false });
    expect(r.steps).toBeGreaterThanOrEqual(600);
    expect(r.curve).toHaveLength(1);
    // 20-episode check after ~600 steps (whole episodes). Measured, seeds 0-3: 47.7, 132.1, 83.9, 64.7 (untrained: 9.9, 9.5, 9.2, 28.4).
    expectCartPoleMean(r.curve[0][1], 20, 30);
    const a = await runA2cCartpole({ maxSteps: 400, checkEvery: 400, out: join(tmp, 'a2c'), quiet: true });
    expect(a).toMatchObject({ algorithm: 'a2c', steps: 400 });
    // A2C is noisy this early: measured, seeds 0-3: 82.4, 14.1, 60.8, 56.4 (untrained: 9.9, 9.5, 9.2, 28.4); this test runs seed 0.
    expectCartPoleMean(a.curve[0][1], 20, 30);
  });

  it("dqn-acrobot's Q-network learns the Bellman target of Acrobot's -1 reward within 200 steps", async () => {
    const out = join(tmp, 'acrobot');
    const s = await runDqnAcrobot({ maxSteps: 200, checkEvery: 200, checkEpisodes: 2, out, quiet: true });
    // 200 steps never swing the arm up (the greedy policy first does after ~30,000 steps, docs/results/rl.md).
    expect(s).toMatchObject({ env: 'Acrobot-v1', algorithm: 'dqn', solved: false, steps: 200 });
    expect(s.curve).toEqual([[200, -500]]);
    // What 200 steps do reach: every reward is -1 and the target network stays the initial one (it is
    // refreshed every 250 steps), so 50 gradient steps pull Q(s, a) towards -1 + 0.99 * max Q0(s') ~ -1
    // (the untrained outputs are within 0.1 of 0). Measured, mean over 20 start states of max_a Q, seeds
    // 0-3: -0.77, -0.81, -0.99, -0.95 (untrained: 0.10, 0.02, -0.02, 0.02; with no learning they stay there).
    const agent = (await loadAgent(out)) as Dqn;
    const env = make<Float32Array, number>('Acrobot-v1');
    let sum = 0;
    for (let i = 0; i < 20; i++) {
      const { observation } = env.reset({ seed: 5000 + i });
      sum += tf.tidy(() => tf.max(agent.qNet.apply(tf.tensor2d(observation, [1, 6]))).dataSync()[0]);
    }
    agent.dispose();
    expect(sum / 20).toBeLessThan(-0.5);
    expect(sum / 20).toBeGreaterThan(-1.5);
  });

  it('ppo-pendulum reports a curve and the random-policy baseline', async () => {
    const s = await runPpoPendulum({
      steps: 512,
      checkEvery: 256,
      out: join(tmp, 'pendulum'),
      quiet: true,
      evalEpisodes: 2,
      overrides: { nSteps: 64 },
    });
    expect(s.curve.map(([x]) => x)).toEqual([256, 512]);
    // A random policy on Pendulum returns around -1,200 per episode.
    expect(s.randomPolicyReturn).toBeLessThan(-600);
    expect(Number.isFinite(s.finalMeanReturn)).toBe(true);
  });

  it('sac-pendulum and td3-pendulum (and its DDPG variant) report a curve and the random-policy baseline on a tiny budget', async () => {
    const small = { netArch: [16], batchSize: 32, learningStarts: 100 };
    const sac = await runSacPendulum({
      steps: 200,
      checkEvery: 100,
      out: join(tmp, 'sac'),
      quiet: true,
      evalEpisodes: 2,
      overrides: small,
    });
    expect(sac.curve.map(([x]) => x)).toEqual([100, 200]);
    // A random policy on Pendulum returns around -1,200 per episode.
    expect(sac.randomPolicyReturn).toBeLessThan(-600);
    expect(Number.isFinite(sac.finalMeanReturn)).toBe(true);
    expect(existsSync(join(tmp, 'sac', 'manifest.json'))).toBe(true);
    for (const ddpg of [false, true]) {
      const out = join(tmp, ddpg ? 'ddpg' : 'td3');
      const td3 = await runTd3Pendulum({ steps: 400, checkEvery: 200, out, quiet: true, evalEpisodes: 2, ddpg, overrides: small });
      expect(td3.algorithm).toBe(ddpg ? 'ddpg' : 'td3');
      expect(td3.curve.map(([x]) => x)).toEqual([200, 400]);
      expect(Number.isFinite(td3.finalMeanReturn)).toBe(true);
    }
  });

  it('td3-mountaincar-continuous runs a tiny budget end to end with the Ornstein-Uhlenbeck preset', async () => {
    const overrides = { netArch: [16], batchSize: 32 };
    const s = await runMountainCarContinuous({
      steps: 300,
      checkEvery: 150,
      out: join(tmp, 'mcc'),
      quiet: true,
      evalEpisodes: 1,
      checkEpisodes: 1,
      overrides,
    });
    expect(s.algorithm).toBe('td3');
    expect(s.curve.map(([x]) => x)).toEqual([150, 300]);
    // No episode reaches the flag this early: returns are the (negative) engine cost, at least -0.1 per step of full throttle.
    expect(s.finalMeanReturn).toBeLessThanOrEqual(0);
    expect(s.finalMeanReturn).toBeGreaterThanOrEqual(-0.1 * 999);
  });

  it("td3-mountaincar-continuous --sac runs a tiny budget end to end with rl-zoo's gSDE preset", async () => {
    expect(SAC_PRESETS['MountainCarContinuous-v0']).toEqual(
      expect.objectContaining({ useSde: true, logStdInit: -3.67, netArch: [64, 64] }),
    );
    const s = await runMountainCarContinuous({
      sac: true,
      steps: 128,
      checkEvery: 64,
      out: join(tmp, 'mcc-sac'),
      quiet: true,
      evalEpisodes: 1,
      checkEpisodes: 1,
      overrides: { batchSize: 32 },
    });
    expect(s.algorithm).toBe('sac');
    expect(s.curve.map(([x]) => x)).toEqual([64, 128]);
    expect(s.finalMeanReturn).toBeLessThanOrEqual(0);
    expect(s.finalMeanReturn).toBeGreaterThanOrEqual(-0.1 * 999);
  });

  it("ppo-lunarlander defaults to rl-zoo's LunarLander PPO settings and runs a tiny budget end to end", async () => {
    const rlZoo = { nEnvs: 16, nSteps: 1024, batchSize: 64, gaeLambda: 0.98, gamma: 0.999, nEpochs: 4, entCoef: 0.01 };
    expect(LUNAR_LANDER_PPO).toEqual(rlZoo);
    // The CLI trains with the same preset (`bigmodel-rl train ppo --env LunarLander-v3`).
    expect(trainingPreset('ppo', 'LunarLander-v3')).toEqual(rlZoo);
    const out = join(tmp, 'lunar');
    const overrides = { nEnvs: 2, nSteps: 64 };
    const s = await runPpoLunarLander({ steps: 256, checkEvery: 128, out, quiet: true, evalEpisodes: 2, overrides });
    expect(s.curve.map(([x]) => x)).toEqual([128, 256]);
    // Random play crashes: each episode ends at -100 after a few hundred shaping points at most.
    expect(s.randomPolicyReturn).toBeLessThan(0);
    expect(Number.isFinite(s.finalMeanReturn)).toBe(true);
    expect(existsSync(join(out, 'manifest.json')) && existsSync(join(out, 'metrics.jsonl'))).toBe(true);
  });

  it('custom-env: a user grid world runs through make() and PPO improves on a random policy', async () => {
    const env = make('GridWorld-v0');
    expect(env.unwrapped).toBeInstanceOf(GridWorld);
    expect(env.spec?.maxEpisodeSteps).toBe(50);
    const s = await runCustomEnv({ steps: 4096 });
    expect(s.meanReturn).toBeGreaterThan(s.randomPolicyReturn);
  });

  it('masked-ppo: with masking PPO takes no invalid action and beats unmasked PPO within 1,024 steps', async () => {
    const [masked, unmasked] = await runMaskedPpo({ budget: 1024, seeds: 1 });
    expect(masked).toMatchObject({ masking: true, seed: 0, invalidActions: 0, steps: 1024 });
    expect(unmasked).toMatchObject({ masking: false, seed: 0, stepsToThreshold: null, steps: 1024 });
    // Measured, seed 0: masked PPO reaches 7.5 at 1,284 steps; unmasked takes about 1,900 invalid actions and 9,900 steps.
    expect(unmasked.invalidActions).toBeGreaterThan(100);
    expect(masked.finalMean).toBeGreaterThan(unmasked.finalMean + 2);
  });
});
