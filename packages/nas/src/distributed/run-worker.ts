/**
 * The worker side of a distributed search: takes trials from Redis (see {@link RedisTrialQueue}),
 * evaluates each with the evaluator its search spec names, and hands the result back. Built-in
 * evaluators are built by name; a module evaluator only if this worker was started with that module
 * allowed; a function evaluator only if the embedding application gave one. A job never carries code.
 *
 * Evaluators that use TensorFlow.js (`mnist`, modules) run in worker threads with their own backend,
 * one per concurrent trial, so that a trial past its time limit can be stopped (its thread is ended
 * and a new one started). A worker process that dies mid-trial stops renewing its lock; after
 * `lockSeconds` another worker takes the trial over (BullMQ's stalled jobs), at most
 * `maxStalledCount` times, after which the trial fails and the search records it.
 */
import { resolve } from 'node:path';

import { InvalidArgumentError, type InitBackendOptions } from '@bigmodel/core';
import { Worker as BullWorker, type Job } from 'bullmq';

import type { EvaluationResult, Evaluator } from '../evaluators/evaluator';
import { createEvaluatorFromSpec, needsBackend, resolveEvaluatorSpec, type EvaluatorSpec } from '../evaluators/evaluator-spec';
import { WorkerPool } from '../runner/worker-pool';
import { checkRedis, connectionOptions, parseRedisAddress } from './redis-address';
import { TRIAL_QUEUE, trialJobProblem, type TrialJobData } from './trial-job';

/**
 * What a worker did, for its terminal.
 *
 * @category Distributed
 */
export interface WorkerEvent {
  kind: 'started' | 'finished' | 'failed';
  searchId: string;
  trialId: number;
  /** Seconds the trial took (finished, failed). */
  seconds?: number;
  /** The score (finished) or the error (failed). */
  detail?: string;
}

/**
 * Options of {@link runWorker}.
 *
 * @category Distributed
 */
export interface RunWorkerOptions {
  /** `redis://[:password@]host:port/db`, or `rediss://` for TLS. */
  url: string;
  /** Trials evaluated at once (default 1). */
  concurrency?: number;
  /** Module evaluators this worker may load (paths of compiled modules); a trial naming another module fails. */
  allowModules?: string[];
  /** For searches whose evaluator is an in-process function: the embedding application's function. */
  evaluator?: Evaluator;
  /** Backend options of each evaluation thread. */
  backend?: InitBackendOptions;
  /** Seconds after which a silent worker's trial is taken over by another (default 30). */
  lockSeconds?: number;
  /** Times a trial is taken over from a dead worker before it fails (default 2). */
  maxStalledCount?: number;
  /** Receives every trial started, finished or failed. */
  onEvent?: (event: WorkerEvent) => void;
}

/**
 * A running worker.
 *
 * @category Distributed
 */
export interface WorkerHandle {
  /** Stops taking trials, lets the running ones finish, and disconnects. */
  close(): Promise<void>;
}

/** One evaluation slot: a thread for evaluators that need a backend, created on first use. */
interface Slot {
  busy: boolean;
  pools: Map<string, WorkerPool>;
}

function checkWorkerOptions(options: RunWorkerOptions) {
  const { concurrency = 1, lockSeconds = 30, maxStalledCount = 2 } = options;
  const whole = (parameter: string, value: number, min: number, max: number) => {
    if (!Number.isSafeInteger(value) || value < min || value > max) {
      throw new InvalidArgumentError({ parameter, value, message: `Must be a whole number from ${min} to ${max}.` });
    }
  };
  whole('concurrency', concurrency, 1, 256);
  whole('maxStalledCount', maxStalledCount, 0, 100);
  if (!(lockSeconds >= 1 && lockSeconds <= 3600))
    throw new InvalidArgumentError({ parameter: 'lockSeconds', value: lockSeconds, message: 'Must be 1 to 3600 seconds.' });
  return { concurrency, lockSeconds, maxStalledCount, allowed: new Set((options.allowModules ?? []).map((m) => resolve(m))) };
}

/**
 * Starts a worker; see the file header. Resolves once connected (a typed ConnectionError for a
 * wrong password or no server).
 *
 * @example
 * ```ts
 * const worker = await runWorker({ url: 'redis://:secret@10.0.0.5:6379/0', concurrency: 2 });
 * process.on('SIGTERM', () => void worker.close());
 * ```
 * @category Distributed
 */
