/**
 * JSON Schema of a config, for `--config` files (editors validate and complete them) and for the
 * docs. Generated from the same zod schema that validates the config, so the two cannot drift.
 */
import { z } from 'zod';

import { aliasesOf } from './deprecated-aliases';

/**
 * A JSON Schema document (draft 2020-12), as {@link configJsonSchema} returns it.
 *
 * @category Config
 */
export type JsonSchema = Record<string, unknown>;

/**
 * The JSON Schema (draft 2020-12) of what `schema` accepts as input: each field with its
 * `description` (from the schema's `.describe()`) and its `default`, unknown keys refused
 * (`additionalProperties: false` for strict objects), and deprecated aliases listed as
 * `deprecated: true` properties. Fields JSON cannot hold (functions, tensors, class instances)
 * appear without a type, as `{}` or with their description only.
 *
 * @param schema The config's schema.
 * @param title The config's name (`AdamConfig`), written as the schema's `title`.
 * @example
 * ```ts
 * const schema = z.strictObject({ units: z.number().int().positive().default(8).describe('Width (default 8).') });
 * configJsonSchema(schema, 'HeadConfig').properties; // { units: { type: 'integer', default: 8, description: 'Width (default 8).', ... } }
 * ```
 * @category Config
 */
export function configJsonSchema(schema: z.ZodType, title?: string): JsonSchema {
  const json = z.toJSONSchema(schema, {
    io: 'input',
    unrepresentable: 'any',
    override: ({ zodSchema, jsonSchema }) => {
      const aliases = aliasesOf(zodSchema);
      if (aliases !== undefined) addAliases(jsonSchema as JsonSchema, aliases);
    },
  }) as JsonSchema;
  return title === undefined ? json : { $schema: json['$schema'], title, ...json };
}

/** Lists each alias as a deprecated property of the same schema as its key, accepted in its place. */
function addAliases(json: JsonSchema, aliases: Readonly<Record<string, string>>): void {
  const properties = (json['properties'] ?? {}) as Record<string, JsonSchema>;
  const required = (json['required'] ?? []) as string[];
  const alternatives: JsonSchema[] = [];
  for (const [alias, key] of Object.entries(aliases)) {
    const { default: _default, description: _description, ...rest } = properties[key] ?? {};
    properties[alias] = { ...rest, description: `Deprecated alias of "${key}" (removed in the next release).`, deprecated: true };
    if (required.includes(key)) alternatives.push({ anyOf: [{ required: [key] }, { required: [alias] }] });
    // Not both: the alias and its key together are refused.
    alternatives.push({ not: { required: [key, alias] } });
  }
  json['properties'] = properties;
  const stillRequired = required.filter((key) => !Object.values(aliases).includes(key));
  if (stillRequired.length > 0) json['required'] = stillRequired;
  else delete json['required'];
  json['allOf'] = [...((json['allOf'] as JsonSchema[] | undefined) ?? []), ...alternatives];
}
