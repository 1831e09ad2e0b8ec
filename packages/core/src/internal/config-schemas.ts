/**
 * Core's configs whose JSON Schema is published in docs/schemas/core/ (by `npm run schemas`,
 * tools/config-schemas.ts). Internal: not exported from the package's index. Each package that has
 * configs keeps such a record in `src/internal/config-schemas.ts`, named as the config's type.
 */
import type { z } from 'zod';

import { adagradConfigSchema } from '../optimizers/adagrad';
import { adamConfigSchema } from '../optimizers/adam';
import { rmspropConfigSchema } from '../optimizers/rmsprop';
import { sgdConfigSchema } from '../optimizers/sgd';
import { fitConfigSchema } from '../training/fit';

/** Config name (as its TypeScript type) -> schema. */
export const CONFIG_SCHEMAS: Readonly<Record<string, z.ZodType>> = {
  AdagradConfig: adagradConfigSchema,
  AdamConfig: adamConfigSchema,
  FitConfig: fitConfigSchema,
  RmspropConfig: rmspropConfigSchema,
  SgdConfig: sgdConfigSchema,
};
