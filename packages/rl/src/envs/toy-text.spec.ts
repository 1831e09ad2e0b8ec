import { make } from '../env/registry';
import { CliffWalking } from './cliff-walking';
import { FrozenLake } from './frozen-lake';

describe('FrozenLake', () => {
  it('walks the default 4x4 map without slipping to the goal for reward 1', () => {
    const env = new FrozenLake({ isSlippery: false });
    expect(env.reset({ seed: 0 })).toEqual({ observation: 0, info: { prob: 1 } });
    // RIGHT, RIGHT, DOWN, DOWN, DOWN, RIGHT: 0 -> 1 -> 2 -> 6 -> 10 -> 14 -> 15 (G).
    const path = [2, 2, 1, 1, 1, 2].map((a) => env.step(a));
    expect(path.map((s) => s.observation)).toEqual([1, 2, 6, 10, 14, 15]);
    expect(path.map((s) => s.reward)).toEqual([0, 0, 0, 0, 0, 1]);
    expect(path.map((s) => s.terminated)).toEqual([false, false, false, false, false, true]);
  });

  it('ends the episode in a hole with reward 0, and walls keep the agent in place', () => {
    const env = new FrozenLake({ isSlippery: false });
    env.reset({ seed: 0 });
    expect(env.step(0)).toMatchObject({ observation: 0, terminated: false });
    expect(env.step(3)).toMatchObject({ observation: 0, terminated: false });
    expect(env.step(1)).toMatchObject({ observation: 4 });
    expect(env.step(1)).toMatchObject({ observation: 8 });
    expect(env.step(1)).toMatchObject({ observation: 12, reward: 0, terminated: true });
  });

  it('slips to the intended and the two perpendicular directions with probability 1/3 each', () => {
    const env = new FrozenLake();
    // From cell 5's neighbour 6 (row 1, col 2), action DOWN: left to 5 (hole), down to 10, right to 7 (hole).
    // Gymnasium's order: directions (a - 1) mod 4, a, (a + 1) mod 4.
    expect(env.P[6][1]).toEqual([
      [(1 - 1 / 3) / 2, 5, 0, true],
      [1 / 3, 10, 0, false],
      [(1 - 1 / 3) / 2, 7, 0, true],
    ]);
    const counts = new Map<number, number>();
    env.reset({ seed: 1 });
    for (let i = 0; i < 6000; i++) {
      env.state = 6;
      const s = env.step(1).observation;
      counts.set(s, (counts.get(s) ?? 0) + 1);
    }
    for (const s of [5, 10, 7]) expect(Math.abs((counts.get(s) ?? 0) / 6000 - 1 / 3)).toBeLessThan(0.03);
  });

  it('is registered with a 100-step limit and threshold 0.7', () => {
    const env = make('FrozenLake-v1', { isSlippery: false });
    expect(env.spec).toMatchObject({ id: 'FrozenLake-v1', maxEpisodeSteps: 100, rewardThreshold: 0.7 });
    env.reset({ seed: 0 });
    let last = env.step(0);
    for (let i = 1; i < 100; i++) last = env.step(0);
    expect(last.truncated).toBe(true);
  });
});

describe('CliffWalking', () => {
  it('sends the agent back to the start with -100 from the cliff, -1 per other step, and ends at the goal', () => {
    const env = new CliffWalking();
    expect(env.reset({ seed: 0 }).observation).toBe(36);
    expect(env.step(1)).toMatchObject({ observation: 36, reward: -100, terminated: false });
    expect(env.step(0)).toMatchObject({ observation: 24, reward: -1 });
    let last = env.step(1);
    for (let i = 0; i < 10; i++) last = env.step(1);
    expect(last.observation).toBe(35);
    expect(env.step(2)).toMatchObject({ observation: 47, reward: -1, terminated: true });
  });
});
