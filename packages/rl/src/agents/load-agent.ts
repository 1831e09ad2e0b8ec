import { FileFormatError } from '@bigmodel/core';

import type { Env } from '../env/env';
import { A2c } from './a2c';
import { checkpointPath, readCheckpoint } from './checkpoint';
import { Dqn } from './dqn';
import { Ppo } from './ppo';
import { Reinforce } from './reinforce';
import { Sac } from './sac';
import { Td3 } from './td3';

/**
 * Any agent of this package.
 *
 * @category Agents
 */
export type Agent = Dqn | Ppo | A2c | Reinforce | Sac | Td3;

/**
 * Loads whichever agent `dir` holds (the algorithm is recorded in its checkpoint).
 * @example
 * ```ts
 * const agent = await loadAgent('runs/dqn-cartpole');
 * evaluate(agent, make(agent.config.env), { episodes: 100 });
 * ```
 * @category Agents
 */
export async function loadAgent(dir: string, envFn?: () => Env<Float32Array, unknown>): Promise<Agent> {
  const { algorithm } = readCheckpoint<object>(dir, undefined, { jsonOnly: true });
  switch (algorithm) {
    case 'dqn':
      return Dqn.load(dir, envFn?.() as Env<Float32Array, number> | undefined);
    case 'ppo':
      return Ppo.load(dir, envFn);
    case 'a2c':
      return A2c.load(dir, envFn);
    case 'reinforce':
      return Reinforce.load(dir, envFn?.());
    case 'sac':
      return Sac.load(dir, envFn?.() as Env<Float32Array, Float32Array> | undefined);
    case 'td3':
    case 'ddpg':
      return Td3.load(dir, envFn?.() as Env<Float32Array, Float32Array> | undefined);
    default:
      throw new FileFormatError({
        path: checkpointPath(dir),
        problem: `names an unknown algorithm ${JSON.stringify(algorithm)}`,
        hint: 'Expected dqn, ppo, a2c, reinforce, sac, td3 or ddpg.',
      });
  }
}
