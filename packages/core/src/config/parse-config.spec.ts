import { z } from 'zod';

import { InvalidArgumentError } from '../errors';
import { parseConfig } from './parse-config';

const head = z
  .strictObject({
    units: z.number().int().positive().default(3).describe('Units of the head (default 3).'),
    activation: z.enum(['relu', 'tanh']).default('relu').describe('Activation (default relu).'),
  })
  .prefault({});
const schema = z
  .strictObject({
    learningRate: z.number().positive().describe('Learning rate, a number > 0.'),
    beta1: z.number().min(0).max(1).default(0.9).describe('First-moment decay in [0, 1] (default 0.9).'),
    head,
    groups: z.array(z.strictObject({ learningRate: z.number().positive() })).default([]),
  })
  .check((ctx) => {
    if (ctx.value.beta1 === 1 && ctx.value.head.units > 2)
      ctx.issues.push({ code: 'custom', path: ['beta1'], input: ctx.value.beta1, message: 'beta1 = 1 needs at most 2 units.' });
  });

/** The InvalidArgumentError that parsing `input` throws. */
function errorOf(input: unknown): InvalidArgumentError {
  try {
    parseConfig(schema, input, 'TestConfig');
  } catch (e) {
    if (InvalidArgumentError.isInstance(e)) return e;
    throw e;
  }
  throw new Error('parseConfig accepted the input');
}

describe('parseConfig', () => {
  it('fills the defaults, nested ones included, and keeps what was given', () => {
    expect(parseConfig(schema, { learningRate: 0.1 }, 'TestConfig')).toEqual({
      learningRate: 0.1,
      beta1: 0.9,
      head: { units: 3, activation: 'relu' },
      groups: [],
    });
    expect(parseConfig(schema, { learningRate: 0.1, beta1: 0, head: { units: 5 } }, 'TestConfig').head).toEqual({
      units: 5,
      activation: 'relu',
    });
  });

  it('names the full path, the value and what was expected, with the field description', () => {
    const e = errorOf({ learningRate: 0.1, beta1: 1.5 });
    expect(e.parameter).toBe('TestConfig.beta1');
    expect(e.value).toBe(1.5);
    expect(e.message).toBe(
      'Invalid argument for TestConfig.beta1: 1.5. Too big: expected number to be <=1. First-moment decay in [0, 1] (default 0.9).',
    );
    const nested = errorOf({ learningRate: 0.1, head: { units: 2.5 } });
    expect([nested.parameter, nested.value]).toEqual(['TestConfig.head.units', 2.5]);
    expect(nested.message).toContain('expected int');
    const inArray = errorOf({ learningRate: 0.1, groups: [{ learningRate: 1 }, { learningRate: -2 }] });
    expect([inArray.parameter, inArray.value]).toEqual(['TestConfig.groups[1].learningRate', -2]);
    expect(inArray.message).toContain('expected number to be >0');
  });

  it('reports a missing required field and a wrong type by name', () => {
    const missing = errorOf({ beta1: 0.5 });
    expect([missing.parameter, missing.value]).toEqual(['TestConfig.learningRate', undefined]);
    expect(missing.message).toContain('expected number, received undefined');
    const wrongType = errorOf({ learningRate: '0.1' });
    expect([wrongType.parameter, wrongType.value]).toEqual(['TestConfig.learningRate', '0.1']);
    expect(wrongType.message).toContain('expected number, received string');
    const enumValue = errorOf({ learningRate: 0.1, head: { activation: 'gelu' } });
    expect([enumValue.parameter, enumValue.value]).toEqual(['TestConfig.head.activation', 'gelu']);
    expect(enumValue.message).toContain('"relu"|"tanh"');
    const notObject = errorOf(7);
    expect([notObject.parameter, notObject.value]).toEqual(['TestConfig', 7]);
  });

  it('refuses unknown keys with the nearest known key, at any depth, before other problems', () => {
    // learningRate is missing only because it is misspelt: the misspelling is what is reported.
    const top = errorOf({ learningRat: 0.1 });
    expect([top.parameter, top.value]).toEqual(['TestConfig.learningRat', 0.1]);
    expect(top.message).toBe('Invalid argument for TestConfig.learningRat: 0.1. Unknown key; did you mean "learningRate"?');
    const nested = errorOf({ learningRate: 0.1, head: { unit: 4 } });
    expect([nested.parameter, nested.value, nested.message.endsWith('did you mean "units"?')]).toEqual(['TestConfig.head.unit', 4, true]);
    const far = errorOf({ learningRate: 0.1, zzz: 1 });
    expect(far.message).toContain('Unknown key; known keys: learningRate, beta1, head, groups.');
  });

  it('reports a cross-field check under the field it names', () => {
    const e = errorOf({ learningRate: 0.1, beta1: 1, head: { units: 3 } });
    expect([e.parameter, e.value]).toEqual(['TestConfig.beta1', 1]);
    expect(e.message).toContain('beta1 = 1 needs at most 2 units.');
    expect(parseConfig(schema, { learningRate: 0.1, beta1: 1, head: { units: 2 } }, 'TestConfig').beta1).toBe(1);
  });
});
