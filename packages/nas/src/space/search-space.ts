/**
 * A declarative search space (Keras Tuner's HyperParameters, Optuna's distributions, NNI's
 * search-space JSON): integers (linear or log, with a step), floats (linear or log), categorical
 * choices, fixed values, and conditional parameters that exist only while a condition on an
 * earlier parameter holds (`{ param: 'depth', min: 3 }`: a third layer's width exists when
 * depth >= 3). A cell space in the NAS-Bench-201 style is plain categoricals, one per DAG edge.
 *
 * The same definition is written in code or in JSON ({@link SearchSpace.fromJSON}); it is validated
 * once, in the constructor, with {@link InvalidArgumentError}s naming the offending field. A
 * configuration holds exactly the active parameters; {@link SearchSpace.validate} checks one (every
 * strategy calls it on what it is told).
 */
import { createHash } from 'node:crypto';

import { InvalidArgumentError, standardNormal } from '@bigmodel/core';

/**
 * A value a parameter takes: a number, a string or a boolean.
 *
 * @category Spaces
 */
export type ParamValue = number | string | boolean;

/**
 * One configuration: the value of every active parameter, by name.
 *
 * @category Spaces
 */
export type Config = Record<string, ParamValue>;

/**
 * A condition on an earlier parameter's value; all given fields must hold (and the parent must be
 * active). `min`/`max` are inclusive bounds for numbers, `in` lists allowed values.
 * @category Spaces
 */
export interface Condition {
  /** Name of the parent parameter, declared before the conditional one. */
  param: string;
  /** The parent's value must be >= min. */
  min?: number;
  /** The parent's value must be <= max. */
  max?: number;
  /** The parent's value must be one of these. */
  in?: ParamValue[];
}

/** Fields every parameter kind shares. */
interface ParamBase {
  /** The parameter exists only when this condition (or all of these conditions) holds. */
  when?: Condition | Condition[];
}

/**
 * An integer in [min, max] on the grid min, min + step, ... (step default 1); `log` samples uniformly in log space.
 *
 * @category Spaces
 */
export interface IntParam extends ParamBase {
  type: 'int';
  min: number;
  max: number;
  step?: number;
  log?: boolean;
}

/**
 * A float in [min, max]; `log` samples uniformly in log space (needs min > 0).
 *
 * @category Spaces
 */
export interface FloatParam extends ParamBase {
  type: 'float';
  min: number;
  max: number;
  log?: boolean;
}

/**
 * One of `choices` (at least one; no duplicates).
 *
 * @category Spaces
 */
export interface CategoricalParam extends ParamBase {
  type: 'categorical';
  choices: ParamValue[];
}

/**
 * A constant, recorded in every configuration (where active) but never searched.
 *
 * @category Spaces
 */
export interface FixedParam extends ParamBase {
  type: 'fixed';
  value: ParamValue;
}

/**
 * A parameter's declaration.
 *
 * @category Spaces
 */
export type ParamSpec = IntParam | FloatParam | CategoricalParam | FixedParam;

/**
 * A search space's declaration: parameters in order (a condition refers only to earlier ones).
 *
 * @category Spaces
 */
export interface SearchSpaceDefinition {
  /** A name for logs and journals (default `space`). */
  name?: string;
  /** The parameters, in declaration order. */
  params: Record<string, ParamSpec>;
}

function fail(parameter: string, value: unknown, message: string): never {
  throw new InvalidArgumentError({ parameter, value, message });
}

/** Integers with more values than this mutate by a local step rather than uniformly. */
const LOCAL_MUTATION_VALUES = 16;

const isValue = (v: unknown): v is ParamValue => typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean';

