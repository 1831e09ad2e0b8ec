/**
 * Gymnasium's `AsyncVectorEnv` for Node: each sub-environment lives in its own worker thread, so
 * that environments whose `step` is expensive step in parallel. The API and the reset and autoreset
 * rules are those of {@link SyncVectorEnv} (same observations, rewards and flags for the same
 * seeds), and the calls are synchronous too: the main thread posts a command to every worker, then
 * blocks in `Atomics.wait` until each has answered (replies are read with `receiveMessageOnPort`).
 * Functions cannot cross threads, so sub-environments are described as data ({@link EnvSource}):
 * a registry id with keyword arguments, or a compiled module and an export name.
 */
import { FileFormatError, InvalidArgumentError } from '@bigmodel/core';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { MessageChannel, Worker, receiveMessageOnPort, type MessagePort } from 'node:worker_threads';

import type { Info, ResetOptions } from '../env/env';
import { VectorEnvWorkerError } from '../env/errors';
import type { Space } from '../spaces/space';
import { envFromSource, type EnvSource } from './env-from-spec';
import type { WorkerCommand, WorkerReply, WorkerStep } from './async-vector-worker';
import type { AutoresetMode, VectorEnv, VectorStepResult } from './vector-env';

/**
 * The compiled worker script: beside this file in dist, or in the package's dist when running from sources.
 *
 * @category Vector
 */
export function asyncVectorWorkerScript(): string {
  const here = join(__dirname, 'async-vector-worker.js');
  if (existsSync(here)) return here;
  const built = join(__dirname, '..', '..', 'dist', 'vector', 'async-vector-worker.js');
  if (existsSync(built)) return built;
  throw new FileFormatError({
    path: built,
    problem: 'is missing (the compiled vector-env worker)',
    hint: 'build @bigmodel/rl first: npx nx build rl',
  });
}

/**
 * Steps `numEnvs` environments, each in a worker thread; see the file header.
 * @example
 * ```ts
 * const envs = new AsyncVectorEnv(Array.from({ length: 8 }, () => ({ id: 'LunarLander-v3' })));
 * const { observations } = envs.reset({ seed: 0 }); // sub-env i seeded with 0 + i
 * envs.step([0, 1, 2, 3, 0, 1, 2, 3]);
 * envs.close(); // ends the workers
 * ```
 * @category Vector
 */
export class AsyncVectorEnv<Act = unknown> implements VectorEnv<Act> {
  readonly numEnvs: number;
  readonly singleObservationSpace: Space<Float32Array | number>;
  readonly singleActionSpace: Space<Act>;
  readonly observationSize: number;
  private readonly workers: Worker[] = [];
  private readonly ports: MessagePort[] = [];
  private readonly flags: Int32Array;
  private readonly autoreset: boolean[];
  private readonly sameStep: boolean;
  private closed = false;

  constructor(
    readonly sources: EnvSource[],
    readonly options: { autoresetMode?: AutoresetMode } = {},
  ) {
    if (!Array.isArray(sources) || sources.length === 0)
      throw new InvalidArgumentError({
        parameter: 'sources',
        value: sources?.length,
        message: 'A vector environment needs at least one environment.',
      });
    const mode = options.autoresetMode ?? 'next-step';
    if (mode !== 'next-step' && mode !== 'same-step')
      throw new InvalidArgumentError({ parameter: 'autoresetMode', value: mode, message: "Expected 'next-step' or 'same-step'." });
    this.sameStep = mode === 'same-step';
    this.numEnvs = sources.length;
    // The spaces, from a copy built here (it throws here, with its own error, if the source is wrong).
    const local = envFromSource(sources[0]);
    this.singleObservationSpace = local.observationSpace;
    this.singleActionSpace = local.actionSpace as Space<Act>;
    local.close();
    const space = this.singleObservationSpace as unknown as { size?: number };
    this.observationSize = space.size ?? 1;
    this.autoreset = new Array(this.numEnvs).fill(false);
    this.flags = new Int32Array(new SharedArrayBuffer(4 * this.numEnvs));
    const script = asyncVectorWorkerScript();
    for (let i = 0; i < this.numEnvs; i++) {
      const { port1, port2 } = new MessageChannel();
      const worker = new Worker(script, { workerData: { index: i, flags: this.flags.buffer, port: port2 }, transferList: [port2] });
      worker.unref();
      this.workers.push(worker);
      this.ports.push(port1);
    }
    try {
      this.all(sources.map((source) => ({ cmd: 'make', source })));
    } catch (error) {
      this.terminate();
      throw error;
    }
  }

