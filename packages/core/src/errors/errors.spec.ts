import { BackendError, BigModelError, InvalidArgumentError, NumericalError, ShapeError } from '.';

describe('errors', () => {
  it('share one root and keep stable names', () => {
    const errors = [
      new InvalidArgumentError({ parameter: 'batchSize', value: 0, message: 'Must be a positive integer.' }),
      new ShapeError({ parameter: 'x', expected: 'rank 4', actual: [2, 3] }),
      new BackendError({ backend: 'node', message: 'cannot load.' }),
      new NumericalError({ quantity: 'loss', value: NaN, step: 7 }),
    ];
    expect(errors.map((e) => e.name)).toEqual(['InvalidArgumentError', 'ShapeError', 'BackendError', 'NumericalError']);
    for (const e of errors) {
      expect(e).toBeInstanceOf(BigModelError);
      expect(BigModelError.isInstance(e)).toBe(true);
    }
    expect(InvalidArgumentError.isInstance(errors[1])).toBe(false);
    expect(BigModelError.isInstance(new Error('plain'))).toBe(false);
  });

  it('name the parameter, the value and what was expected', () => {
    expect(new InvalidArgumentError({ parameter: 'lr', value: -1, message: 'Must be > 0.' }).message).toBe(
      'Invalid argument for lr: -1. Must be > 0.',
    );
    expect(new ShapeError({ parameter: 'x', expected: 'NHWC', actual: [1, 3, 28, 28] }).message).toBe(
      'Shape error in x: expected NHWC, got [1,3,28,28].',
    );
    expect(new NumericalError({ quantity: 'loss', value: Infinity, step: 12 }).message).toMatch(/^loss is Infinity at step 12\./);
  });

  it('are recognised across duplicate installs of the package', () => {
    let Other: typeof ShapeError | undefined;
    jest.isolateModules(() => {
      Other = (require('./shape-error') as typeof import('./shape-error')).ShapeError;
    });
    expect(Other).toBeDefined();
    expect(Other).not.toBe(ShapeError);
    const foreign = new Other!({ parameter: 'x', expected: 'rank 2', actual: [1] });
    expect(foreign instanceof ShapeError).toBe(false);
    expect(ShapeError.isInstance(foreign)).toBe(true);
    expect(BigModelError.isInstance(foreign)).toBe(true);
  });
});