/** Checks one parameter declaration; returns it with its conditions as an array. */
function resolveParam(name: string, spec: ParamSpec, earlier: Map<string, ParamSpec>): ParamSpec & { conditions: Condition[] } {
  const at = `space.params.${name}`;
  if (spec === null || typeof spec !== 'object') fail(at, spec, 'Each parameter is an object with a `type`.');
  const conditions = spec.when === undefined ? [] : Array.isArray(spec.when) ? spec.when : [spec.when];
  conditions.forEach((c, i) => {
    const cat = `${at}.when${Array.isArray(spec.when) ? `[${i}]` : ''}`;
    if (!c || typeof c.param !== 'string') fail(`${cat}.param`, c?.param, 'A condition names an earlier parameter.');
    const parent = earlier.get(c.param);
    if (!parent) fail(`${cat}.param`, c.param, `Conditions refer to parameters declared before '${name}'.`);
    if (c.min === undefined && c.max === undefined && c.in === undefined) fail(cat, c, 'A condition needs min, max or in.');
    if (c.min !== undefined && !Number.isFinite(c.min)) fail(`${cat}.min`, c.min, 'Must be a finite number.');
    if (c.max !== undefined && !Number.isFinite(c.max)) fail(`${cat}.max`, c.max, 'Must be a finite number.');
    if (c.min !== undefined && c.max !== undefined && c.min > c.max)
      fail(`${cat}.min`, c.min, `min > max (${c.max}): the condition can never hold.`);
    if (c.in !== undefined && (!Array.isArray(c.in) || c.in.length === 0)) fail(`${cat}.in`, c.in, 'Must be a non-empty list of values.');
  });
  switch (spec.type) {
    case 'int':
    case 'float': {
      const { min, max, log } = spec;
      if (!Number.isFinite(min)) fail(`${at}.min`, min, 'Must be a finite number.');
      if (!Number.isFinite(max)) fail(`${at}.max`, max, 'Must be a finite number.');
      if (min > max) fail(`${at}.min`, min, `min > max (${max}): the range is empty.`);
      if (log && min <= 0) fail(`${at}.min`, min, 'A log-scaled parameter needs min > 0.');
      if (spec.type === 'int') {
        if (!Number.isInteger(min) || !Number.isInteger(max)) fail(`${at}.min`, [min, max], 'An int parameter has integer bounds.');
        const step = spec.step ?? 1;
        if (!Number.isInteger(step) || step < 1) fail(`${at}.step`, step, 'Must be an integer >= 1.');
      }
      break;
    }
    case 'categorical': {
      const { choices } = spec;
      if (!Array.isArray(choices) || choices.length === 0) fail(`${at}.choices`, choices, 'Must be a non-empty list of values.');
      if (!choices.every(isValue)) fail(`${at}.choices`, choices, 'Choices are numbers, strings or booleans.');
      if (new Set(choices).size !== choices.length) fail(`${at}.choices`, choices, 'Choices must be distinct.');
      break;
    }
    case 'fixed':
      if (!isValue(spec.value)) fail(`${at}.value`, spec.value, 'A fixed value is a number, string or boolean.');
      break;
    default:
      fail(`${at}.type`, (spec as { type: unknown }).type, "Must be 'int', 'float', 'categorical' or 'fixed'.");
  }
  return { ...spec, conditions };
}

/**
 * A parameter as a {@link SearchSpace} holds it: its declaration, its name, and its conditions as an array.
 *
 * @category Spaces
 */
export type ResolvedParam = ParamSpec & { name: string; conditions: Condition[] };

/**
 * A validated search space; see the file header.
 *
 * @category Spaces
 */
export class SearchSpace {
  /** The space's name. */
  readonly name: string;
  /** The parameters in declaration order, with their conditions as arrays. */
  readonly params: readonly ResolvedParam[];
  private readonly byName: Map<string, ResolvedParam>;
  private readonly definition: SearchSpaceDefinition;

  /**
   * @param definition the declaration; throws {@link InvalidArgumentError} on an empty space, an
   *   empty range (min > max), an empty choice list, or a condition that refers to a later or
   *   unknown parameter.
   * @example
   * ```ts
   * const space = new SearchSpace({ params: {
   *   depth: { type: 'int', min: 1, max: 3 },
   *   width1: { type: 'int', min: 16, max: 128, log: true },
   *   width2: { type: 'int', min: 16, max: 128, log: true, when: { param: 'depth', min: 2 } },
   *   lr: { type: 'float', min: 1e-4, max: 1e-2, log: true },
   *   activation: { type: 'categorical', choices: ['relu', 'elu'] },
   * } });
   * const config = space.sample(mulberry32(0));
   * ```
   */
  constructor(definition: SearchSpaceDefinition) {
    if (!definition || typeof definition !== 'object' || !definition.params || typeof definition.params !== 'object') {
      fail('space.params', definition?.params, 'A search space is `{ params: { name: spec, ... } }`.');
    }
    const entries = Object.entries(definition.params);
    if (entries.length === 0) fail('space.params', definition.params, 'The space has no parameters; declare at least one.');
    const earlier = new Map<string, ParamSpec>();
    const params: ResolvedParam[] = [];
    for (const [name, spec] of entries) {
      params.push({ ...resolveParam(name, spec, earlier), name });
      earlier.set(name, spec);
    }
    this.name = definition.name ?? 'space';
    this.params = params;
    this.byName = new Map(params.map((p) => [p.name, p]));
    this.definition = JSON.parse(JSON.stringify(definition)) as SearchSpaceDefinition;
    if (!params.some((p) => this.valueCount(p.name) > 1)) {
      fail('space.params', Object.keys(definition.params), 'Every parameter has a single value: there is nothing to search.');
    }
  }

