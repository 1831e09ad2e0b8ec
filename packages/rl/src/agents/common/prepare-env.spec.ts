import * as tf from '@tensorflow/tfjs';
import { InvalidArgumentError, initBackend } from '@bigmodel/core';

import { BaseEnv, type RgbFrame, type StepResult } from '../../env/env';
import { make, registry } from '../../env/registry';
import { Discrete } from '../../spaces/discrete';
import { MultiDiscrete } from '../../spaces/multi-discrete';
import { TimeLimit } from '../../wrappers/time-limit';
import { A2c } from '../a2c';
import { Dqn } from '../dqn';
import { evaluate } from '../evaluate';
import { Ppo } from '../ppo';
import { Reinforce } from '../reinforce';

beforeAll(async () => {
  await initBackend();
  tf.env().set('PROD', true);
});

/** Each registered environment's spaces, from Gymnasium's documentation: [observation, action]. */
const SPACES: Record<string, [string, string]> = {
  'CartPole-v0': ['Box', 'Discrete(2)'],
  'CartPole-v1': ['Box', 'Discrete(2)'],
  'MountainCar-v0': ['Box', 'Discrete(3)'],
  'MountainCarContinuous-v0': ['Box', 'Box'],
  'Pendulum-v1': ['Box', 'Box'],
  'LunarLander-v3': ['Box', 'Discrete(4)'],
  'LunarLanderContinuous-v3': ['Box', 'Box'],
  'Acrobot-v1': ['Box', 'Discrete(3)'],
  'FrozenLake-v1': ['Discrete(16)', 'Discrete(4)'],
  'FrozenLake8x8-v1': ['Discrete(64)', 'Discrete(4)'],
  'CliffWalking-v0': ['Discrete(48)', 'Discrete(4)'],
  'MaskedCorridor-v0': ['Discrete(9)', 'Discrete(8)'], // this package's own
};

/** Tiny agents, and the action spaces each supports (Stable-Baselines3's table). */
const AGENTS = {
  dqn: {
    actions: ['Discrete'],
    create: (env: string) => new Dqn({ env, bufferSize: 64, batchSize: 8, learningStarts: 8, trainFreq: 4, netArch: [8], seed: 0 }),
  },
  ppo: {
    actions: ['Discrete', 'Box'],
    create: (env: string) => new Ppo({ env, nEnvs: 2, nSteps: 8, batchSize: 8, nEpochs: 1, piArch: [8], vfArch: [8], seed: 0 }),
  },
  a2c: { actions: ['Discrete', 'Box'], create: (env: string) => new A2c({ env, nEnvs: 2, nSteps: 4, piArch: [8], vfArch: [8], seed: 0 }) },
  // CliffWalking has no time limit, and REINFORCE plays whole episodes: cap them.
  reinforce: {
    actions: ['Discrete', 'Box'],
    create: (env: string) => new Reinforce({ env, episodesPerUpdate: 1, piArch: [8], vfArch: [8], seed: 0 }, new TimeLimit(make(env), 100)),
  },
};

const CASES = Object.keys(SPACES).flatMap((env) => Object.keys(AGENTS).map((agent) => [agent as keyof typeof AGENTS, env] as const));

describe('supported spaces, agents x registered environments', () => {
  it('the table lists every registered environment', () => {
    expect(Object.keys(SPACES).sort()).toEqual([...registry.keys()].sort());
  });

  it.each(CASES)(
    '%s on %s: trains and acts on raw observations, or refuses the space up front',
    (name, env) => {
      const before = tf.memory().numTensors;
      const [, action] = SPACES[env];
      const { actions, create } = AGENTS[name];
      if (!actions.includes(action.replace(/\(.*/, ''))) {
        // Refused before any network is built, naming the space.
        expect(() => create(env)).toThrow(InvalidArgumentError);
        expect(() => create(env)).toThrow(expect.objectContaining({ parameter: 'actionSpace', value: expect.stringContaining(action) }));
        expect(tf.memory().numTensors).toBe(before);
        return;
      }
      const agent = create(env);
      agent.learn(16);
      // evaluate() steps the raw environment (capped: a greedy policy may never leave CliffWalking), so a Discrete
      // observation reaches predict() as an integer.
      const { returns } = evaluate(agent as never, new TimeLimit(make(env), 100), { episodes: 1, seed: 0 });
      expect(Number.isFinite(returns[0])).toBe(true);
      agent.dispose();
      expect(tf.memory().numTensors).toBe(before);
    },
    60_000,
  );

  it('an observation space other than Box or Discrete is refused with InvalidArgumentError naming it', () => {
    class Pairs extends BaseEnv<Int32Array, number> {
      readonly observationSpace = new MultiDiscrete([3, 3]);
      readonly actionSpace = new Discrete(2);
      step(): StepResult<Int32Array> {
        return { observation: Int32Array.of(0, 0), reward: 0, terminated: true, truncated: false, info: {} };
      }
      render(): RgbFrame {
        throw new Error('not drawn');
      }
    }
    expect(() => new Ppo({ nEnvs: 1 }, () => new Pairs() as never)).toThrow(
      expect.objectContaining({ name: 'InvalidArgumentError', parameter: 'observationSpace', value: 'MultiDiscrete' }),
    );
  });
});
