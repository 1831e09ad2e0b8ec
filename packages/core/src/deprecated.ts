/**
 * Names kept for one release so that code written against earlier versions still compiles; each
 * says what replaces it. Acronyms in class names are written as words (`Sgd`, `Rmsprop`, as
 * `Adam`, rl's `Dqn` and `Ppo`, nas's `Tpe`).
 */
import { Rmsprop as RmspropClass, Sgd as SgdClass } from './optimizers';
import { linearDecay as linearDecaySchedule } from './optimizers/schedules';

/**
 * @deprecated Renamed {@link Sgd} (acronyms are written as words); the same class.
 * @category Optimizers
 */
export const SGD = SgdClass;
/**
 * @deprecated Renamed {@link Sgd}.
 * @category Optimizers
 */
export type SGD = SgdClass;

/**
 * @deprecated Renamed {@link Rmsprop} (acronyms are written as words); the same class.
 * @category Optimizers
 */
export const RMSprop = RmspropClass;
/**
 * @deprecated Renamed {@link Rmsprop}.
 * @category Optimizers
 */
export type RMSprop = RmspropClass;

/**
 * @deprecated Renamed {@link linearDecay} (beside `stepDecay` and `exponentialDecay`, and apart
 * from rl's exploration schedule); the same function.
 * @category Optimizers
 */
export const linearSchedule = linearDecaySchedule;