  /**
   * Reads a space from its JSON declaration (a string or a parsed object).
   * @example
   * ```ts
   * const space = SearchSpace.fromJSON(readFileSync('space.json', 'utf8'));
   * ```
   */
  static fromJSON(json: string | SearchSpaceDefinition): SearchSpace {
    let parsed: unknown = json;
    if (typeof json === 'string') {
      try {
        parsed = JSON.parse(json);
      } catch (error) {
        fail('space', json.slice(0, 80), `Not valid JSON: ${(error as Error).message}`);
      }
    }
    return new SearchSpace(parsed as SearchSpaceDefinition);
  }

  /** The declaration, as JSON-ready data ({@link SearchSpace.fromJSON} reads it back). */
  toJSON(): SearchSpaceDefinition {
    return JSON.parse(JSON.stringify({ name: this.name, params: this.definition.params })) as SearchSpaceDefinition;
  }

  /** The declaration of parameter `name`; throws InvalidArgumentError for an unknown name. */
  param(name: string): ResolvedParam {
    const p = this.byName.get(name);
    if (!p) fail('name', name, `No parameter '${name}' in space '${this.name}' (it has ${[...this.byName.keys()].join(', ')}).`);
    return p;
  }

  /** Whether parameter `name` is active given the values of the earlier parameters in `config`. */
  isActive(name: string, config: Config): boolean {
    return this.param(name).conditions.every((c) => {
      if (!this.isActive(c.param, config) || !(c.param in config)) return false;
      const v = config[c.param];
      if (c.in !== undefined && !c.in.includes(v)) return false;
      if (c.min !== undefined && !(typeof v === 'number' && v >= c.min)) return false;
      if (c.max !== undefined && !(typeof v === 'number' && v <= c.max)) return false;
      return true;
    });
  }

  /** The discrete values of an int, categorical or fixed parameter (a float has none: throws). */
  values(name: string): ParamValue[] {
    const p = this.param(name);
    switch (p.type) {
      case 'categorical':
        return [...p.choices];
      case 'fixed':
        return [p.value];
      case 'int': {
        const step = p.step ?? 1;
        const out: number[] = [];
        for (let v = p.min; v <= p.max; v += step) out.push(v);
        return out;
      }
      case 'float':
        return fail('name', name, 'A float parameter has no finite list of values.');
    }
  }

  /** How many values parameter `name` takes (Infinity for a float with min < max). */
  valueCount(name: string): number {
    const p = this.param(name);
    if (p.type === 'float') return p.min < p.max ? Infinity : 1;
    if (p.type === 'int') return Math.floor((p.max - p.min) / (p.step ?? 1)) + 1;
    return p.type === 'categorical' ? p.choices.length : 1;
  }

  /** Maps a numeric parameter's value to [0, 1] (in log space for log parameters). */
  toUnit(name: string, value: number): number {
    const p = this.param(name);
    if (p.type !== 'int' && p.type !== 'float') return fail('name', name, 'toUnit is for int and float parameters.');
    if (p.max === p.min) return 0.5;
    return p.log ? (Math.log(value) - Math.log(p.min)) / (Math.log(p.max) - Math.log(p.min)) : (value - p.min) / (p.max - p.min);
  }

  /** Inverse of {@link SearchSpace.toUnit}: a valid value (an int is snapped to its grid) for `u` in [0, 1]. */
  fromUnit(name: string, u: number): number {
    const p = this.param(name);
    if (p.type !== 'int' && p.type !== 'float') return fail('name', name, 'fromUnit is for int and float parameters.');
    const t = Math.min(1, Math.max(0, u));
    const x = p.log ? Math.exp(Math.log(p.min) + t * (Math.log(p.max) - Math.log(p.min))) : p.min + t * (p.max - p.min);
    if (p.type === 'float') return Math.min(p.max, Math.max(p.min, x));
    const step = p.step ?? 1;
    const k = Math.round((x - p.min) / step);
    return Math.min(p.min + step * Math.floor((p.max - p.min) / step), Math.max(p.min, p.min + k * step));
  }

  /** Draws one value of parameter `name` from its prior (uniform, or log-uniform). */
  sampleParam(name: string, random: () => number): ParamValue {
    const p = this.param(name);
    switch (p.type) {
      case 'fixed':
        return p.value;
      case 'categorical':
        return p.choices[Math.floor(random() * p.choices.length)];
      case 'float':
        return this.fromUnit(name, random());
      case 'int': {
        if (!p.log) {
          const values = this.valueCount(name);
          return p.min + Math.floor(random() * values) * (p.step ?? 1);
        }
        return this.fromUnit(name, random());
      }
    }
  }

  /**
   * Draws a configuration: each active parameter from its prior, in declaration order.
   * @example
   * ```ts
   * const config = space.sample(mulberry32(1)); // { depth: 2, width1: 40, width2: 97, lr: 0.0012, activation: 'elu' }
   * ```
   */
  sample(random: () => number): Config {
    return this.complete({}, random);
  }

