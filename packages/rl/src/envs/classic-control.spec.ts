import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { InvalidArgumentError } from '@bigmodel/core';

import { make } from '../env/registry';
import { setRlLogger } from '../env/logger';
import { Acrobot } from './acrobot';
import { CartPole } from './cart-pole';
import { ContinuousMountainCar } from './continuous-mountain-car';
import { MountainCar } from './mountain-car';
import { angleNormalize } from '../internal/gymnasium-utils';
import { Pendulum } from './pendulum';

// Trajectories from Gymnasium's step equations transcribed with numpy (fixtures/gymnasium_reference.py).
type Reference = {
  start: number[];
  steps: { action: number | number[]; state: number[]; observation: number[]; reward: number; terminated: boolean }[];
};
const references: Record<string, Reference> = JSON.parse(readFileSync(join(__dirname, '../../fixtures/gymnasium-reference.json'), 'utf8'));

type StatefulEnv = {
  state: number[] | null;
  step(a: unknown): { observation: Float32Array; reward: number; terminated: boolean };
  reset(o?: object): unknown;
};

function replay(env: StatefulEnv, reference: Reference) {
  env.reset({ seed: 0 });
  env.state = reference.start;
  for (const expected of reference.steps) {
    const action = Array.isArray(expected.action) ? Float32Array.from(expected.action) : expected.action;
    const { observation, reward, terminated } = env.step(action);
    for (let i = 0; i < observation.length; i++) expect(observation[i]).toBeCloseTo(expected.observation[i], 5);
    expect(reward).toBeCloseTo(expected.reward, 9);
    expect(terminated).toBe(expected.terminated);
    // Re-sync with the reference so that 1-ulp differences of sin/cos cannot grow over the episode.
    (env.state as number[]).forEach((v, i) => expect(v).toBeCloseTo(expected.state[i], 9));
    env.state = expected.state;
  }
  return reference.steps.length;
}

