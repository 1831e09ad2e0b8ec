/**
 * Names kept for one release so that code written against earlier versions still compiles; each
 * says what replaces it.
 */
import { Tpe } from './strategies/tpe';

/**
 * @deprecated Renamed {@link Tpe} (acronyms in class names are written as words, as core's `Sgd`
 * and rl's `Dqn`); the same class.
 * @category Strategies
 */
export const TPE = Tpe;
/**
 * @deprecated Renamed {@link Tpe}.
 * @category Strategies
 */
export type TPE = Tpe;