  /** Fills the active parameters that `partial` lacks (from the prior) and drops the inactive ones. */
  complete(partial: Config, random: () => number): Config {
    const config: Config = {};
    for (const p of this.params) {
      if (!this.isActive(p.name, config)) continue;
      config[p.name] = p.name in partial ? partial[p.name] : this.sampleParam(p.name, random);
    }
    return config;
  }

  /**
   * Changes one active, searchable parameter of `config` to a different valid value: uniformly
   * among the other values of a categorical or a small integer range, by a Gaussian step (sd 0.15
   * of the range, in log space for log parameters) for a float or an integer with more than 16
   * values. Parameters that the
   * change activates are drawn from their priors and those it deactivates are dropped.
   * @example
   * ```ts
   * const child = space.mutate(parent, mulberry32(2));
   * ```
   */
  mutate(config: Config, random: () => number): Config {
    this.validate(config, 'config');
    const mutable = this.params.filter((p) => p.name in config && this.valueCount(p.name) > 1);
    const target = mutable[Math.floor(random() * mutable.length)];
    const next: Config = { ...config };
    const current = config[target.name];
    if (target.type === 'float' || (target.type === 'int' && this.valueCount(target.name) > LOCAL_MUTATION_VALUES)) {
      // A local step: Gaussian in the unit space (sd 0.15), redrawn until the value changes.
      const u = this.toUnit(target.name, current as number);
      let v = current;
      for (let attempt = 0; v === current && attempt < 20; attempt++) {
        const z = standardNormal(random);
        v = this.fromUnit(target.name, u + 0.15 * z);
      }
      while (v === current) v = this.sampleParam(target.name, random);
      next[target.name] = v;
    } else {
      const others = this.values(target.name).filter((v) => v !== current);
      next[target.name] = others[Math.floor(random() * others.length)];
    }
    return this.complete(next, random);
  }

  /**
   * Checks that `config` holds exactly the active parameters, each with a valid value; throws
   * {@link InvalidArgumentError} naming the first offending parameter.
   */
  validate(config: Config, parameter = 'config'): void {
    if (!config || typeof config !== 'object') fail(parameter, config, 'A configuration is an object of parameter values.');
    for (const key of Object.keys(config)) {
      if (!this.byName.has(key)) fail(`${parameter}.${key}`, config[key], `'${key}' is not a parameter of space '${this.name}'.`);
    }
    for (const p of this.params) {
      const at = `${parameter}.${p.name}`;
      const active = this.isActive(p.name, config);
      if (!active) {
        if (p.name in config) fail(at, config[p.name], `'${p.name}' is inactive here (its condition does not hold) and must be left out.`);
        continue;
      }
      if (!(p.name in config)) fail(at, undefined, `'${p.name}' is active and missing.`);
      const v = config[p.name];
      if (p.type === 'categorical' && !p.choices.includes(v)) fail(at, v, `Must be one of ${JSON.stringify(p.choices)}.`);
      if (p.type === 'fixed' && v !== p.value) fail(at, v, `Is fixed at ${JSON.stringify(p.value)}.`);
      if (p.type === 'int' || p.type === 'float') {
        if (typeof v !== 'number' || !Number.isFinite(v) || v < p.min || v > p.max)
          fail(at, v, `Must be a number in [${p.min}, ${p.max}].`);
        if (p.type === 'int' && (!Number.isInteger(v) || (v - p.min) % (p.step ?? 1) !== 0)) {
          fail(at, v, `Must be an integer on the grid ${p.min}, ${p.min + (p.step ?? 1)}, ... <= ${p.max}.`);
        }
      }
    }
  }

  /**
   * A vector of numbers in [0, 1] for models over configurations: per parameter in declaration
   * order, numeric ones as {@link SearchSpace.toUnit} (0 when inactive), categoricals one-hot
   * (all zeros when inactive), fixed ones left out.
   */
  encode(config: Config): number[] {
    const out: number[] = [];
    for (const p of this.params) {
      const active = p.name in config;
      if (p.type === 'int' || p.type === 'float') out.push(active ? this.toUnit(p.name, config[p.name] as number) : 0);
      else if (p.type === 'categorical') for (const c of p.choices) out.push(active && config[p.name] === c ? 1 : 0);
    }
    return out;
  }

  /** The canonical JSON of a configuration: active parameters in declaration order. */
  canonical(config: Config): string {
    return JSON.stringify(this.params.filter((p) => p.name in config).map((p) => [p.name, config[p.name]]));
  }

  /** A short hash of {@link SearchSpace.canonical}: equal configurations (in any key order) hash equal. */
  hash(config: Config): string {
    return createHash('sha256').update(this.canonical(config)).digest('hex').slice(0, 16);
  }
}
