/**
 * `@bigmodel/nas`: neural architecture search on TensorFlow.js.
 *
 * - Spaces: {@link SearchSpace} (int, float, categorical, fixed, conditional), {@link builtinSpace}.
 * - Strategies, each `ask()` / `tell()`: {@link RandomSearch}, {@link RegularizedEvolution},
 *   {@link ReinforceController}, {@link TPE}, and {@link Hyperband} over any of them.
 * - Runner: {@link runSearch} / {@link resumeSearch} with a crash-safe journal, worker threads,
 *   constraints, {@link leaderboard}, {@link paretoFront}, {@link rescoreTop} (repeated evaluation
 *   of the top configurations against the winner's curse) and {@link exportBest}.
 * - Evaluators: any function, or the built-in tfjs {@link mnistEvaluator}.
 * - Benchmarks: {@link cellBenchmark}, {@link branin}, {@link hartmann6}, {@link compareStrategies}.
 *
 * @packageDocumentation
 */
export * from './space/search-space';
export * from './space/builtin-spaces';
export * from './strategies/strategy';
export * from './strategies/random-search';
export * from './strategies/regularized-evolution';
export * from './strategies/reinforce-controller';
export * from './strategies/tpe';
export * from './strategies/hyperband';
export * from './evaluators/evaluator';
export * from './evaluators/evaluator-spec';
export * from './evaluators/mnist-evaluator';
export * from './runner/journal';
export * from './runner/search-spec';
export * from './runner/leaderboard';
export * from './runner/run-search';
export type { ExecutorSearch, TrialExecutor } from './runner/trial-executor';
export * from './distributed';
export * from './runner/rescore';
export * from './runner/export-best';
export * from './benchmarks/cell-benchmark';
export * from './benchmarks/analytic-functions';
export * from './benchmarks/compare-strategies';
