/**
 * The worker thread of {@link AsyncVectorEnv}: builds one sub-environment from its source and
 * answers commands on its port, one at a time. After each reply it sets its slot of the shared flags
 * to 1 and wakes the main thread, which blocks in `Atomics.wait` and then reads the reply with
 * `receiveMessageOnPort`; a worker that exits sets its slot to 2.
 */
import { workerData, type MessagePort } from 'node:worker_threads';

import type { Env, Info } from '../env/env';
import { envFromSource, type EnvSource } from './env-from-spec';

/** A command from the main thread. */
export type WorkerCommand =
  | { cmd: 'make'; source: EnvSource }
  | { cmd: 'reset'; seed?: number; options?: Record<string, unknown> }
  | { cmd: 'step'; action: unknown; sameStep: boolean }
  | { cmd: 'close' };

/** A reply: the command's result, or the error it threw. */
export type WorkerReply = { ok: unknown } | { error: { name: string; message: string; stack?: string } };

/** A step's outcome as SyncVectorEnv computes it (same-step autoreset done here). */
export interface WorkerStep {
  observation: Float32Array | number;
  reward: number;
  terminated: boolean;
  truncated: boolean;
  info: Info;
}

const { index, flags, port } = workerData as { index: number; flags: SharedArrayBuffer; port: MessagePort };
const slots = new Int32Array(flags);
let env: Env<Float32Array | number, unknown> | null = null;

function signal(value: number): void {
  Atomics.store(slots, index, value);
  Atomics.notify(slots, index);
}

function handle(command: WorkerCommand): unknown {
  if (command.cmd === 'make') {
    env = envFromSource(command.source);
    return null;
  }
  const e = env as Env<Float32Array | number, unknown>;
  if (command.cmd === 'reset') return e.reset({ seed: command.seed, options: command.options });
  if (command.cmd === 'close') {
    e.close();
    return null;
  }
  const result = e.step(command.action);
  if ((result.terminated || result.truncated) && command.sameStep) {
    const { observation, info } = e.reset();
    return { ...result, observation, info: { ...info, finalObservation: result.observation, finalInfo: result.info } } satisfies WorkerStep;
  }
  return result satisfies WorkerStep;
}

process.on('exit', () => signal(2));
port.on('message', (command: WorkerCommand) => {
  let reply: WorkerReply;
  try {
    reply = { ok: handle(command) };
    port.postMessage(reply);
  } catch (error) {
    const e = error instanceof Error ? error : new Error(String(error));
    port.postMessage({ error: { name: e.name, message: e.message, stack: e.stack } } satisfies WorkerReply);
  }
  signal(1);
  if (command.cmd === 'close') port.close();
});
