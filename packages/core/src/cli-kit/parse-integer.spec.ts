import { InvalidArgumentError } from '../errors/invalid-argument-error';
import { parseInteger } from './parse-integer';

const RANGE = { min: -100, max: 100_000 };
const FORMAT = 'Write it as decimal digits with an optional sign';

describe('parseInteger', () => {
  it.each([
    ['7', 7],
    ['0', 0],
    ['-0', 0],
    ['+12', 12],
    ['-100', -100],
    ['100000', 100_000],
    ['007', 7],
  ])('accepts the plain decimal integer %j as %d', (text, expected) => {
    expect(Object.is(parseInteger('--n', text, RANGE), expected)).toBe(true);
  });

  it.each([
    ['1e3', FORMAT],
    ['5E2', FORMAT],
    ['0x10', FORMAT],
    ['0b11', FORMAT],
    ['0o7', FORMAT],
    [' 3', FORMAT],
    ['3 ', FORMAT],
    ['\t3\n', FORMAT],
    ['1.5', FORMAT],
    ['2.0', FORMAT],
    ['1_000', FORMAT],
    ['1,000', FORMAT],
    ['', FORMAT],
    ['-', FORMAT],
    ['Infinity', FORMAT],
    ['NaN', FORMAT],
    ['100001', 'Must be an integer in [-100, 100000].'],
    ['-101', 'Must be an integer in [-100, 100000].'],
    ['99999999999999999999', 'Must be an integer in [-100, 100000].'],
  ])('refuses %j naming the flag, the value and what it expects', (text, expected) => {
    let caught: unknown;
    try {
      parseInteger('--n', text, RANGE);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(InvalidArgumentError);
    const error = caught as InvalidArgumentError;
    expect(error.parameter).toBe('--n');
    expect(error.value).toBe(text);
    expect(error.message).toContain(`Invalid argument for --n: ${JSON.stringify(text)}. Must be an integer in [-100, 100000].`);
    expect(error.message).toContain(expected);
  });

  it('refuses a huge safe-looking integer beyond 2^53 even when the range would allow it', () => {
    expect(() => parseInteger('--n', '9007199254740993', { min: 0, max: Number.MAX_SAFE_INTEGER })).toThrow(InvalidArgumentError);
    expect(parseInteger('--n', '9007199254740991', { min: 0, max: Number.MAX_SAFE_INTEGER })).toBe(Number.MAX_SAFE_INTEGER);
  });
});
