/**
 * Old spellings of config keys, kept for one release: `lr` still means `learningRate`. The alias is
 * mapped to its key before the schema sees the input, giving both is an error, and the JSON Schema
 * lists the alias as a deprecated property.
 */
import { z } from 'zod';

/**
 * Where a schema made by {@link withDeprecatedAliases} keeps its aliases (alias -> key): a global
 * symbol, so that a schema made by one copy of core is understood by another (a package's schema
 * built on core's dist, read by a tool that loads core's source).
 */
const ALIASES = Symbol.for('bigmodel.config.deprecatedAliases');

/**
 * What a config with deprecated aliases accepts: its own input, where each aliased key may be
 * given by its alias instead.
 *
 * @category Config
 */
export type AliasedInput<In, A extends Readonly<Record<string, keyof In & string>>> = Omit<In, A[keyof A]> &
  Partial<Pick<In, A[keyof A]>> & { [K in keyof A]?: In[A[K]] };

/**
 * A schema of `object` that also takes each key of `aliases` as the deprecated spelling of the key
 * it maps to. The alias's value is moved to the new key before validation (so it is checked, and
 * reported, under the new key's rules); giving both spellings is an error naming the alias.
 *
 * Deprecated aliases are kept for one release and then removed; the alias is documented in the
 * generated JSON Schema (`deprecated: true`) and in the config's TSDoc.
 *
 * @param object The config's strict object schema, written with the new names only.
 * @param aliases Old key -> new key, e.g. `{ lr: 'learningRate' }`.
 * @example
 * ```ts
 * const schema = withDeprecatedAliases(z.strictObject({ learningRate: z.number().positive() }), { lr: 'learningRate' });
 * parseConfig(schema, { lr: 0.1 }, 'SgdConfig'); // { learningRate: 0.1 }
 * parseConfig(schema, { lr: 0.1, learningRate: 0.2 }, 'SgdConfig'); // InvalidArgumentError naming SgdConfig.lr
 * ```
 * @category Config
 */
export function withDeprecatedAliases<T extends z.ZodObject, const A extends Readonly<Record<string, keyof z.input<T> & string>>>(
  object: T,
  aliases: A,
): z.ZodType<z.output<T>, AliasedInput<z.input<T>, A>> {
  const schema = z.preprocess((input, context) => {
    if (input === null || typeof input !== 'object' || Array.isArray(input)) return input;
    const renamed: Record<string, unknown> = { ...(input as Record<string, unknown>) };
    for (const [alias, key] of Object.entries(aliases)) {
      if (!(alias in renamed)) continue;
      if (key in renamed && renamed[key] !== undefined && renamed[alias] !== undefined) {
        context.addIssue({
          code: 'custom',
          path: [alias],
          input: renamed[alias],
          message: `"${alias}" is the deprecated name of "${key}"; give only "${key}".`,
        });
        return input;
      }
      if (renamed[alias] !== undefined || !(key in renamed)) renamed[key] = renamed[alias];
      delete renamed[alias];
    }
    return renamed;
  }, object);
  Object.defineProperty(schema, ALIASES, { value: Object.freeze({ ...aliases }) });
  return schema as unknown as z.ZodType<z.output<T>, AliasedInput<z.input<T>, A>>;
}

/** The deprecated aliases of `schema` (alias -> key), when it was made by {@link withDeprecatedAliases}. */
export function aliasesOf(schema: object): Readonly<Record<string, string>> | undefined {
  return (schema as { [ALIASES]?: Readonly<Record<string, string>> })[ALIASES];
}
