/**
 * A pool of worker threads that evaluate trials, each worker with its own TensorFlow.js backend
 * (see trial-worker.ts). A worker that dies fails its trial (recorded by the runner) and is
 * replaced.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';

import type { InitBackendOptions } from '@bigmodel/core';

import type { EvaluationResult, TrialContext } from '../evaluators/evaluator';
import type { EvaluatorSpec } from '../evaluators/evaluator-spec';
import type { Config } from '../space/search-space';
import type { TrialResponse, TrialWorkerData } from './trial-worker';

/**
 * The package's TypeScript files that `entry` imports, directly or not (relative imports only:
 * packages such as `@bigmodel/core` load as Node resolves them), each transpiled to CommonJS.
 */
function transpileWithImports(entry: string): Record<string, string> {
  const ts = require('typescript') as typeof import('typescript');
  const compilerOptions = { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true };
  const out: Record<string, string> = {};
  const pending = [entry];
  for (let file = pending.pop(); file !== undefined; file = pending.pop()) {
    if (file in out) continue;
    const source = readFileSync(file, 'utf8');
    out[file] = ts.transpileModule(source, { fileName: file, compilerOptions }).outputText;
    for (const { fileName } of ts.preProcessFile(source, true, true).importedFiles) {
      if (!fileName.startsWith('.')) continue;
      const base = resolve(dirname(file), fileName);
      const found = [`${base}.ts`, join(base, 'index.ts')].find((candidate) => existsSync(candidate));
      if (found !== undefined) pending.push(found);
    }
  }
  return out;
}

/** The worker script when running from sources, built once per process. */
let fromSources: string | undefined;

/**
 * How a worker thread runs trial-worker: the compiled `trial-worker.js` beside this module (in
 * `dist/`), or, running from sources (ts-node, or Jest with ts-jest), `trial-worker.ts` beside it
 * and the package files it imports, transpiled here once (with `typescript`) and loaded in the
 * worker from memory, since a worker thread cannot load TypeScript itself and does not inherit the
 * parent's hooks. Other packages (`@bigmodel/core`, tfjs) load as Node resolves them.
 *
 * @category Runner
 */
export function trialWorkerScript(): { script: string; eval: boolean } {
  const compiled = join(__dirname, 'trial-worker.js');
  if (existsSync(compiled)) return { script: compiled, eval: false };
  if (fromSources === undefined) {
    const entry = join(__dirname, 'trial-worker.ts');
    const sources = transpileWithImports(entry);
    fromSources = `const sources = ${JSON.stringify(sources)};
require.extensions['.ts'] = (module, filename) => {
  if (!(filename in sources)) throw new Error('The trial worker (from sources) has no transpiled ' + filename + '.');
  module._compile(sources[filename], filename);
};
require(${JSON.stringify(entry)});
`;
  }
  return { script: fromSources, eval: true };
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
    const { script, eval: evaluated } = trialWorkerScript();
    const workerData: TrialWorkerData = { evaluator: this.evaluator, backend: this.backend };
    const slot: Slot = { worker: new Worker(script, { eval: evaluated, workerData }) };
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
