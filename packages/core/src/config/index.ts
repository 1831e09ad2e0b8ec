export { parseConfig } from './parse-config';
export { withDeprecatedAliases, type AliasedInput } from './deprecated-aliases';
export { configJsonSchema, type JsonSchema } from './config-json-schema';
/**
 * zod's `z`, re-exported so that packages built on core write their config schemas with the same
 * zod that core parses them with (algorithm packages import only `@bigmodel/core`).
 */
export { z } from 'zod';
