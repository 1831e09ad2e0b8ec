import { make } from '../env/registry';
import { setRlLogger } from '../env/logger';
import { ResetNeededError } from '../env/errors';
import { CartPole } from '../envs/cart-pole';
import { Pendulum } from '../envs/pendulum';
import { SyncVectorEnv } from '../vector/sync-vector-env';
import {
  ClipAction,
  NormalizeObservation,
  NormalizeReward,
  OrderEnforcing,
  RecordEpisodeStatistics,
  TimeLimit,
  TransformObservation,
  TransformReward,
} from './index';

describe('registry and wrappers', () => {
  it('make applies order enforcement and the time limit, and carries the spec', () => {
    const env = make('CartPole-v1');
    expect(env.spec).toEqual({ id: 'CartPole-v1', maxEpisodeSteps: 500, rewardThreshold: 475, kwargs: {} });
    expect(() => env.step(0)).toThrow(ResetNeededError);
    expect(env.unwrapped).toBeInstanceOf(CartPole);
    expect(make('CartPole-v0').spec).toMatchObject({ maxEpisodeSteps: 200, rewardThreshold: 195 });
    expect(() => make('NoSuchEnv-v0')).toThrow(expect.objectContaining({ parameter: 'id' }));
  });

  it('TimeLimit truncates on the limit step and the env state is readable through unwrapped', () => {
    const env = make('Pendulum-v1');
    env.reset({ seed: 0 });
    for (let i = 1; i < 200; i++) expect(env.step(Float32Array.of(0)).truncated).toBe(false);
    const last = env.step(Float32Array.of(0));
    expect([last.terminated, last.truncated]).toEqual([false, true]);
    const short = new TimeLimit(new CartPole(), 3);
    short.reset({ seed: 0 });
    expect([short.step(0).truncated, short.step(1).truncated, short.step(0).truncated]).toEqual([false, false, true]);
  });

  it('OrderEnforcing warns once through the logger when stepping after the episode ended', () => {
    const warnings: string[] = [];
    const previous = setRlLogger({ warn: (m) => warnings.push(m) });
    try {
      const env = new OrderEnforcing(new TimeLimit(new Pendulum(), 2));
      env.reset({ seed: 0 });
      env.step([0]);
      expect(env.step([0]).truncated).toBe(true);
      env.step([0]);
      env.step([0]);
      expect(warnings).toHaveLength(1);
      env.reset();
      env.step([0]);
      expect(warnings).toHaveLength(1);
    } finally {
      setRlLogger(previous);
    }
  });

  it('RecordEpisodeStatistics reports each episode and keeps the last 100 in its queues', () => {
    const env = new RecordEpisodeStatistics(new TimeLimit(new Pendulum(), 3), 100);
    for (let episode = 0; episode < 102; episode++) {
      env.reset({ seed: episode });
      let total = 0;
      let result;
      do {
        result = env.step([1]);
        total += result.reward;
      } while (!result.truncated);
      expect(result.info['episode']).toMatchObject({ r: total, l: 3 });
    }
    expect(env.returnQueue).toHaveLength(100);
    expect(env.lengthQueue.every((l) => l === 3)).toBe(true);
    expect(env.episodeCount).toBe(102);
  });

  it('NormalizeObservation normalizes with running statistics and stops updating them when frozen', () => {
    const env = new NormalizeObservation(new TimeLimit(new Pendulum(), 200));
    env.reset({ seed: 0 });
    const raw: number[][] = [];
    for (let i = 0; i < 50; i++) {
      const o = env.step([1]).observation;
      expect(o).toBeInstanceOf(Float32Array);
      raw.push(Array.from(o));
    }
    expect(env.obsRms.count).toBeCloseTo(51 + 1e-4, 6);
    env.updateRunningMean = false;
    const frozen = env.obsRms.toJSON();
    const observation = env.step([0]).observation;
    expect(env.obsRms.toJSON()).toEqual(frozen);
    const state = (env.unwrapped as Pendulum).state as number[];
    const expected = [Math.cos(state[0]), Math.sin(state[0]), state[1]].map(
      (x, i) => (Math.fround(x) - frozen.mean[i]) / Math.sqrt(frozen.var[i] + 1e-8),
    );
    observation.forEach((v, i) => expect(v).toBeCloseTo(expected[i], 4));
  });

  it('NormalizeReward divides by the std of the discounted return', () => {
    const env = new NormalizeReward(new TimeLimit(new CartPole(), 500), 0.9);
    env.reset({ seed: 0 });
    // CartPole rewards are 1: G_t = 1 + 0.9 + ... ; replay the running variance by hand.
    const returns: number[] = [];
    let g = 0;
    for (let t = 0; t < 5; t++) {
      const { reward } = env.step(t % 2);
      g = g * 0.9 + 1;
      returns.push(g);
      // Running variance with the epsilon-count prior, as RunningMeanStd.
      let mean = 0,
        variance = 1,
        count = 1e-4;
      for (const x of returns) {
        const delta = x - mean;
        const total = count + 1;
        mean += delta / total;
        variance = (variance * count + (delta * delta * count) / total) / total;
        count = total;
      }
      expect(reward).toBeCloseTo(1 / Math.sqrt(variance + 1e-8), 8);
    }
  });

  it('ClipAction, TransformObservation and TransformReward change what they say', () => {
    const clipped = new ClipAction(new Pendulum());
    clipped.reset({ seed: 0 });
    clipped.step([5]);
    expect((clipped.unwrapped as Pendulum).lastU).toBe(2);
    expect(clipped.actionSpace.contains([100])).toBe(true);
    const doubled = new TransformObservation(new CartPole(), (o: Float32Array) => o.map((x) => 2 * x));
    const first = doubled.reset({ seed: 1 }).observation;
    const state = (doubled.unwrapped as CartPole).state as number[];
    first.forEach((v, i) => expect(v).toBeCloseTo(2 * state[i], 6));
    const scaled = new TransformReward(new CartPole(), (r) => r / 10);
    scaled.reset({ seed: 0 });
    expect(scaled.step(0).reward).toBe(0.1);
  });
});