  /** Resets every sub-environment, sub-environment i with `seed + i` when a seed is given. */
  reset(options: ResetOptions = {}): { observations: Float32Array; infos: Info[] } {
    const results = this.all(
      this.workers.map((_, i) => ({
        cmd: 'reset',
        seed: options.seed === undefined ? undefined : options.seed + i,
        options: options.options,
      })),
    ) as { observation: Float32Array | number; info: Info }[];
    const observations = new Float32Array(this.numEnvs * this.observationSize);
    results.forEach((r, i) => this.write(observations, i, r.observation));
    this.autoreset.fill(false);
    return { observations, infos: results.map((r) => r.info) };
  }

  /** Steps every sub-environment with its action (or resets it, if its episode ended on the previous step). */
  step(actions: ArrayLike<Act>): VectorStepResult {
    if (actions.length !== this.numEnvs)
      throw new InvalidArgumentError({
        parameter: 'actions',
        value: actions.length,
        message: `Needs one action per sub-environment (${this.numEnvs}).`,
      });
    const resetting = [...this.autoreset];
    const results = this.all(
      resetting.map((reset, i): WorkerCommand => (reset ? { cmd: 'reset' } : { cmd: 'step', action: actions[i], sameStep: this.sameStep })),
    );
    const observations = new Float32Array(this.numEnvs * this.observationSize);
    const rewards = new Float64Array(this.numEnvs);
    const terminations = new Uint8Array(this.numEnvs);
    const truncations = new Uint8Array(this.numEnvs);
    const infos: Info[] = [];
    for (let i = 0; i < this.numEnvs; i++) {
      if (resetting[i]) {
        const { observation, info } = results[i] as { observation: Float32Array | number; info: Info };
        this.write(observations, i, observation);
        infos.push(info);
        this.autoreset[i] = false;
        continue;
      }
      const result = results[i] as WorkerStep;
      rewards[i] = result.reward;
      terminations[i] = result.terminated ? 1 : 0;
      truncations[i] = result.truncated ? 1 : 0;
      this.write(observations, i, result.observation);
      infos.push(result.info);
      this.autoreset[i] = !this.sameStep && (result.terminated || result.truncated);
    }
    return { observations, rewards, terminations, truncations, infos };
  }

  /** Closes every sub-environment and ends the workers (a second call does nothing). */
  close(): void {
    if (this.closed) return;
    try {
      this.all(this.workers.map(() => ({ cmd: 'close' })));
    } finally {
      this.terminate();
    }
  }

  private terminate(): void {
    this.closed = true;
    for (const port of this.ports) port.close();
    for (const worker of this.workers) void worker.terminate();
  }

  /** Sends command i to worker i, waits for every reply, and throws the first error (after all have answered). */
  private all(commands: WorkerCommand[]): unknown[] {
    if (this.closed)
      throw new InvalidArgumentError({ parameter: 'this', value: 'closed', message: 'The AsyncVectorEnv is closed; make a new one.' });
    commands.forEach((command, i) => {
      Atomics.store(this.flags, i, 0);
      this.ports[i].postMessage(command);
    });
    const replies = commands.map((_, i) => this.receive(i));
    const failed = replies.findIndex((r) => 'error' in r);
    if (failed >= 0) {
      // The other sub-environments have moved on (and their autoreset flags were not updated): close
      // every worker rather than leave a vector env whose next step would start from mixed states.
      this.terminate();
      const { name, message } = (replies[failed] as { error: { name: string; message: string } }).error;
      throw new VectorEnvWorkerError(failed, name, message);
    }
    return replies.map((r) => (r as { ok: unknown }).ok);
  }

  private receive(i: number): WorkerReply {
    for (;;) {
      Atomics.wait(this.flags, i, 0, 1000);
      const message = receiveMessageOnPort(this.ports[i]);
      if (message) return message.message as WorkerReply;
      if (Atomics.load(this.flags, i) === 2) {
        this.terminate();
        throw new VectorEnvWorkerError(i, 'WorkerExited', 'The worker thread exited without answering.');
      }
    }
  }

  private write(out: Float32Array, i: number, observation: Float32Array | number): void {
    if (typeof observation === 'number') out[i] = observation;
    else out.set(observation, i * this.observationSize);
  }
}
