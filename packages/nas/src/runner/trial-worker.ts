/**
 * The body of a trial worker thread (the compiled `trial-worker.js`, or this file through ts-node
 * when running from sources; see trialWorkerScript): it starts its own TensorFlow.js backend with
 * core's `initBackend` (when the evaluator uses tfjs), builds the evaluator from its spec, and
 * evaluates the trials the pool sends, one at a time.
 */
import { parentPort, workerData } from 'node:worker_threads';

import * as tf from '@tensorflow/tfjs';
import { initBackend, type InitBackendOptions } from '@bigmodel/core';

import type { Evaluator, TrialContext } from '../evaluators/evaluator';
import { createEvaluatorFromSpec, needsBackend, type EvaluatorSpec } from '../evaluators/evaluator-spec';
import type { Config } from '../space/search-space';

/**
 * What the pool sends a worker when it starts it.
 *
 * @category Runner
 */
export interface TrialWorkerData {
  evaluator: EvaluatorSpec;
  backend?: InitBackendOptions;
}

/**
 * A request to evaluate one trial.
 *
 * @category Runner
 */
export interface TrialRequest {
  id: number;
  config: Config;
  budget: number;
  context: TrialContext;
}

/**
 * A worker's answer: the evaluator's result, or its error message.
 *
 * @category Runner
 */
export type TrialResponse = { id: number; result: Record<string, unknown> } | { id: number; error: string };

if (parentPort) {
  const port = parentPort;
  const data = workerData as TrialWorkerData;
  const ready: Promise<Evaluator> = (async () => {
    tf.env().set('PROD', true);
    if (needsBackend(data.evaluator)) await initBackend(data.backend ?? {});
    return createEvaluatorFromSpec(data.evaluator);
  })();
  port.on('message', (request: TrialRequest) => {
    void (async () => {
      try {
        const evaluate = await ready;
        const result = await evaluate(request.config, request.budget, request.context);
        port.postMessage({ id: request.id, result } satisfies TrialResponse);
      } catch (error) {
        port.postMessage({
          id: request.id,
          error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
        } satisfies TrialResponse);
      }
    })();
  });
}
