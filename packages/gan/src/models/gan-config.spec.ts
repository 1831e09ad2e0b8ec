import { InvalidArgumentError } from '@bigmodel/core';

import { MAX_GAN_WIDTH, resolveGanConfig, type GanConfig } from './gan-config';

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
    expect(resolveGanConfig({})).toEqual(
      expect.objectContaining({
        kind: 'dcgan',
        imageShape: [28, 28, 1],
        nz: 100,
        depth: 2,
        lr: 2e-4,
        beta1: 0.5,
        beta2: 0.999,
        criticSteps: 1,
      }),
    );
    expect(resolveGanConfig({ kind: 'wgan-gp' })).toEqual(
      expect.objectContaining({ lr: 1e-4, beta1: 0.5, beta2: 0.9, criticSteps: 5, gradientPenalty: 10 }),
    );
    expect(resolveGanConfig({ imageShape: [32, 32, 3] }).depth).toBe(3);
    // One rate for both networks unless each is given; batch norm in the discriminator but not in the critic.
    expect(resolveGanConfig({ lr: 3e-4 })).toEqual(
      expect.objectContaining({ generatorLr: 3e-4, discriminatorLr: 3e-4, discriminatorNormalization: 'batch' }),
    );
    expect(resolveGanConfig({ lr: 3e-4, discriminatorLr: 1e-4 })).toEqual(
      expect.objectContaining({ generatorLr: 3e-4, discriminatorLr: 1e-4 }),
    );
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

  it.each<[GanConfig, string, string]>([
    [{ ngf: 100_000 }, 'ngf', 'Invalid argument for ngf: 100000. Must be at most 1024.'],
    [{ ndf: 100_000 }, 'ndf', 'Invalid argument for ndf: 100000. Must be at most 1024.'],
    [{ ngf: 1025 }, 'ngf', 'Must be at most 1024.'],
    [{ nz: 100_000 }, 'nz', 'Invalid argument for nz: 100000. Must be at most 4096.'],
    [{ nz: 4097 }, 'nz', 'Must be at most 4096.'],
    [
      { imageShape: [20_000, 20_000, 1] },
      'imageShape',
      'Invalid argument for imageShape: [20000,20000,1]. Image height and width must be at most 1024.',
    ],
    [{ imageShape: [2048, 2048, 3] }, 'imageShape', 'at most 1024'],
    // 1024 = 4 * 2^8: the default depth 8 doubles the width 7 times (ngf 128: 16384 channels, the most allowed)
    [
      { imageShape: [1024, 1024, 3], ngf: 256 },
      'ngf',
      'With depth 8 the widest layer would have ngf * 2^7 = 32768 channels; at most 16384',
    ],
    [{ imageShape: [1024, 1024, 3], ndf: 1024 }, 'ndf', 'ndf * 2^7 = 131072 channels; at most 16384'],
    [{ imageShape: [1024, 1024, 3], depth: 9, ngf: 128 }, 'ngf', 'ngf * 2^8 = 32768 channels'],
    [{ kind: 'cgan', classes: 1e9 }, 'classes', 'Invalid argument for classes: 1000000000. Must be at most 10000.'],
    // (4096 + 0) * 7 * 7 * (1024 * 2) = 411,041,792 > 2^28
    [{ nz: 4096, ngf: 1024 }, 'ngf', "the generator's projection would hold 411041792 weights; at most 268435456 (2^28)"],
    // 1024 = 4 * 2^8: 100 * 4 * 4 * (128 * 2^7) = 26,214,400 is fine; nz 4096 makes it 1,073,741,824
    [{ imageShape: [1024, 1024, 3], ngf: 128, nz: 4096 }, 'ngf', 'would hold 1073741824 weights'],
  ])('refuses the oversized %j naming %s, before building anything', (config, parameter, message) => {
    const started = Date.now();
    let caught: unknown;
    try {
      resolveGanConfig(config);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(InvalidArgumentError);
    expect((caught as InvalidArgumentError).parameter).toBe(parameter);
    expect((caught as Error).message).toContain(message);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('accepts the largest sizes the limits allow, and the DCGAN paper and example sizes', () => {
    expect(MAX_GAN_WIDTH).toBe(1024);
    expect(parameterOf({ ngf: 1024, ndf: 1024, nz: 2048 })).toBeUndefined(); // 2048 * 49 * 2048 = 205,520,896 weights
    expect(parameterOf({ ngf: 512, ndf: 1024, nz: 4096 })).toBeUndefined();
    expect(parameterOf({ kind: 'cgan', classes: 10_000 })).toBeUndefined();
    expect(parameterOf({ imageShape: [1024, 1024, 3], ngf: 128, ndf: 128 })).toBeUndefined();
    expect(parameterOf({ imageShape: [1024, 1024, 3], depth: 9, ngf: 64, ndf: 64 })).toBeUndefined();
    expect(parameterOf({ imageShape: [64, 64, 3], ngf: 64, ndf: 64, nz: 100 })).toBeUndefined(); // Radford et al.
    expect(parameterOf({ imageShape: [32, 32, 3], ngf: 128, ndf: 128 })).toBeUndefined();
  });

  it('checks PacGAN packing and the minibatch-stddev group size against the batch', () => {
    expect(resolveGanConfig({})).toEqual(expect.objectContaining({ discriminatorPacking: 1, minibatchStddev: 0 }));
    expect(resolveGanConfig({ minibatchStddev: true }).minibatchStddev).toBe(4); // ProGAN's group size
    expect(resolveGanConfig({ minibatchStddev: false }).minibatchStddev).toBe(0);
    expect(resolveGanConfig({ discriminatorPacking: 4, minibatchStddev: 16 })).toEqual(
      expect.objectContaining({ discriminatorPacking: 4, minibatchStddev: 16 }),
    );
    expect(parameterOf({ discriminatorPacking: 0 })).toBe('discriminatorPacking');
    expect(parameterOf({ discriminatorPacking: 5 })).toBe('discriminatorPacking');
    expect(parameterOf({ discriminatorPacking: 1.5 })).toBe('discriminatorPacking');
    expect(parameterOf({ discriminatorPacking: 3 })).toBe('discriminatorPacking'); // 3 does not divide 64
    expect(() => resolveGanConfig({ discriminatorPacking: 3 })).toThrow(/divide batchSize \(64\)/);
    expect(parameterOf({ discriminatorPacking: 3, batchSize: 63 })).toBeUndefined();
    expect(parameterOf({ minibatchStddev: 1 })).toBe('minibatchStddev');
    expect(parameterOf({ minibatchStddev: -2 })).toBe('minibatchStddev');
    expect(parameterOf({ minibatchStddev: 2.5 })).toBe('minibatchStddev');
    expect(parameterOf({ minibatchStddev: 'yes' as never })).toBe('minibatchStddev');
    expect(parameterOf({ minibatchStddev: 5 })).toBe('minibatchStddev'); // 5 does not divide 64
    expect(parameterOf({ discriminatorPacking: 4, minibatchStddev: 32 })).toBe('minibatchStddev'); // the discriminator sees 16 packs
    expect(parameterOf({ kind: 'wgan-gp', discriminatorPacking: 2 })).toBe('discriminatorPacking');
    expect(parameterOf({ kind: 'wgan-gp', minibatchStddev: 4 })).toBe('minibatchStddev');
    expect(parameterOf({ kind: 'cgan', discriminatorPacking: 2, minibatchStddev: true })).toBeUndefined();
  });

  it('explains an incompatible image size and depth', () => {
    expect(() => resolveGanConfig({ depth: 3 })).toThrow(/Image size 28 is not compatible with generator depth 3.*try depth 2/);
  });
});
