/**
 * Action masks: which actions of a Discrete action space are valid in the current state.
 *
 * The convention is Gymnasium's (Taxi's `info["action_mask"]`, `Discrete.sample(mask)`), in
 * TypeScript spelling: an environment that knows its valid actions puts `actionMask` in the info
 * of every `reset` and `step`: an `Int8Array` or `Uint8Array` of length `n`, 1 where the action is
 * valid in the state just observed, 0 where it is not. An info, unlike sb3-contrib's
 * `action_masks()` method, travels through wrappers and vector environments (autoreset included:
 * the reset info that comes with a new episode's first observation carries its mask) and across a
 * worker thread without any new method on `Env`.
 */
import { InvalidArgumentError } from '@bigmodel/core';

import type { Info } from './env';

/**
 * 1 where an action is valid, 0 where it is not (Gymnasium's `int8` mask).
 *
 * @category Environments
 */
export type ActionMask = Int8Array | Uint8Array;

/**
 * The action mask of `info` as a Uint8Array of length `n`, or null when the info has none. Throws
 * InvalidArgumentError when `info.actionMask` is not a 0/1 array of length `n`.
 * @example
 * ```ts
 * const { info } = make('MaskedCorridor-v0').reset({ seed: 0 });
 * actionMaskOf(info, 8); // Uint8Array [1, 0, 0, 0, 1, 0, 0, 0]
 * ```
 * @category Environments
 */
export function actionMaskOf(info: Info | undefined, n: number): Uint8Array | null {
  const mask = info?.['actionMask'];
  if (mask === undefined || mask === null) return null;
  if (!(mask instanceof Int8Array || mask instanceof Uint8Array) || mask.length !== n || mask.some((v) => v !== 0 && v !== 1)) {
    throw new InvalidArgumentError({
      parameter: 'info.actionMask',
      value: mask,
      message: `Expected an Int8Array or Uint8Array of ${n} zeros and ones (1 = valid action).`,
    });
  }
  return mask instanceof Uint8Array ? mask : Uint8Array.from(mask);
}

/**
 * The masks of `infos` (one per sub-environment) stacked row after row, `infos.length x n`, or null
 * when no info has a mask. A sub-environment without a mask gets a row of ones (every action valid).
 *
 * @category Vector
 */
export function stackActionMasks(infos: Info[], n: number): Uint8Array | null {
  const masks = infos.map((info) => actionMaskOf(info, n));
  if (masks.every((m) => m === null)) return null;
  const out = new Uint8Array(infos.length * n);
  masks.forEach((m, i) => (m === null ? out.fill(1, i * n, (i + 1) * n) : out.set(m, i * n)));
  return out;
}
