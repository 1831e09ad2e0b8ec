/**
 * `@bigmodel/nas`: neural architecture search on TensorFlow.js.
 *
 * - Spaces: {@link SearchSpace} (int, float, categorical, fixed, conditional), {@link builtinSpace}.
 * - Strategies, each `ask()` / `tell()`: {@link RandomSearch}, {@link RegularizedEvolution},
 *   {@link ReinforceController}, {@link Tpe}, and {@link Hyperband} over any of them.
 * - Runner: {@link runSearch} / {@link resumeSearch} with a crash-safe journal, worker threads,
 *   constraints, {@link leaderboard}, {@link paretoFront}, {@link rescoreTop} (repeated evaluation
 *   of the top configurations against the winner's curse) and {@link exportBest}.
 * - Evaluators: any function, or the built-in tfjs {@link mnistEvaluator}.
 * - Benchmarks: {@link cellBenchmark}, {@link branin}, {@link hartmann6}, {@link compareStrategies}.
 *
 * @packageDocumentation
 */
export {
  SearchSpace,
  type CategoricalParam,
  type Condition,
  type Config,
  type FixedParam,
  type FloatParam,
  type IntParam,
  type ParamSpec,
  type ParamValue,
  type ResolvedParam,
  type SearchSpaceDefinition,
} from './space/search-space';
export { BUILTIN_SPACES, builtinSpace, CELL_EDGES, CELL_OPERATIONS } from './space/builtin-spaces';
export { effectiveScore, type Strategy, type Trial, type TrialOutcome } from './strategies/strategy';
export { RandomSearch, randomSearchConfigSchema, resolveRandomSearchConfig, type RandomSearchConfig } from './strategies/random-search';
export {
  RegularizedEvolution,
  regularizedEvolutionConfigSchema,
  resolveRegularizedEvolutionConfig,
  type RegularizedEvolutionConfig,
} from './strategies/regularized-evolution';
export {
  ReinforceController,
  reinforceControllerConfigSchema,
  resolveReinforceControllerConfig,
  type ReinforceControllerConfig,
} from './strategies/reinforce-controller';
export { resolveTpeConfig, Tpe, tpeConfigSchema, type TpeConfig } from './strategies/tpe';
export { bracketSchedule, Hyperband, hyperbandConfigSchema, resolveHyperbandConfig, type HyperbandConfig } from './strategies/hyperband';
export { type EvaluationResult, type Evaluator, type TrialContext } from './evaluators/evaluator';
export {
  BUILTIN_EVALUATORS,
  createEvaluatorFromSpec,
  EVALUATOR_SPACE,
  resolveEvaluatorSpec,
  type BuiltinEvaluatorSpec,
  type EvaluatorSpec,
  type ModuleEvaluatorSpec,
} from './evaluators/evaluator-spec';
export {
  evaluateMnistModel,
  mnistAccuracy,
  mnistEvaluator,
  mnistLearningRate,
  trainMnistModel,
  type MnistEvaluatorOptions,
  type MnistModelEvaluation,
  type TrainedMnistModel,
} from './evaluators/mnist-evaluator';
export {
  journalPath,
  JournalWriter,
  MAX_JOURNAL_BYTES,
  readJournal,
  type AskRecord,
  type JournalContents,
  type JournalRecord,
  type ResultRecord,
  type SearchRecord,
} from './runner/journal';
export { createStrategy, STRATEGY_NAMES, type Constraints, type SearchSpec, type StrategyName } from './runner/search-spec';
export { bestTrial, finishedTrials, leaderboard, paretoFront, topDistinct, type TrialRecord } from './runner/leaderboard';
export {
  predictTrialSeconds,
  resolveRunSearchConfig,
  resumeSearch,
  runSearch,
  runSearchConfigSchema,
  type RunSearchConfig,
  type SearchProgress,
  type SearchResult,
  type TrialStart,
} from './runner/run-search';
export type { ExecutorSearch, TrialExecutor } from './runner/trial-executor';
export {
  checkRedis,
  parseRedisAddress,
  RedisTrialQueue,
  runWorker,
  type RedisAddress,
  type RedisTrialQueueOptions,
  type RunWorkerOptions,
  type TrialQueueEvent,
  type WorkerEvent,
  type WorkerHandle,
} from './distributed';
export {
  readRescoreJournal,
  rescoredBest,
  rescoreJournalPath,
  rescoreTop,
  type CandidateEvaluation,
  type RescoreCandidatesRecord,
  type RescoredCandidate,
  type RescoreOptions,
  type RescoreRecord,
  type RescoreResult,
  type RescoreResultRecord,
} from './runner/rescore';
export { exportBest, type EvaluateModel, type ExportModel, type ExportOptions, type ExportSummary } from './runner/export-best';
export { cellBenchmark, type CellBenchmark } from './benchmarks/cell-benchmark';
export { branin, BRANIN_MINIMUM, hartmann6, HARTMANN6_MINIMUM } from './benchmarks/analytic-functions';
export {
  builtinBenchmark,
  compareStrategies,
  meanAndStandardError,
  type Benchmark,
  type StrategyRegrets,
} from './benchmarks/compare-strategies';
export { TPE } from './deprecated';
