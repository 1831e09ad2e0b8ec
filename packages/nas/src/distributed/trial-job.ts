import type { TrialContext } from '../evaluators/evaluator';
import type { EvaluatorSpec } from '../evaluators/evaluator-spec';
import type { Config } from '../space/search-space';

/**
 * The queue every coordinator adds trials to and every worker takes them from (one per Redis database).
 *
 * @category Distributed
 */
export const TRIAL_QUEUE = 'bigmodel-nas-trials';

/**
 * A trial as it travels through Redis: data only, the evaluator named, never code.
 *
 * @category Distributed
 */
export interface TrialJobData {
  searchId: string;
  trialId: number;
  config: Config;
  budget: number;
  context: TrialContext;
  evaluator: EvaluatorSpec | { kind: 'function' };
  /** Seconds the worker lets the trial run before failing it. */
  timeoutSeconds?: number;
}

/**
 * The job id of a trial: one job per trial of a search, so adding it twice adds it once.
 *
 * @category Distributed
 */
export const trialJobId = (searchId: string, trialId: number) => `${searchId}-t${trialId}`;

/**
 * Why `data` (read from Redis: untrusted) is not a {@link TrialJobData}, or undefined when it is.
 *
 * @category Distributed
 */
export function trialJobProblem(data: unknown): string | undefined {
  if (!data || typeof data !== 'object') return 'the job holds no object';
  const d = data as Partial<TrialJobData>;
  if (typeof d.searchId !== 'string' || !/^[0-9a-f]{8,64}$/.test(d.searchId)) return 'searchId is not a search id';
  if (!Number.isSafeInteger(d.trialId) || (d.trialId as number) < 0) return 'trialId is not a whole number';
  if (!d.config || typeof d.config !== 'object' || Array.isArray(d.config)) return 'config is not an object';
  if (typeof d.budget !== 'number' || !(d.budget > 0) || !Number.isFinite(d.budget)) return 'budget is not a finite number > 0';
  if (!d.context || typeof d.context !== 'object' || !Number.isSafeInteger(d.context.seed)) return 'context has no whole-number seed';
  if (
    !d.evaluator ||
    typeof d.evaluator !== 'object' ||
    !['builtin', 'module', 'function'].includes((d.evaluator as { kind: string }).kind)
  ) {
    return 'evaluator is not an evaluator spec';
  }
  if (d.timeoutSeconds !== undefined && !(typeof d.timeoutSeconds === 'number' && d.timeoutSeconds > 0))
    return 'timeoutSeconds is not a number > 0';
  return undefined;
}
