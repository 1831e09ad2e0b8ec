/**
 * transfer's configs whose JSON Schema is published in docs/schemas/transfer/ (by `npm run
 * schemas`, tools/config-schemas.ts). Internal: not exported from the package's index.
 */
import type { z } from '@bigmodel/core';

import { fineTuneConfigSchema } from '../training/fine-tune';
import { paramGroupOptimizerConfigSchema } from '../training/grouped-optimizer';

/** Config name (as its TypeScript type) -> schema. */
export const CONFIG_SCHEMAS: Readonly<Record<string, z.ZodType>> = {
  FineTuneConfig: fineTuneConfigSchema,
  ParamGroupOptimizerConfig: paramGroupOptimizerConfigSchema,
};
