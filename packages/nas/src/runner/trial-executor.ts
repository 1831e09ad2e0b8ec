import type { EvaluationResult, TrialContext } from '../evaluators/evaluator';
import type { EvaluatorSpec } from '../evaluators/evaluator-spec';
import type { Trial } from '../strategies/strategy';

/**
 * What a {@link TrialExecutor} learns about the search before its first trial.
 *
 * @category Runner
 */
export interface ExecutorSearch {
  /** An id unique to this search (the same after a resume), from its spec and start time. */
  searchId: string;
  /** The evaluator of the search spec: workers build it by this name, never from code sent to them. */
  evaluator: EvaluatorSpec | { kind: 'function' };
  /** Trials whose results the journal already holds: anything still queued for them is stale. */
  finished: ReadonlySet<number>;
}

/**
 * Where a search's trials run when not in this process: {@link runSearch} hands each trial to it
 * and journals what comes back. {@link RedisTrialQueue} runs them on worker processes through Redis.
 *
 * @category Runner
 */
export interface TrialExecutor {
  /** Trials out at once (queued or running) when the search does not say `workers`. */
  readonly maxInFlight: number;
  /** Whether workers write to the search directory (a shared file system), so trials may save models there. */
  readonly sharedDirectory: boolean;
  /** Called first, before the search writes anything: fails fast where the executor cannot be reached. */
  connect?(): Promise<void>;
  /** Called once before the first trial, after the journal is read back. */
  start(search: ExecutorSearch): Promise<void>;
  /** Evaluates one trial somewhere; resolves with the evaluator's result or rejects with its error. */
  evaluate(trial: Trial, context: TrialContext): Promise<EvaluationResult>;
  /** Called after the trial's result is in the journal: the executor may forget it. */
  settle(trialId: number): Promise<void>;
  /** Releases connections. */
  close(): Promise<void>;
}
