import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { configJsonSchema } from '@bigmodel/core';
import { CONFIG_SCHEMAS } from './config-schemas';

const dir = join(__dirname, '../../../../docs/schemas/rl');

describe("rl's published config schemas", () => {
  it.each(Object.keys(CONFIG_SCHEMAS))('docs/schemas/rl/%s.schema.json is up to date (else: npm run schemas)', (name) => {
    const committed = readFileSync(join(dir, `${name}.schema.json`), 'utf8');
    expect(committed).toBe(`${JSON.stringify(configJsonSchema(CONFIG_SCHEMAS[name], name), null, 2)}\n`);
  });

  it('has no schema file left over from a config that is gone', () => {
    expect(readdirSync(dir).sort()).toEqual(
      Object.keys(CONFIG_SCHEMAS)
        .map((name) => `${name}.schema.json`)
        .sort(),
    );
  });

  it.each(Object.keys(CONFIG_SCHEMAS))('%s describes every field, and states the default of each field that has one', (name) => {
    const properties = configJsonSchema(CONFIG_SCHEMAS[name])['properties'] as Record<string, { description?: string; default?: unknown }>;
    for (const [field, property] of Object.entries(properties)) {
      expect([field, typeof property.description]).toEqual([field, 'string']);
      if ('default' in property) expect([field, property.description]).toEqual([field, expect.stringContaining('default')]);
    }
  });
});
