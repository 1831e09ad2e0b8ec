/**
 * The state of an environment and its wrappers as JSON, so that a checkpoint taken in the middle of
 * an episode resumes it step for step: for each layer (outermost wrapper first), the own fields
 * that hold numbers, booleans, strings, null, typed arrays, arrays of numbers or booleans, a
 * generator ({@link Rng}) or running statistics ({@link RunningMeanStd}). Other fields (functions,
 * spaces, tables built from the configuration) are the same in an environment made with the same
 * arguments and are left alone.
 */
import { FileFormatError } from '@bigmodel/core';

import { Wrapper, type Env } from '../../env/env';
import { Rng } from '../../utils/rng';
import { RunningMeanStd } from '../../utils/running-mean-std';

/**
 * One field's value in JSON form, inside an {@link EnvLayerState}.
 *
 * @category Agents
 */
export type FieldState =
  | number
  | boolean
  | string
  | null
  | { number: 'NaN' | 'Infinity' | '-Infinity' }
  | { typed: 'Float64Array' | 'Float32Array' | 'Int32Array' | 'Uint8Array'; values: FieldState[] }
  | { array: FieldState[] }
  | { rng: number }
  | { runningMeanStd: ReturnType<RunningMeanStd['toJSON']> };

/**
 * One layer: its class name and its fields.
 * @category Agents
 */
export interface EnvLayerState {
  layer: string;
  fields: Record<string, FieldState>;
}

/** Fields that are not state: the wrapped environment (a layer of its own) and wall-clock times. */
const SKIPPED = new Set(['env', 'startTime']);
const TYPED = { Float64Array, Float32Array, Int32Array, Uint8Array } as const;

function encodeNumber(x: number): FieldState {
  return Number.isFinite(x) ? x : { number: String(x) as 'NaN' | 'Infinity' | '-Infinity' };
}

function encodeField(value: unknown): FieldState | undefined {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return value;
  if (typeof value === 'number') return encodeNumber(value);
  if (value instanceof Rng) return { rng: value.state };
  if (value instanceof RunningMeanStd) return { runningMeanStd: value.toJSON() };
  for (const [name, type] of Object.entries(TYPED)) {
    if (value instanceof type) return { typed: name as keyof typeof TYPED, values: Array.from(value as ArrayLike<number>, encodeNumber) };
  }
  if (Array.isArray(value) && value.every((v) => typeof v === 'number' || typeof v === 'boolean')) {
    return { array: value.map((v) => (typeof v === 'number' ? encodeNumber(v) : v)) };
  }
  return undefined;
}

function decodeScalar(saved: FieldState): number | boolean | string | null {
  if (saved !== null && typeof saved === 'object' && 'number' in saved) return Number(saved.number);
  return saved as number | boolean | string | null;
}

/**
 * The state of `env` and every wrapper around it, as JSON.
 * @example
 * ```ts
 * const saved = captureEnvState(env);
 * restoreEnvState(env, saved); // the episode goes on from here
 * ```
 * @category Agents
 */
export function captureEnvState(env: Env<unknown, unknown>): EnvLayerState[] {
  const layers: EnvLayerState[] = [];
  for (let layer: Env<unknown, unknown> | null = env; layer !== null; layer = layer instanceof Wrapper ? layer.env : null) {
    const fields: Record<string, FieldState> = {};
    for (const [key, value] of Object.entries(layer)) {
      if (SKIPPED.has(key)) continue;
      const encoded = encodeField(value);
      if (encoded !== undefined) fields[key] = encoded;
    }
    layers.push({ layer: layer.constructor.name, fields });
  }
  return layers;
}

/**
 * Puts back what {@link captureEnvState} saved into an environment made the same way; throws
 * FileFormatError (naming `path`, the checkpoint) when the layers or fields do not match.
 * @category Agents
 */
export function restoreEnvState(env: Env<unknown, unknown>, saved: unknown, path: string): void {
  const mismatch = (problem: string) => new FileFormatError({ path, problem, hint: 'Resume with the environment the run was trained on.' });
  if (!Array.isArray(saved)) throw mismatch('holds no environment state (expected a list of wrapper layers)');
  let layer: Env<unknown, unknown> | null = env;
  for (const [i, entry] of (saved as EnvLayerState[]).entries()) {
    if (layer === null) throw mismatch(`has ${saved.length} environment layers, the environment fewer`);
    const name = layer.constructor.name;
    if (entry === null || typeof entry !== 'object' || entry.layer !== name || typeof entry.fields !== 'object' || entry.fields === null) {
      throw mismatch(`environment layer ${i} is ${JSON.stringify((entry as EnvLayerState | null)?.layer)}, the environment's ${name}`);
    }
    const target = layer as unknown as Record<string, unknown>;
    for (const [key, value] of Object.entries(entry.fields)) {
      const current = target[key];
      const bad = () => mismatch(`environment layer ${entry.layer} field ${key} does not fit (${JSON.stringify(value)?.slice(0, 80)})`);
      if (current instanceof Rng) {
        if (typeof (value as { rng?: unknown })?.rng !== 'number') throw bad();
        current.state = (value as { rng: number }).rng >>> 0;
      } else if (current instanceof RunningMeanStd) {
        const rms = (value as { runningMeanStd?: ReturnType<RunningMeanStd['toJSON']> })?.runningMeanStd;
        const fits = (a: unknown) => Array.isArray(a) && a.length === current.size;
        if (!rms || !fits(rms.mean) || !fits(rms.var)) throw bad();
        current.load(rms);
      } else if (ArrayBuffer.isView(current)) {
        const typed = value as { typed?: string; values?: FieldState[] };
        const array = current as unknown as Float64Array;
        if (typed?.typed !== current.constructor.name || !Array.isArray(typed.values) || typed.values.length !== array.length) throw bad();
        array.set(typed.values.map((v) => Number(decodeScalar(v))));
      } else if (Array.isArray(current) || (value !== null && typeof value === 'object' && 'array' in value)) {
        const list = (value as { array?: FieldState[] })?.array;
        if (!Array.isArray(list)) throw bad();
        target[key] = list.map(decodeScalar);
      } else if (value === null || ['number', 'boolean', 'string'].includes(typeof value) || 'number' in (value as object)) {
        if (current !== null && current !== undefined && typeof current === 'object') throw bad();
        target[key] = decodeScalar(value);
      } else {
        throw bad();
      }
    }
    layer = layer instanceof Wrapper ? layer.env : null;
  }
  if (layer !== null) throw mismatch(`has ${saved.length} environment layers, the environment more`);
}
