/**
 * Names kept for one release so that code written against earlier versions still compiles; each
 * says what replaces it.
 */
import { Rng as CoreRng } from '@bigmodel/core';

import { linearAnneal } from './agents/dqn';

/**
 * @deprecated Import `Rng` from `@bigmodel/core`: it is the same class, the one generator of every
 * bigmodel package.
 * @category Random
 */
export const Rng = CoreRng;
/**
 * @deprecated Import `Rng` from `@bigmodel/core`.
 * @category Random
 */
export type Rng = CoreRng;

/**
 * @deprecated Renamed {@link linearAnneal} (core's `linearSchedule`, a learning-rate schedule, is
 * now `linearDecay`); the same function.
 * @category Agents
 */
export const linearSchedule = linearAnneal;
