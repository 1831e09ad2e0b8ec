/**
 * rl's configs whose JSON Schema is published in docs/schemas/rl/ (by `npm run schemas`,
 * tools/config-schemas.ts): the agents' hyperparameters, which `bigmodel-rl train --config FILE`
 * reads. Internal: not exported from the package's index.
 */
import type { z } from '@bigmodel/core';

import { a2cConfigSchema } from '../agents/a2c';
import { dqnConfigSchema } from '../agents/dqn';
import { ppoConfigSchema } from '../agents/ppo';
import { reinforceConfigSchema } from '../agents/reinforce';
import { sacConfigSchema } from '../agents/sac';
import { td3ConfigSchema } from '../agents/td3';

/** Config name (as its TypeScript type) -> schema. */
export const CONFIG_SCHEMAS: Readonly<Record<string, z.ZodType>> = {
  A2cConfig: a2cConfigSchema,
  DqnConfig: dqnConfigSchema,
  PpoConfig: ppoConfigSchema,
  ReinforceConfig: reinforceConfigSchema,
  SacConfig: sacConfigSchema,
  Td3Config: td3ConfigSchema,
};
