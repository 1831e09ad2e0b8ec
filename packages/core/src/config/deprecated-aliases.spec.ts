import { z } from 'zod';

import { InvalidArgumentError } from '../errors';
import { withDeprecatedAliases } from './deprecated-aliases';
import { parseConfig } from './parse-config';

const schema = withDeprecatedAliases(
  z.strictObject({
    learningRate: z.number().positive().describe('Learning rate (> 0).'),
    decay: z.number().min(0).default(0).describe('Decay (default 0).'),
  }),
  { lr: 'learningRate' },
);

describe('withDeprecatedAliases', () => {
  it('maps the alias to its key', () => {
    expect(parseConfig(schema, { lr: 0.1 }, 'SgdConfig')).toEqual({ learningRate: 0.1, decay: 0 });
    expect(parseConfig(schema, { learningRate: 0.2, decay: 1 }, 'SgdConfig')).toEqual({ learningRate: 0.2, decay: 1 });
  });

  it('checks the alias by the rules of its key', () => {
    expect(() => parseConfig(schema, { lr: -1 }, 'SgdConfig')).toThrow(
      'Invalid argument for SgdConfig.learningRate: -1. Too small: expected number to be >0. Learning rate (> 0).',
    );
  });

  it('refuses both spellings together, naming the alias', () => {
    let error: unknown;
    try {
      parseConfig(schema, { lr: 0.1, learningRate: 0.2 }, 'SgdConfig');
    } catch (e) {
      error = e;
    }
    expect(InvalidArgumentError.isInstance(error)).toBe(true);
    expect((error as InvalidArgumentError).parameter).toBe('SgdConfig.lr');
    expect((error as InvalidArgumentError).message).toBe(
      'Invalid argument for SgdConfig.lr: 0.1. "lr" is the deprecated name of "learningRate"; give only "learningRate".',
    );
  });

  it('suggests the new name for a misspelling, and still refuses unknown keys', () => {
    expect(() => parseConfig(schema, { learningRte: 0.1 }, 'SgdConfig')).toThrow('did you mean "learningRate"?');
    expect(() => parseConfig(schema, { learningRate: 0.1, dcay: 1 }, 'SgdConfig')).toThrow('did you mean "decay"?');
  });

  it('leaves the caller input untouched', () => {
    const input = { lr: 0.1 };
    parseConfig(schema, input, 'SgdConfig');
    expect(input).toEqual({ lr: 0.1 });
  });
});