describe('classic control against Gymnasium step equations', () => {
  it('CartPole follows the explicit-Euler reference to termination, reward 1 on the terminating step', () => {
    expect(replay(new CartPole() as unknown as StatefulEnv, references['CartPole-v1'])).toBe(23);
  });

  it('CartPole first step matches the equations worked by hand', () => {
    const env = new CartPole();
    env.reset({ seed: 1 });
    env.state = [0, 0, 0, 0];
    // theta = 0: temp = F / M = 10 / 1.1; thetaAcc = -temp / (0.5 * (4/3 - 0.1 / 1.1)); xAcc = temp - 0.05 thetaAcc / 1.1.
    const temp = 10 / 1.1;
    const thetaAcc = -temp / (0.5 * (4 / 3 - 0.1 / 1.1));
    const xAcc = temp - (0.05 * thetaAcc) / 1.1;
    const { observation, reward } = env.step(1);
    // Euler: positions move with the old (zero) velocities.
    expect(Array.from(observation)).toEqual([0, Math.fround(0.02 * xAcc), 0, Math.fround(0.02 * thetaAcc)]);
    expect(reward).toBe(1);
  });

  it('MountainCar follows the reference up the hill to the goal', () => {
    expect(replay(new MountainCar() as unknown as StatefulEnv, references['MountainCar-v0'])).toBe(121);
  });

  it('MountainCarContinuous follows the reference, with the action cost on the unclipped action and +100 at the goal', () => {
    expect(replay(new ContinuousMountainCar() as unknown as StatefulEnv, references['MountainCarContinuous-v0'])).toBe(113);
  });

  it('Pendulum follows the reference with clipped torques and a floored angle modulo', () => {
    expect(replay(new Pendulum() as unknown as StatefulEnv, references['Pendulum-v1'])).toBe(60);
    expect(angleNormalize(-4)).toBeCloseTo(-4 + 2 * Math.PI, 12);
    expect(angleNormalize(3 * Math.PI + 0.5)).toBeCloseTo(-Math.PI + 0.5, 12);
  });

  it('Acrobot follows the RK4 reference with wrapping and bounding, and gives reward 0 on the terminating step', () => {
    expect(replay(new Acrobot() as unknown as StatefulEnv, references['Acrobot-v1'])).toBe(80);
    expect(replay(new Acrobot() as unknown as StatefulEnv, references['Acrobot-v1-terminal'])).toBe(1);
  });

  it('with reuseStepResult, every env replays the same reference through one result object and one observation array', () => {
    const builds: [string, () => StatefulEnv, number][] = [
      ['CartPole-v1', () => new CartPole({ reuseStepResult: true }) as unknown as StatefulEnv, 23],
      ['MountainCar-v0', () => new MountainCar({ reuseStepResult: true }) as unknown as StatefulEnv, 121],
      ['MountainCarContinuous-v0', () => new ContinuousMountainCar({ reuseStepResult: true }) as unknown as StatefulEnv, 113],
      ['Pendulum-v1', () => new Pendulum({ reuseStepResult: true }) as unknown as StatefulEnv, 60],
      ['Acrobot-v1', () => new Acrobot({ reuseStepResult: true }) as unknown as StatefulEnv, 80],
    ];
    for (const [id, build, steps] of builds) {
      expect(replay(build(), references[id])).toBe(steps);
      const env = build();
      env.reset({ seed: 0 });
      const action = id === 'MountainCarContinuous-v0' || id === 'Pendulum-v1' ? Float32Array.of(0.5) : 1;
      const first = env.step(action);
      const firstObservation = first.observation;
      const copy = Float32Array.from(firstObservation);
      const second = env.step(action);
      expect(second).toBe(first);
      expect(second.observation).toBe(firstObservation);
      expect(Array.from(second.observation)).not.toEqual(Array.from(copy)); // overwritten in place
    }
    // Through make(): the wrappers pass the same object on; the time limit's truncation is not sticky.
    const wrapped = make('CartPole-v1', { reuseStepResult: true });
    wrapped.reset({ seed: 0 });
    const a = wrapped.step(0);
    expect(wrapped.step(1)).toBe(a);
    expect(a.truncated).toBe(false);
    expect(a.info).toEqual({});
    // The default keeps Gymnasium's semantics: a new observation every step.
    const fresh = new CartPole();
    fresh.reset({ seed: 0 });
    expect(fresh.step(0).observation).not.toBe(fresh.step(0).observation);
  });

  it('starts episodes from Gymnasium reset distributions and honours reset options', () => {
    const cartPole = new CartPole();
    for (let seed = 0; seed < 20; seed++) {
      const { observation } = cartPole.reset({ seed });
      for (const v of observation) expect(Math.abs(v)).toBeLessThanOrEqual(0.05);
    }
    const wide = cartPole.reset({ seed: 3, options: { low: 0.1, high: 0.2 } }).observation;
    for (const v of wide) expect(v >= 0.1 - 1e-7 && v <= 0.2 + 1e-7).toBe(true);
    expect(cartPole.reset({ seed: 5 }).observation).toEqual(cartPole.reset({ seed: 5 }).observation);
    expect(() => cartPole.reset({ options: { low: 1, high: 0 } })).toThrow(InvalidArgumentError);

    const car = new MountainCar();
    const [position, velocity] = car.reset({ seed: 0 }).observation;
    expect(position >= -0.6 && position <= -0.4 && velocity === 0).toBe(true);

    const pendulum = new Pendulum();
    for (let seed = 0; seed < 20; seed++) {
      pendulum.reset({ seed, options: { x_init: 0.5, y_init: 0.1 } });
      const [theta, thetaDot] = pendulum.state as number[];
      expect(Math.abs(theta) <= 0.5 && Math.abs(thetaDot) <= 0.1).toBe(true);
    }

    const acrobot = new Acrobot();
    acrobot.reset({ seed: 2 });
    for (const v of acrobot.state as number[]) expect(v === Math.fround(v) && Math.abs(v) <= 0.1).toBe(true);
  });

  it('rejects actions outside the action space with an error naming the parameter', () => {
    const env = make('CartPole-v1');
    env.reset({ seed: 0 });
    expect(() => env.step(2)).toThrow(expect.objectContaining({ name: 'InvalidArgumentError', parameter: 'action' }));
    const pendulum = make('Pendulum-v1');
    pendulum.reset({ seed: 0 });
    expect(() => pendulum.step([1, 2])).toThrow(expect.objectContaining({ parameter: 'action' }));
  });

  it('warns through the logger (and returns reward 0) when CartPole steps after termination', () => {
    const warnings: string[] = [];
    const previous = setRlLogger({ warn: (m) => warnings.push(m) });
    try {
      const env = new CartPole();
      env.reset({ seed: 0 });
      env.state = [0, 0, 0.3, 0];
      expect(env.step(0)).toMatchObject({ terminated: true, reward: 1 });
      expect(env.step(0)).toMatchObject({ terminated: true, reward: 0 });
      env.step(0);
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toContain('terminated = true');
    } finally {
      setRlLogger(previous);
    }
  });

  it('renders RGB frames of the documented sizes without a canvas', () => {
    for (const [id, [h, w]] of [
      ['CartPole-v1', [400, 600]],
      ['MountainCar-v0', [400, 600]],
      ['Pendulum-v1', [500, 500]],
      ['Acrobot-v1', [500, 500]],
      ['FrozenLake-v1', [256, 256]],
      ['CliffWalking-v0', [256, 768]],
    ] as const) {
      const env = make(id);
      env.reset({ seed: 0 });
      const frame = env.render();
      expect([frame.height, frame.width, frame.channels, frame.data.length]).toEqual([h, w, 3, h * w * 3]);
      // Something besides the background was drawn.
      expect(new Set(frame.data).size).toBeGreaterThan(2);
    }
  });
});
