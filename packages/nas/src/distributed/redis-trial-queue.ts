/**
 * Trials on Redis: the search process stays the coordinator (its strategy proposes, its journal
 * records), and BullMQ carries each trial to whichever `bigmodel-nas worker` takes it and carries the
 * result back. The split follows Optuna's and Keras Tuner's: one source of truth for the search, a
 * queue only for work.
 *
 * Each trial is one job whose id is the search's id and the trial's, so a coordinator that restarts
 * and queues its unfinished trials again finds the jobs it queued before (running, done or failed)
 * instead of adding copies. The coordinator polls its jobs' states; a job that Redis lost (a restart
 * without persistence) is queued again. A job stays in Redis until its result is in the journal.
 * Workers that die mid-trial are BullMQ's stalled jobs: another worker takes the trial up to
 * `maxStalledCount` times (see {@link runWorker}), then it fails and the search records it failed.
 */
import { createHash } from 'node:crypto';

import { InvalidArgumentError } from '@bigmodel/core';
import { Job, Queue } from 'bullmq';

import type { EvaluationResult, TrialContext } from '../evaluators/evaluator';
import type { Trial } from '../strategies/strategy';
import type { ExecutorSearch, TrialExecutor } from '../runner/trial-executor';
import { checkRedis, connectionOptions, parseRedisAddress, type RedisAddress } from './redis-address';
import { TRIAL_QUEUE, trialJobId, type TrialJobData } from './trial-job';

/**
 * Something worth telling the person watching the coordinator.
 *
 * @category Distributed
 */
export interface TrialQueueEvent {
  kind: 'requeued' | 'stale-removed';
  trialId: number;
  message: string;
}

/**
 * Options of {@link RedisTrialQueue}.
 *
 * @category Distributed
 */
export interface RedisTrialQueueOptions {
  /** `redis://[:password@]host:port/db`, or `rediss://` for TLS. */
  url: string;
  /** Trials queued or running at once: the queue's depth (default 4). */
  maxInFlight?: number;
  /** Seconds a worker lets one trial run before failing it (default: no limit). */
  trialTimeoutSeconds?: number;
  /** Milliseconds between checks of the trials in flight (default 200). */
  pollMs?: number;
  /** Workers write to the search directory (a shared file system), so trials may save models (default false). */
  sharedDirectory?: boolean;
  /** Receives trials queued again after Redis lost them, and stale jobs removed at start. */
  onEvent?: (event: TrialQueueEvent) => void;
}

/**
 * The id of a search: the same for its resumes, different for another search in the same directory.
 *
 * @category Distributed
 */
