/**
 * An environment described by plain data, so that a worker thread can build it: a registry id
 * with keyword arguments, or a module path with the name of an export (an Env class or a function
 * returning an Env) for environments registered by user code, which a fresh worker's registry
 * does not know.
 */
import { InvalidArgumentError } from '@bigmodel/core';

import type { Env } from '../env/env';
import { make } from '../env/registry';
import { prepareEnv, type ActionSpaceKind } from '../agents/common/prepare-env';
import { TimeLimit } from '../wrappers/time-limit';

/**
 * How {@link AsyncVectorEnv} builds a sub-environment in its worker (plain data: it is copied to
 * the worker thread).
 *
 * @category Vector
 */
export type EnvSource = (
  | {
      /** A registered id: the environment is `make(id, kwargs, { maxEpisodeSteps })`. */
      id: string;
    }
  | {
      /** An absolute path of a JavaScript module (compiled: a worker cannot load TypeScript). */
      module: string;
      /** Its export: an Env class (called with `new`) or a function returning an Env, given `kwargs`. */
      exportName: string;
    }
) & {
  /** Keyword arguments (default none). */
  kwargs?: Record<string, unknown>;
  /** With `id`: overrides the registered time limit (`null`: none). With `module`: a time limit to apply. */
  maxEpisodeSteps?: number | null;
  /** Checks the spaces and one-hot encodes Discrete observations as the agents do ({@link prepareEnv}). */
  prepare?: { algorithm: string; actions: ActionSpaceKind[] };
};

/**
 * Builds the environment `source` describes (in whatever thread calls it).
 *
 * @category Vector
 */
export function envFromSource(source: EnvSource): Env<Float32Array | number, unknown> {
  const kwargs = source.kwargs ?? {};
  let env: Env<unknown, unknown>;
  if ('id' in source) {
    env = make(source.id, kwargs, source.maxEpisodeSteps === undefined ? {} : { maxEpisodeSteps: source.maxEpisodeSteps });
  } else if ('module' in source) {
    const exported = (require(source.module) as Record<string, unknown>)[source.exportName];
    if (typeof exported !== 'function')
      throw new InvalidArgumentError({
        parameter: 'exportName',
        value: source.exportName,
        message: `${source.module} exports no class or function of this name.`,
      });
    const isClass = typeof (exported as { prototype?: { step?: unknown } }).prototype?.step === 'function';
    env = isClass
      ? new (exported as new (k: Record<string, unknown>) => Env<unknown, unknown>)(kwargs)
      : (exported as (k: Record<string, unknown>) => Env<unknown, unknown>)(kwargs);
    if (typeof source.maxEpisodeSteps === 'number') env = new TimeLimit(env, source.maxEpisodeSteps);
  } else {
    throw new InvalidArgumentError({ parameter: 'source', value: source, message: 'Expected { id } or { module, exportName }.' });
  }
  if (source.prepare) env = prepareEnv(source.prepare.algorithm, env, source.prepare.actions);
  return env as Env<Float32Array | number, unknown>;
}
