import { InvalidArgumentError } from '@bigmodel/core';

import { actionMaskOf, stackActionMasks } from '../env/action-mask';
import { make } from '../env/registry';
import { Discrete } from '../spaces/discrete';
import { SyncVectorEnv } from '../vector/sync-vector-env';
import { MaskedCorridor } from './masked-corridor';

/** The mask with ones at `valid` (length 8). */
const maskOf = (...valid: number[]) => Uint8Array.from({ length: 8 }, (_, j) => (valid.includes(j) ? 1 : 0));

describe('MaskedCorridor', () => {
  // n = 8: in cell s, forward (3s) mod 8, stay (3s + 2) mod 8, back (3s + 5) mod 8.
  it('walks to the goal by hand-worked valid actions: +1 forward, 0 stay, -1 back, 0 back in cell 0', () => {
    const env = make<number, number>('MaskedCorridor-v0');
    expect(env.spec).toMatchObject({ maxEpisodeSteps: 32, rewardThreshold: 7.5 });
    expect(env.reset({ seed: 0 })).toEqual({ observation: 0, info: { actionMask: maskOf(0, 2, 5) } });
    expect(env.step(0)).toEqual({ observation: 1, reward: 1, terminated: false, truncated: false, info: { actionMask: maskOf(3, 5, 0) } });
    expect(env.step(5)).toMatchObject({ observation: 1, reward: 0, terminated: false }); // stay in cell 1
    expect(env.step(0)).toMatchObject({ observation: 0, reward: -1, terminated: false }); // back from cell 1
    expect(env.step(5)).toMatchObject({ observation: 0, reward: 0, terminated: false }); // back in cell 0 stays
    // Forward from cells 0..7: 0, 3, 6, 1, 4, 7, 2, 5.
    const path = [0, 3, 6, 1, 4, 7, 2, 5].map((a) => env.step(a));
    expect(path.map((s) => s.observation)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(path.map((s) => s.reward)).toEqual([1, 1, 1, 1, 1, 1, 1, 1]);
    expect(path.map((s) => s.terminated)).toEqual([false, false, false, false, false, false, false, true]);
    expect(path[7].info['actionMask']).toEqual(new Uint8Array(8)); // the goal: no valid action
  });

  it('ends the episode with reward -1 on an invalid action, the agent in place', () => {
    const env = new MaskedCorridor();
    env.reset({ seed: 0 });
    env.step(0); // cell 1
    expect(env.step(1)).toEqual({ observation: 1, reward: -1, terminated: true, truncated: false, info: { actionMask: maskOf(0, 3, 5) } });
  });

  it('has three valid actions in every cell for other sizes, and checks its arguments', () => {
    const env = new MaskedCorridor({ length: 5, nActions: 10 });
    expect(env.observationSpace.n).toBe(6);
    // n = 10: forward 3s mod 10, stay (3s + 3) mod 10, back (3s + 6) mod 10; cell 3: 9, 2, 5.
    expect(env.actionMask(3)).toEqual(Uint8Array.from([0, 0, 1, 0, 0, 1, 0, 0, 0, 1]));
    for (let s = 0; s < 5; s++) expect(env.actionMask(s).reduce((a, b) => a + b, 0)).toBe(3);
    expect(() => new MaskedCorridor({ nActions: 2 })).toThrow(InvalidArgumentError);
    expect(() => new MaskedCorridor({ length: 0 })).toThrow(/length/);
  });
});

describe('action masks', () => {
  it('Discrete.sample(mask) draws only allowed actions, all of them, and start when none is allowed', () => {
    const space = new Discrete(8, { start: 2, seed: 0 });
    const seen = new Set<number>();
    for (let i = 0; i < 300; i++) seen.add(space.sample(maskOf(1, 4, 6)));
    expect([...seen].sort()).toEqual([3, 6, 8]);
    expect(space.sample(new Uint8Array(8))).toBe(2);
    expect(() => space.sample(new Uint8Array(7))).toThrow(/mask/);
  });

  it('actionMaskOf reads info.actionMask and refuses a mask of the wrong length or values', () => {
    expect(actionMaskOf({}, 8)).toBeNull();
    expect(actionMaskOf({ actionMask: Int8Array.of(1, 0, 1) }, 3)).toEqual(Uint8Array.of(1, 0, 1));
    expect(() => actionMaskOf({ actionMask: Uint8Array.of(1, 0) }, 3)).toThrow(/info\.actionMask/);
    expect(() => actionMaskOf({ actionMask: Uint8Array.of(1, 0, 2) }, 3)).toThrow(InvalidArgumentError);
    expect(stackActionMasks([{ actionMask: Uint8Array.of(0, 1) }, {}], 2)).toEqual(Uint8Array.of(0, 1, 1, 1));
    expect(stackActionMasks([{}, {}], 2)).toBeNull();
  });

  it('pass through SyncVectorEnv next-step autoreset: the reset step carries the new episode mask', () => {
    const envs = new SyncVectorEnv([0, 1].map(() => () => make<number, number>('MaskedCorridor-v0')));
    const { infos } = envs.reset({ seed: 0 });
    expect(stackActionMasks(infos, 8)).toEqual(Uint8Array.from([...maskOf(0, 2, 5), ...maskOf(0, 2, 5)]));
    let step = envs.step([1, 0]); // env 0 invalid (ends), env 1 forward to cell 1
    expect(Array.from(step.terminations)).toEqual([1, 0]);
    expect(step.infos[0]['actionMask']).toEqual(maskOf(0, 2, 5));
    expect(step.infos[1]['actionMask']).toEqual(maskOf(0, 3, 5));
    step = envs.step([7, 3]); // env 0 resets (action ignored), env 1 forward to cell 2
    expect(Array.from(step.observations)).toEqual([0, 2]);
    expect(Array.from(step.rewards)).toEqual([0, 1]);
    expect(stackActionMasks(step.infos, 8)).toEqual(Uint8Array.from([...maskOf(0, 2, 5), ...maskOf(6, 0, 3)]));
  });

  it('pass through SyncVectorEnv same-step autoreset: the new mask in info, the final one in finalInfo', () => {
    const envs = new SyncVectorEnv(
      [0, 1].map(() => () => make<number, number>('MaskedCorridor-v0')),
      { autoresetMode: 'same-step' },
    );
    envs.reset({ seed: 0 });
    envs.step([0, 0]); // both to cell 1
    const step = envs.step([1, 3]); // env 0 invalid in cell 1: ends and resets at once; env 1 to cell 2
    expect(Array.from(step.observations)).toEqual([0, 2]);
    expect(step.infos[0]['actionMask']).toEqual(maskOf(0, 2, 5));
    expect((step.infos[0]['finalInfo'] as Record<string, unknown>)['actionMask']).toEqual(maskOf(3, 5, 0));
    expect(step.infos[1]['actionMask']).toEqual(maskOf(6, 0, 3));
  });
});