export async function runWorker(options: RunWorkerOptions): Promise<WorkerHandle> {
  const address = parseRedisAddress(options.url, 'url');
  const { concurrency, lockSeconds, maxStalledCount, allowed } = checkWorkerOptions(options);
  await checkRedis(address);
  const slots: Slot[] = Array.from({ length: concurrency }, () => ({ busy: false, pools: new Map() }));

  const evaluatorFor = (spec: TrialJobData['evaluator']): { inThread?: EvaluatorSpec; inProcess?: Evaluator } => {
    if (spec.kind === 'function') {
      if (!options.evaluator)
        throw new Error('This search evaluates with a function, and this worker was given none (runWorker({ evaluator })).');
      return { inProcess: options.evaluator };
    }
    const resolved = resolveEvaluatorSpec(spec);
    if (resolved.kind === 'module' && !allowed.has(resolve(resolved.module))) {
      throw new Error(`This worker does not load ${resolved.module}: start it with --evaluator-module ${resolved.module} to allow it.`);
    }
    return needsBackend(resolved) ? { inThread: resolved } : { inProcess: createEvaluatorFromSpec(resolved) };
  };

  const evaluateOn = async (slot: Slot, data: TrialJobData): Promise<EvaluationResult> => {
    const { inThread, inProcess } = evaluatorFor(data.evaluator);
    const context = {
      trialId: data.context.trialId,
      seed: data.context.seed,
      ...(data.context.modelDir ? { modelDir: data.context.modelDir } : {}),
    };
    let pool: WorkerPool | undefined;
    if (inThread) {
      const key = JSON.stringify(inThread);
      pool = slot.pools.get(key) ?? new WorkerPool(1, inThread, options.backend);
      slot.pools.set(key, pool);
    }
    const work = pool ? pool.evaluate(data.config, data.budget, context) : Promise.resolve(inProcess!(data.config, data.budget, context));
    if (data.timeoutSeconds === undefined) return work;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`The trial ran past its limit of ${data.timeoutSeconds} s and was stopped.`)),
        data.timeoutSeconds! * 1000,
      );
    });
    try {
      return await Promise.race([work, timeout]);
    } catch (error) {
      if (pool && /past its limit/.test(String((error as Error).message))) {
        // End the thread that is still computing; the next trial on this slot gets a new one.
        slot.pools.delete(JSON.stringify(inThread));
        work.catch(() => undefined);
        await pool.close();
      }
      throw error;
    } finally {
      clearTimeout(timer);
    }
  };

  const worker = new BullWorker(
    TRIAL_QUEUE,
    async (job: Job) => {
      const problem = trialJobProblem(job.data);
      if (problem) throw new Error(`Refused a malformed trial job ${job.id}: ${problem}.`);
      const data = job.data as TrialJobData;
      const slot = slots.find((s) => !s.busy)!;
      slot.busy = true;
      const started = performance.now();
      options.onEvent?.({ kind: 'started', searchId: data.searchId, trialId: data.trialId });
      try {
        const result = await evaluateOn(slot, data);
        options.onEvent?.({
          kind: 'finished',
          searchId: data.searchId,
          trialId: data.trialId,
          seconds: (performance.now() - started) / 1000,
          detail: String(result?.score),
        });
        return result;
      } catch (error) {
        const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
        options.onEvent?.({
          kind: 'failed',
          searchId: data.searchId,
          trialId: data.trialId,
          seconds: (performance.now() - started) / 1000,
          detail: message,
        });
        throw new Error(message, { cause: error });
      } finally {
        slot.busy = false;
      }
    },
    {
      connection: { url: address.url, ...connectionOptions() },
      concurrency,
      lockDuration: lockSeconds * 1000,
      stalledInterval: Math.max(500, Math.floor((lockSeconds * 1000) / 2)),
      maxStalledCount,
    },
  );
  worker.on('error', () => undefined); // connection errors: ioredis reconnects and the worker carries on
  await worker.waitUntilReady();
  return {
    async close() {
      await worker.close();
      await Promise.all(slots.flatMap((s) => [...s.pools.values()].map((p) => p.close())));
    },
  };
}
