import { z } from 'zod';

import { configJsonSchema } from './config-json-schema';
import { withDeprecatedAliases } from './deprecated-aliases';

describe('configJsonSchema', () => {
  it('gives each field its type, bounds, description and default, and refuses unknown keys', () => {
    const schema = z.strictObject({
      units: z.number().int().min(1).max(64).default(8).describe('Units (default 8).'),
      name: z.string().describe('A name.'),
      head: z.strictObject({ dropout: z.number().min(0).max(1).default(0).describe('Dropout (default 0).') }).prefault({}),
    });
    expect(configJsonSchema(schema, 'HeadConfig')).toEqual({
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      title: 'HeadConfig',
      type: 'object',
      properties: {
        units: { type: 'integer', minimum: 1, maximum: 64, default: 8, description: 'Units (default 8).' },
        name: { type: 'string', description: 'A name.' },
        head: {
          type: 'object',
          default: {},
          properties: { dropout: { type: 'number', minimum: 0, maximum: 1, default: 0, description: 'Dropout (default 0).' } },
          additionalProperties: false,
        },
      },
      required: ['name'],
      additionalProperties: false,
    });
  });

  it('lists a deprecated alias, accepted in place of its key but not with it', () => {
    const schema = withDeprecatedAliases(z.strictObject({ learningRate: z.number().positive().describe('Learning rate (> 0).') }), {
      lr: 'learningRate',
    });
    const json = configJsonSchema(schema);
    expect(json['properties']).toEqual({
      learningRate: { type: 'number', exclusiveMinimum: 0, description: 'Learning rate (> 0).' },
      lr: {
        type: 'number',
        exclusiveMinimum: 0,
        description: 'Deprecated alias of "learningRate" (removed in the next release).',
        deprecated: true,
      },
    });
    expect(json['required']).toBeUndefined();
    expect(json['allOf']).toEqual([
      { anyOf: [{ required: ['learningRate'] }, { required: ['lr'] }] },
      { not: { required: ['learningRate', 'lr'] } },
    ]);
  });

  it('writes fields JSON cannot hold without a type', () => {
    const schema = z.strictObject({
      callback: z
        .custom<() => void>((v) => typeof v === 'function')
        .optional()
        .describe('Called back.'),
    });
    expect((configJsonSchema(schema)['properties'] as Record<string, unknown>)['callback']).toEqual({ description: 'Called back.' });
  });
});
