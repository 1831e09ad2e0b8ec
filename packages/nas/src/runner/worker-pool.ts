/**
 * A pool of worker threads that evaluate trials, each worker with its own TensorFlow.js backend
 * (see trial-worker.ts). A worker that dies fails its trial (recorded by the runner) and is
 * replaced.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';

import { FileFormatError, type InitBackendOptions } from '@bigmodel/core';

import type { EvaluationResult, TrialContext } from '../evaluators/evaluator';
import type { EvaluatorSpec } from '../evaluators/evaluator-spec';
import type { Config } from '../space/search-space';
import type { TrialResponse } from './trial-worker';

/**
 * The compiled worker script: beside this file in dist, or in the package's dist when running from sources.
 *
 * @category Runner
 */
export function trialWorkerScript(): string {
  const here = join(__dirname, 'trial-worker.js');
  if (existsSync(here)) return here;
  const built = join(__dirname, '..', '..', 'dist', 'runner', 'trial-worker.js');
  if (existsSync(built)) return built;
  throw new FileFormatError({
    path: built,
    problem: 'is missing (the compiled trial worker)',
    hint: 'build @bigmodel/nas first: npx nx build nas',
  });
}

interface Slot {
  worker: Worker;
  busy?: { id: number; resolve: (r: EvaluationResult) => void; reject: (e: Error) => void };
}

/**
 * A pool of `size` trial workers; see the file header.
 *
 * @category Runner
 */
export class WorkerPool {
  private readonly slots: Slot[] = [];
  private nextRequest = 0;
  private closed = false;

  constructor(
    readonly size: number,
    private readonly evaluator: EvaluatorSpec,
    private readonly backend: InitBackendOptions = {},
  ) {
    for (let i = 0; i < size; i++) this.slots.push(this.spawn());
  }

  /** Evaluates a trial on an idle worker (the runner never has more trials out than workers). */
  evaluate(config: Config, budget: number, context: TrialContext): Promise<EvaluationResult> {
    const slot = this.slots.find((s) => !s.busy);
    if (!slot) return Promise.reject(new Error('WorkerPool: every worker is busy.'));
    const id = this.nextRequest++;
    return new Promise((resolve, reject) => {
      slot.busy = { id, resolve, reject };
      slot.worker.postMessage({ id, config, budget, context });
    });
  }

  /** Stops every worker. */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }

  private spawn(): Slot {
    const slot: Slot = { worker: new Worker(trialWorkerScript(), { workerData: { evaluator: this.evaluator, backend: this.backend } }) };
    slot.worker.on('message', (response: TrialResponse) => {
      const busy = slot.busy;
      if (!busy || busy.id !== response.id) return;
      slot.busy = undefined;
      if ('error' in response) busy.reject(new Error(response.error));
      else busy.resolve(response.result as EvaluationResult);
    });
    const die = (reason: string) => {
      const busy = slot.busy;
      slot.busy = undefined;
      busy?.reject(new Error(`The trial worker died: ${reason}`));
      if (!this.closed) {
        const index = this.slots.indexOf(slot);
        if (index >= 0) this.slots[index] = this.spawn();
      }
    };
    slot.worker.on('error', (error) => die(error.message));
    slot.worker.on('exit', (code) => {
      if (!this.closed) die(`exit code ${code}`);
    });
    return slot;
  }
}