export function searchIdOf(spec: object, createdAt: string): string {
  // Without the trial count: a resume may raise it, and must find the jobs it queued before.
  return createHash('sha256')
    .update(JSON.stringify({ ...spec, trials: 0 }))
    .update(createdAt)
    .digest('hex')
    .slice(0, 16);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A {@link TrialExecutor} on Redis with BullMQ; see the file header.
 *
 * @example
 * ```ts
 * const queue = new RedisTrialQueue({ url: 'redis://:secret@127.0.0.1:6379/0', maxInFlight: 8 });
 * await runSearch({
 *   dir: 'runs/nas', space, strategy: 'tpe', evaluator: { kind: 'builtin', name: 'mnist' }, trials: 100, executor: queue,
 * });
 * ```
 * @category Distributed
 */
export class RedisTrialQueue implements TrialExecutor {
  readonly maxInFlight: number;
  readonly sharedDirectory: boolean;
  private readonly address: RedisAddress;
  private readonly pollMs: number;
  private readonly timeoutSeconds?: number;
  private readonly onEvent?: (event: TrialQueueEvent) => void;
  private queue?: Queue;
  private search?: ExecutorSearch;
  private closed = false;

  constructor(options: RedisTrialQueueOptions) {
    this.address = parseRedisAddress(options.url, 'url');
    const { maxInFlight = 4, pollMs = 200, trialTimeoutSeconds } = options;
    if (!Number.isSafeInteger(maxInFlight) || maxInFlight < 1 || maxInFlight > 10_000) {
      throw new InvalidArgumentError({ parameter: 'maxInFlight', value: maxInFlight, message: 'Must be a whole number from 1 to 10000.' });
    }
    if (!(pollMs >= 10 && pollMs <= 60_000))
      throw new InvalidArgumentError({ parameter: 'pollMs', value: pollMs, message: 'Must be 10 to 60000 ms.' });
    if (trialTimeoutSeconds !== undefined && !(trialTimeoutSeconds > 0 && Number.isFinite(trialTimeoutSeconds))) {
      throw new InvalidArgumentError({
        parameter: 'trialTimeoutSeconds',
        value: trialTimeoutSeconds,
        message: 'Must be a number of seconds > 0.',
      });
    }
    this.maxInFlight = maxInFlight;
    this.pollMs = pollMs;
    this.timeoutSeconds = trialTimeoutSeconds;
    this.sharedDirectory = options.sharedDirectory ?? false;
    this.onEvent = options.onEvent;
  }

  /** Checks the connection: a typed ConnectionError for a wrong password, a missing one, or no server. */
  async connect(): Promise<void> {
    await checkRedis(this.address);
  }

  /** Opens the queue and removes the jobs of trials the journal already holds. */
  async start(search: ExecutorSearch): Promise<void> {
    this.search = search;
    this.queue = new Queue(TRIAL_QUEUE, { connection: { url: this.address.url, ...connectionOptions() } });
    this.queue.on('error', () => undefined); // reconnects; commands that fail meanwhile are retried by the poll
    // Jobs of trials the journal already holds (the coordinator died between journaling and removing them).
    for (const trialId of search.finished) {
      const job = await Job.fromId(this.queue, trialJobId(search.searchId, trialId));
      if (!job) continue;
      await job.remove().catch(() => undefined);
      this.onEvent?.({
        kind: 'stale-removed',
        trialId,
        message: `trial ${trialId}: its result is already in the journal; the queued copy was removed`,
      });
    }
  }

  async evaluate(trial: Trial, context: TrialContext): Promise<EvaluationResult> {
    const { queue, search } = this.ready();
    const jobId = trialJobId(search.searchId, trial.id);
    const data: TrialJobData = {
      searchId: search.searchId,
      trialId: trial.id,
      config: trial.config,
      budget: trial.budget,
      context,
      evaluator: search.evaluator,
      ...(this.timeoutSeconds !== undefined ? { timeoutSeconds: this.timeoutSeconds } : {}),
    };
    const add = () => queue.add('trial', data, { jobId, attempts: 1, removeOnComplete: false, removeOnFail: false });
    if (!(await Job.fromId(queue, jobId))) await add();
    for (;;) {
      if (this.closed) throw new Error(`The trial queue closed while trial ${trial.id} was out.`);
      let state: string;
      try {
        state = await queue.getJobState(jobId);
      } catch {
        await sleep(this.pollMs); // Redis is away: ioredis reconnects, the next poll tries again
        continue;
      }
      if (state === 'completed' || state === 'failed') {
        const job = await Job.fromId(queue, jobId);
        if (job && state === 'completed') return job.returnvalue as EvaluationResult;
        if (job) throw new Error(job.failedReason || 'The trial failed on its worker.');
      }
      if (state === 'unknown') {
        await add();
        this.onEvent?.({
          kind: 'requeued',
          trialId: trial.id,
          message: `trial ${trial.id}: Redis no longer had it (restarted?); queued again`,
        });
      }
      await sleep(this.pollMs);
    }
  }

  async settle(trialId: number): Promise<void> {
    const { queue, search } = this.ready();
    const job = await Job.fromId(queue, trialJobId(search.searchId, trialId)).catch(() => undefined);
    await job?.remove().catch(() => undefined);
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.queue?.close();
  }

  private ready(): { queue: Queue; search: ExecutorSearch } {
    if (!this.queue || !this.search) throw new Error('RedisTrialQueue: start() was not called (runSearch calls it).');
    return { queue: this.queue, search: this.search };
  }
}