describe('SyncVectorEnv', () => {
  it('seeds sub-env i with seed + i', () => {
    const envs = new SyncVectorEnv([0, 1, 2].map(() => () => make('CartPole-v1')));
    const { observations } = envs.reset({ seed: 10 });
    for (let i = 0; i < 3; i++) {
      const single = make<Float32Array, number>('CartPole-v1').reset({ seed: 10 + i }).observation;
      expect(Array.from(observations.subarray(i * 4, i * 4 + 4))).toEqual(Array.from(single));
    }
  });

  it('autoresets on the step after an episode ends, returning the final observation first', () => {
    const envs = new SyncVectorEnv([
      () => make('Pendulum-v1', {}, { maxEpisodeSteps: 2 }),
      () => make('Pendulum-v1', {}, { maxEpisodeSteps: 3 }),
    ]);
    envs.reset({ seed: 0 });
    envs.step([[0], [0]]);
    const second = envs.step([[0], [0]]);
    expect(Array.from(second.truncations)).toEqual([1, 0]);
    const finalState = (envs.envs[0].unwrapped as Pendulum).state as number[];
    expect(second.observations[2]).toBeCloseTo(finalState[1], 5);
    const third = envs.step([[0], [0]]);
    // Sub-env 0 was reset: reward 0, flags clear, a fresh first observation; sub-env 1 truncates now.
    expect([third.rewards[0], third.terminations[0], third.truncations[0], third.truncations[1]]).toEqual([0, 0, 0, 1]);
    const resetState = (envs.envs[0].unwrapped as Pendulum).state as number[];
    expect(third.observations[2]).toBeCloseTo(resetState[1], 5);
    expect(Math.abs(resetState[1])).toBeLessThanOrEqual(1);
  });
});

describe('SyncVectorEnv same-step autoreset', () => {
  it('resets on the ending step and hands back the final observation in info', () => {
    const envs = new SyncVectorEnv([() => make('Pendulum-v1', {}, { maxEpisodeSteps: 2 })], { autoresetMode: 'same-step' });
    envs.reset({ seed: 0 });
    envs.step([[0]]);
    const before = (envs.envs[0].unwrapped as Pendulum).state as number[];
    const ending = envs.step([[0]]);
    expect(ending.truncations[0]).toBe(1);
    const final = ending.infos[0]['finalObservation'] as Float32Array;
    // The final observation continues the old episode; the returned one starts the new episode.
    const theta = before[0] + (before[1] + 15 * Math.sin(before[0]) * 0.05) * 0.05;
    expect(final[0]).toBeCloseTo(Math.cos(theta), 5);
    const fresh = (envs.envs[0].unwrapped as Pendulum).state as number[];
    expect(ending.observations[2]).toBeCloseTo(fresh[1], 5);
    expect(envs.step([[0]]).truncations[0]).toBe(0);
  });
});
