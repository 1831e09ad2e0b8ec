/**
 * gan's configs whose JSON Schema is published in docs/schemas/gan/ (by `npm run schemas`,
 * tools/config-schemas/config-schemas.ts). Internal: not exported from the package's index.
 */
import type { z } from '@bigmodel/core';

import { ganConfigSchema } from '../models/gan-config';

/** Config name (as its TypeScript type) -> schema. */
export const CONFIG_SCHEMAS: Readonly<Record<string, z.ZodType>> = {
  GanConfig: ganConfigSchema,
};
