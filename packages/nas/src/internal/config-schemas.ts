/**
 * nas's configs whose JSON Schema is published in docs/schemas/nas/ (by `npm run schemas`,
 * tools/config-schemas.ts): the strategies' options (a search's `strategy.options` and
 * `hyperband`, as its journal records them). `RunSearchConfig` is not published: it holds
 * functions and objects (evaluator, callbacks, executor, signal) that no JSON file can.
 * Internal: not exported from the package's index.
 */
import type { z } from '@bigmodel/core';

import { hyperbandConfigSchema } from '../strategies/hyperband';
import { randomSearchConfigSchema } from '../strategies/random-search';
import { regularizedEvolutionConfigSchema } from '../strategies/regularized-evolution';
import { reinforceControllerConfigSchema } from '../strategies/reinforce-controller';
import { tpeConfigSchema } from '../strategies/tpe';

/** Config name (as its TypeScript type) -> schema. */
export const CONFIG_SCHEMAS: Readonly<Record<string, z.ZodType>> = {
  HyperbandConfig: hyperbandConfigSchema,
  RandomSearchConfig: randomSearchConfigSchema,
  RegularizedEvolutionConfig: regularizedEvolutionConfigSchema,
  ReinforceControllerConfig: reinforceControllerConfigSchema,
  TpeConfig: tpeConfigSchema,
};
