/**
 * The one config boundary: a zod schema per config, parsed once, every failure an
 * {@link InvalidArgumentError} that names the field's full path, the value given and what was
 * expected, a misspelt key answered with the nearest known one.
 */
import { z } from 'zod';

import { InvalidArgumentError } from '../errors';
import { nearestName } from '../cli-kit/nearest-name';
import { aliasesOf } from './deprecated-aliases';

/**
 * Validates `input` against `schema` and returns the typed config with its defaults filled in.
 *
 * Unknown keys are refused when the schema's objects are strict (`z.strictObject`, as every bigmodel
 * config is), with the nearest known key suggested. The error reports one problem, the first
 * (a misspelt key before anything else, since it explains a field that then looks missing).
 *
 * @param schema The config's schema.
 * @param input The config as the caller gave it (an object literal, a parsed JSON file).
 * @param name The config's name, the first part of every path in an error (`AdamConfig`).
 * @throws {@link InvalidArgumentError} with `parameter` the full path (`AdamConfig.beta1`,
 *   `FineTuneConfig.head.units`) and `value` the value found there.
 * @example
 * ```ts
 * const schema = z.strictObject({ units: z.number().int().positive().default(8).describe('Width (default 8).') });
 * parseConfig(schema, {}, 'HeadConfig'); // { units: 8 }
 * parseConfig(schema, { unit: 4 }, 'HeadConfig');
 * // InvalidArgumentError: Invalid argument for HeadConfig.unit: 4. Unknown key; did you mean "units"? ...
 * ```
 * @category Config
 */
export function parseConfig<S extends z.ZodType>(schema: S, input: unknown, name: string): z.output<S> {
  const result = schema.safeParse(input, { reportInput: true });
  if (result.success) return result.data;
  const issues = result.error.issues;
  const issue = issues.find((i) => i.code === 'unrecognized_keys') ?? issues[0];
  throw errorOf(schema, input, name, issue);
}

/** The InvalidArgumentError that reports `issue`. */
function errorOf(schema: z.ZodType, input: unknown, name: string, issue: z.core.$ZodIssue): InvalidArgumentError {
  const path = issue.path;
  if (issue.code === 'unrecognized_keys') {
    const key = issue.keys[0];
    const known = knownKeys(schemaAt(schema, path));
    const suggestion = nearestName(key, known);
    const hint = suggestion !== undefined ? `did you mean "${suggestion}"?` : `known keys: ${known.join(', ')}.`;
    return new InvalidArgumentError({
      parameter: pathName(name, [...path, key]),
      value: valueAt('input' in issue ? issue.input : valueAt(input, path), [key]),
      message: `Unknown key; ${hint}`,
    });
  }
  const field = schemaAt(schema, path);
  const description = field?.description;
  const expected = issue.message.endsWith('.') ? issue.message : `${issue.message}.`;
  return new InvalidArgumentError({
    parameter: pathName(name, path),
    // The input zod saw there (after any deprecated alias was renamed), else the caller's.
    value: 'input' in issue ? issue.input : valueAt(input, path),
    message: description === undefined ? expected : `${expected} ${description}`,
  });
}

/** `AdamConfig.beta1`, `FineTuneConfig.groups[0].lr`. */
export function pathName(name: string, path: readonly PropertyKey[]): string {
  return path.reduce<string>((out, key) => (typeof key === 'number' ? `${out}[${key}]` : `${out}.${String(key)}`), name);
}

/** The value of `input` at `path` (undefined where the path leaves the input). */
function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let value = input;
  for (const key of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

/** The keys an object schema knows (its fields and their deprecated aliases), in declared order. */
function knownKeys(schema: z.ZodType | undefined): string[] {
  if (schema === undefined) return [];
  const aliases: string[] = [];
  const object = unwrap(schema, (wrapper) => aliases.push(...Object.keys(aliasesOf(wrapper) ?? {})));
  return object instanceof z.ZodObject ? [...Object.keys(object.shape), ...aliases] : [];
}

/**
 * The schema of the field at `path`, its wrappers (default, optional, ...) kept so that its
 * description is there; undefined where the path goes through a union or a custom check.
 */
function schemaAt(schema: z.ZodType, path: readonly PropertyKey[]): z.ZodType | undefined {
  let current: z.ZodType | undefined = schema;
  for (const key of path) {
    const inner: z.ZodType | undefined = current === undefined ? undefined : unwrap(current);
    if (inner instanceof z.ZodObject) current = (inner.shape as Record<string, z.ZodType>)[String(key)];
    else if (inner instanceof z.ZodArray) current = inner.element as z.ZodType;
    else if (inner instanceof z.ZodRecord) current = inner.valueType as z.ZodType;
    else return undefined;
  }
  return current;
}

/** The schema under defaults, optionals, nullables, read-only markers and pipes (the side the input meets). */
function unwrap(schema: z.ZodType, visit?: (wrapper: z.ZodType) => void): z.ZodType {
  let current = schema;
  for (;;) {
    visit?.(current);
    if (
      current instanceof z.ZodOptional ||
      current instanceof z.ZodNullable ||
      current instanceof z.ZodDefault ||
      current instanceof z.ZodPrefault ||
      current instanceof z.ZodReadonly ||
      current instanceof z.ZodNonOptional
    ) {
      current = current.unwrap() as z.ZodType;
    } else if (current instanceof z.ZodPipe) {
      // A preprocess (a transform first) is read through to what it feeds.
      current = (current.in instanceof z.ZodTransform ? current.out : current.in) as z.ZodType;
    } else {
      return current;
    }
  }
}
