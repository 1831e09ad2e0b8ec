/**
 * Evaluators named by data, so that a journal can record them and a worker thread can build them:
 * a built-in one by name (`mnist`, and the synthetic benchmarks `cell`, `branin`, `hartmann6`),
 * or a module path and the name of an exported factory `(options) => Evaluator`.
 */
import { realpathSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';

import { FileFormatError, InvalidArgumentError } from '@bigmodel/core';

import { BRANIN_MINIMUM, HARTMANN6_MINIMUM, branin, hartmann6 } from '../benchmarks/analytic-functions';
import { cellBenchmark } from '../benchmarks/cell-benchmark';
import type { Evaluator } from './evaluator';
import { mnistEvaluator, type MnistEvaluatorOptions } from './mnist-evaluator';

/**
 * A built-in evaluator: `mnist` ({@link mnistEvaluator}), or a synthetic benchmark (`cell` lookup table, `branin`, `hartmann6`).
 *
 * @category Evaluators
 */
export interface BuiltinEvaluatorSpec {
  kind: 'builtin';
  name: 'mnist' | 'cell' | 'branin' | 'hartmann6';
  /** Options of the evaluator (for `mnist`, {@link MnistEvaluatorOptions}; for `cell`, `{ seed }`). */
  options?: Record<string, unknown>;
}

/**
 * An evaluator from a module: `require(module)[exportName](options)` must return an {@link Evaluator}.
 *
 * @category Evaluators
 */
export interface ModuleEvaluatorSpec {
  kind: 'module';
  /** Path of a compiled JavaScript module (absolute, or relative to the working directory). */
  module: string;
  /** Name of the exported factory (default `createEvaluator`). */
  exportName?: string;
  /** Passed to the factory (JSON data). */
  options?: Record<string, unknown>;
}

/**
 * An evaluator named by data; see the file header.
 *
 * @category Evaluators
 */
export type EvaluatorSpec = BuiltinEvaluatorSpec | ModuleEvaluatorSpec;

/**
 * Built-in evaluator names.
 *
 * @category Evaluators
 */
export const BUILTIN_EVALUATORS = ['mnist', 'cell', 'branin', 'hartmann6'] as const;

/**
 * The built-in space each built-in evaluator reads.
 *
 * @category Evaluators
 */
export const EVALUATOR_SPACE: Record<BuiltinEvaluatorSpec['name'], string> = {
  mnist: 'mnist',
  cell: 'cell',
  branin: 'branin',
  hartmann6: 'hartmann6',
};

/**
 * Checks a spec and makes a module path absolute.
 *
 * @category Evaluators
 */
export function resolveEvaluatorSpec(spec: EvaluatorSpec): EvaluatorSpec {
  if (spec?.kind === 'builtin') {
    if (!BUILTIN_EVALUATORS.includes(spec.name))
      throw new InvalidArgumentError({
        parameter: 'evaluator.name',
        value: spec.name,
        message: `Built-in evaluators: ${BUILTIN_EVALUATORS.join(', ')}.`,
      });
    return spec;
  }
  if (spec?.kind === 'module') {
    if (typeof spec.module !== 'string' || spec.module === '')
      throw new InvalidArgumentError({ parameter: 'evaluator.module', value: spec.module, message: 'The path of a JavaScript module.' });
    return {
      ...spec,
      module: isAbsolute(spec.module) ? spec.module : resolve(spec.module),
      exportName: spec.exportName ?? 'createEvaluator',
    };
  }
  throw new InvalidArgumentError({
    parameter: 'evaluator',
    value: spec,
    message: "Expected a function, { kind: 'builtin', name } or { kind: 'module', module, exportName }.",
  });
}

/**
 * Whether the evaluator a spec names gives the same result for the same configuration and budget
 * (the synthetic benchmarks do; `mnist` trains with each trial's own seed, and a module may do anything).
 * @category Evaluators
 */
export function isDeterministicSpec(spec: EvaluatorSpec): boolean {
  return spec.kind === 'builtin' && spec.name !== 'mnist';
}

/**
 * Whether evaluators of this spec use TensorFlow.js (and so need a backend in their thread).
 *
 * @category Evaluators
 */
export function needsBackend(spec: EvaluatorSpec): boolean {
  return spec.kind === 'module' || spec.name === 'mnist';
}

/**
 * Builds the evaluator a spec names.
 * @example
 * ```ts
 * const evaluate = createEvaluatorFromSpec({ kind: 'builtin', name: 'branin' });
 * ```
 * @category Evaluators
 */
export function createEvaluatorFromSpec(spec: EvaluatorSpec): Evaluator {
  const resolved = resolveEvaluatorSpec(spec);
  if (resolved.kind === 'module') {
    const factory = (require(resolved.module) as Record<string, unknown>)[resolved.exportName!];
    if (typeof factory !== 'function') {
      throw new InvalidArgumentError({
        parameter: 'evaluator.exportName',
        value: resolved.exportName,
        message: `${resolved.module} exports no function of that name.`,
      });
    }
    return (factory as (options: unknown) => Evaluator)(resolved.options ?? {});
  }
  const deterministic = (evaluate: Evaluator): Evaluator => Object.assign(evaluate, { deterministic: true });
  switch (resolved.name) {
    case 'mnist':
      return mnistEvaluator((resolved.options ?? {}) as MnistEvaluatorOptions);
    case 'cell': {
      const bench = cellBenchmark(Number(resolved.options?.['seed'] ?? 0));
      return deterministic((config) => ({ score: bench.score(config), regret: bench.optimum - bench.score(config) }));
    }
    case 'branin':
      return deterministic((config) => ({ score: -branin(config), regret: branin(config) - BRANIN_MINIMUM }));
    case 'hartmann6':
      return deterministic((config) => ({ score: -hartmann6(config), regret: hartmann6(config) - HARTMANN6_MINIMUM }));
  }
}

/**
 * Checks the evaluator a journal names before anything loads it. A journal is untrusted, and
 * loading a module it names would run that module's code: a module evaluator is accepted only when
 * the caller named the same file again (`allowedModule`, the CLI's `--evaluator-module`), compared
 * after resolving symlinks. Built-in and function evaluators pass as they are.
 *
 * @category Evaluators
 */
export function checkJournalEvaluator<T extends { kind: string; module?: string }>(
  evaluator: T,
  allowedModule: string | undefined,
  source: string,
): T {
  if (evaluator.kind !== 'module') return evaluator;
  const named = String(evaluator.module);
  const real = (path: string) => {
    try {
      return realpathSync(resolve(path));
    } catch {
      return undefined;
    }
  };
  if (allowedModule === undefined || real(allowedModule) === undefined || real(allowedModule) !== real(named)) {
    throw new FileFormatError({
      path: source,
      problem: `names the evaluator module ${named}${allowedModule === undefined ? '' : `, not ${allowedModule}`}`,
      hint: `A journal does not choose code to run: pass --evaluator-module ${named} (evaluatorModule in the library) to load it.`,
    });
  }
  return evaluator;
}
