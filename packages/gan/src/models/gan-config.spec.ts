import { InvalidArgumentError } from '@bigmodel/core';

import { resolveGanConfig, type GanConfig } from './gan-config';

function parameterOf(config: GanConfig): string | undefined {
  try {
    resolveGanConfig(config);
  } catch (error) {
    if (InvalidArgumentError.isInstance(error)) return error.parameter;
    throw error;
  }
  return undefined;
}

describe('resolveGanConfig', () => {
  it('fills the paper defaults, per kind', () => {
    expect(resolveGanConfig({})).toEqual(expect.objectContaining({ kind: 'dcgan', imageShape: [28, 28, 1], nz: 100, depth: 2, lr: 2e-4, beta1: 0.5, beta2: 0.999, criticSteps: 1 }));
    expect(resolveGanConfig({ kind: 'wgan-gp' })).toEqual(expect.objectContaining({ lr: 1e-4, beta1: 0.5, beta2: 0.9, criticSteps: 5, gradientPenalty: 10 }));
    expect(resolveGanConfig({ imageShape: [32, 32, 3] }).depth).toBe(3);
    // One rate for both networks unless each is given; batch norm in the discriminator but not in the critic.
    expect(resolveGanConfig({ lr: 3e-4 })).toEqual(expect.objectContaining({ generatorLr: 3e-4, discriminatorLr: 3e-4, discriminatorNormalization: 'batch' }));
    expect(resolveGanConfig({ lr: 3e-4, discriminatorLr: 1e-4 })).toEqual(expect.objectContaining({ generatorLr: 3e-4, discriminatorLr: 1e-4 }));
    expect(resolveGanConfig({ kind: 'wgan-gp' }).discriminatorNormalization).toBe('none');
  });

  it('names the parameter of every bad value', () => {
    expect(parameterOf({ nz: 0 })).toBe('nz');
    expect(parameterOf({ nz: -3 })).toBe('nz');
    expect(parameterOf({ ngf: 1.5 })).toBe('ngf');
    expect(parameterOf({ depth: 3 })).toBe('depth'); // 28 is not divisible by 8
    expect(parameterOf({ imageShape: [32, 32, 3], depth: 5 })).toBe('depth'); // a 1x1 start
    expect(parameterOf({ imageShape: [28, 28] as never })).toBe('imageShape');
    expect(parameterOf({ imageShape: [28, 28, 2] })).toBe('imageShape');
    expect(parameterOf({ imageShape: [28, 32, 1] })).toBe('imageShape');
    expect(parameterOf({ kind: 'vae' as never })).toBe('kind');
    expect(parameterOf({ labelSmoothing: 0.7 })).toBe('labelSmoothing');
    expect(parameterOf({ beta1: 1 })).toBe('beta1');
    expect(parameterOf({ kind: 'cgan', classes: 1 })).toBe('classes');
    expect(parameterOf({ generatorLr: 0 })).toBe('generatorLr');
    expect(parameterOf({ discriminatorLr: 2 })).toBe('discriminatorLr');
    expect(parameterOf({ discriminatorNormalization: 'layer' as never })).toBe('discriminatorNormalization');
    expect(parameterOf({ kind: 'wgan-gp', discriminatorNormalization: 'batch' })).toBe('discriminatorNormalization');
  });

  it('explains an incompatible image size and depth', () => {
    expect(() => resolveGanConfig({ depth: 3 })).toThrow(/Image size 28 is not compatible with generator depth 3.*try depth 2/);
  });
});
