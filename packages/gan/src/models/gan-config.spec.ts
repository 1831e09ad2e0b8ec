import { InvalidArgumentError } from '@bigmodel/core';

import { MAX_GAN_WIDTH, resolveGanConfig, type GanConfig } from './gan-config';

/** The InvalidArgumentError that resolving `config` throws. */
function errorOf(config: GanConfig): InvalidArgumentError {
  try {
    resolveGanConfig(config);
  } catch (error) {
    if (InvalidArgumentError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('resolveGanConfig accepted the config');
}

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
        learningRate: 2e-4,
        beta1: 0.5,
        beta2: 0.999,
        criticSteps: 1,
      }),
    );
    expect(resolveGanConfig({ kind: 'wgan-gp' })).toEqual(
      expect.objectContaining({ learningRate: 1e-4, beta1: 0.5, beta2: 0.9, criticSteps: 5, gradientPenalty: 10 }),
    );
    expect(resolveGanConfig({ imageShape: [32, 32, 3] }).depth).toBe(3);
    // One rate for both networks unless each is given; batch norm in the discriminator but not in the critic.
    expect(resolveGanConfig({ learningRate: 3e-4 })).toEqual(
      expect.objectContaining({ generatorLearningRate: 3e-4, discriminatorLearningRate: 3e-4, discriminatorNormalization: 'batch' }),
    );
    expect(resolveGanConfig({ learningRate: 3e-4, discriminatorLearningRate: 1e-4 })).toEqual(
      expect.objectContaining({ generatorLearningRate: 3e-4, discriminatorLearningRate: 1e-4 }),
    );
    expect(resolveGanConfig({ kind: 'wgan-gp' }).discriminatorNormalization).toBe('none');
  });

  it('names the path of every bad value', () => {
    expect(parameterOf({ nz: 0 })).toBe('GanConfig.nz');
    expect(parameterOf({ nz: -3 })).toBe('GanConfig.nz');
    expect(parameterOf({ ngf: 1.5 })).toBe('GanConfig.ngf');
    expect(parameterOf({ depth: 3 })).toBe('GanConfig.depth'); // 28 is not divisible by 8
    expect(parameterOf({ imageShape: [32, 32, 3], depth: 5 })).toBe('GanConfig.depth'); // a 1x1 start
    expect(parameterOf({ imageShape: [28, 28] as never })).toBe('GanConfig.imageShape');
    expect(parameterOf({ imageShape: [28, 28, 2] as never })).toBe('GanConfig.imageShape[2]');
    expect(parameterOf({ imageShape: [28, 32, 1] })).toBe('GanConfig.imageShape');
    expect(parameterOf({ kind: 'vae' as never })).toBe('GanConfig.kind');
    expect(parameterOf({ labelSmoothing: 0.7 })).toBe('GanConfig.labelSmoothing');
    expect(parameterOf({ beta1: 1 })).toBe('GanConfig.beta1');
    expect(parameterOf({ kind: 'cgan', classes: 1 })).toBe('GanConfig.classes');
    expect(parameterOf({ generatorLearningRate: 0 })).toBe('GanConfig.generatorLearningRate');
    expect(parameterOf({ discriminatorLearningRate: 2 })).toBe('GanConfig.discriminatorLearningRate');
    expect(parameterOf({ discriminatorNormalization: 'layer' as never })).toBe('GanConfig.discriminatorNormalization');
    expect(parameterOf({ kind: 'wgan-gp', discriminatorNormalization: 'batch' })).toBe('GanConfig.discriminatorNormalization');
  });

  it('reports the path, the value and what was expected in one error', () => {
    const error = errorOf({ generatorEma: 1 });
    expect([error.parameter, error.value]).toEqual(['GanConfig.generatorEma', 1]);
    expect(error.message).toMatch(
      /^Invalid argument for GanConfig\.generatorEma: 1\. Too big: expected number to be <1\. Decay of an exponential/,
    );
    const channels = errorOf({ imageShape: [28, 28, 2] as never });
    expect([channels.parameter, channels.value]).toEqual(['GanConfig.imageShape[2]', 2]);
    expect(channels.message).toContain('Channels must be 1 (gray) or 3 (RGB).');
    expect(errorOf({ nz: '100' as never }).message).toContain('expected number, received string');
  });

  it('refuses a misspelt key, suggesting the nearest known one', () => {
    const error = errorOf({ batchSze: 32 } as never);
    expect([error.parameter, error.value]).toEqual(['GanConfig.batchSze', 32]);
    expect(error.message).toBe('Invalid argument for GanConfig.batchSze: 32. Unknown key; did you mean "batchSize"?');
    expect(errorOf({ learningRte: 1e-3 } as never).message).toContain('did you mean "learningRate"?');
    expect(errorOf({ generatorEMA: 0.999 } as never).message).toContain('did you mean "generatorEma"?');
    // Reported before the field that then looks missing or wrong.
    expect(errorOf({ kind: 'vae', batchSise: 32 } as never).parameter).toBe('GanConfig.batchSise');
  });

  it('takes lr, generatorLr and discriminatorLr as deprecated aliases, checked by the rules of the new names, not both spellings', () => {
    const old = resolveGanConfig({ lr: 3e-4, discriminatorLr: 1e-4 });
    expect(old).toEqual(expect.objectContaining({ learningRate: 3e-4, generatorLearningRate: 3e-4, discriminatorLearningRate: 1e-4 }));
    expect(old).not.toHaveProperty('lr');
    expect(resolveGanConfig({ generatorLr: 1e-3 }).generatorLearningRate).toBe(1e-3);
    const zero = errorOf({ generatorLr: 0 });
    expect([zero.parameter, zero.value]).toEqual(['GanConfig.generatorLearningRate', 0]);
    const both = errorOf({ lr: 1e-4, learningRate: 2e-4 });
    expect([both.parameter, both.value]).toEqual(['GanConfig.lr', 1e-4]);
    expect(both.message).toContain('"lr" is the deprecated name of "learningRate"; give only "learningRate".');
  });

  it('reads a config saved before the rename (a resolved config with lr, generatorLr, discriminatorLr) as the same config', () => {
    const saved = JSON.parse(JSON.stringify(resolveGanConfig({ kind: 'wgan-gp', generatorLearningRate: 1e-3 }))) as Record<string, unknown>;
    const { learningRate, generatorLearningRate, discriminatorLearningRate, ...rest } = saved;
    const before = { ...rest, lr: learningRate, generatorLr: generatorLearningRate, discriminatorLr: discriminatorLearningRate };
    expect(resolveGanConfig(before as GanConfig)).toEqual(saved);
  });

  it.each<[GanConfig, string, string]>([
    [{ ngf: 100_000 }, 'GanConfig.ngf', 'Invalid argument for GanConfig.ngf: 100000. Too big: expected number to be <=1024.'],
    [{ ndf: 100_000 }, 'GanConfig.ndf', 'Invalid argument for GanConfig.ndf: 100000. Too big: expected number to be <=1024.'],
    [{ ngf: 1025 }, 'GanConfig.ngf', 'expected number to be <=1024.'],
    [{ nz: 100_000 }, 'GanConfig.nz', 'Invalid argument for GanConfig.nz: 100000. Too big: expected number to be <=4096.'],
    [{ nz: 4097 }, 'GanConfig.nz', 'expected number to be <=4096.'],
    [
      { imageShape: [20_000, 20_000, 1] },
      'GanConfig.imageShape[0]',
      'Invalid argument for GanConfig.imageShape[0]: 20000. Too big: expected number to be <=1024.',
    ],
    [{ imageShape: [2048, 2048, 3] }, 'GanConfig.imageShape[0]', 'expected number to be <=1024'],
    // 1024 = 4 * 2^8: the default depth 8 doubles the width 7 times (ngf 128: 16384 channels, the most allowed)
    [
      { imageShape: [1024, 1024, 3], ngf: 256 },
      'GanConfig.ngf',
      'With depth 8 the widest layer would have ngf * 2^7 = 32768 channels; at most 16384',
    ],
    [{ imageShape: [1024, 1024, 3], ndf: 1024 }, 'GanConfig.ndf', 'ndf * 2^7 = 131072 channels; at most 16384'],
    [{ imageShape: [1024, 1024, 3], depth: 9, ngf: 128 }, 'GanConfig.ngf', 'ngf * 2^8 = 32768 channels'],
    [
      { kind: 'cgan', classes: 1e9 },
      'GanConfig.classes',
      'Invalid argument for GanConfig.classes: 1000000000. Too big: expected number to be <=10000.',
    ],
    // (4096 + 0) * 7 * 7 * (1024 * 2) = 411,041,792 > 2^28
    [{ nz: 4096, ngf: 1024 }, 'GanConfig.ngf', "the generator's projection would hold 411041792 weights; at most 268435456 (2^28)"],
    // 1024 = 4 * 2^8: 100 * 4 * 4 * (128 * 2^7) = 26,214,400 is fine; nz 4096 makes it 1,073,741,824
    [{ imageShape: [1024, 1024, 3], ngf: 128, nz: 4096 }, 'GanConfig.ngf', 'would hold 1073741824 weights'],
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
    expect(parameterOf({ discriminatorPacking: 0 })).toBe('GanConfig.discriminatorPacking');
    expect(parameterOf({ discriminatorPacking: 5 })).toBe('GanConfig.discriminatorPacking');
    expect(parameterOf({ discriminatorPacking: 1.5 })).toBe('GanConfig.discriminatorPacking');
    expect(parameterOf({ discriminatorPacking: 3 })).toBe('GanConfig.discriminatorPacking'); // 3 does not divide 64
    expect(() => resolveGanConfig({ discriminatorPacking: 3 })).toThrow(/divide batchSize \(64\)/);
    expect(parameterOf({ discriminatorPacking: 3, batchSize: 63 })).toBeUndefined();
    expect(parameterOf({ minibatchStddev: 1 })).toBe('GanConfig.minibatchStddev');
    expect(parameterOf({ minibatchStddev: -2 })).toBe('GanConfig.minibatchStddev');
    expect(parameterOf({ minibatchStddev: 2.5 })).toBe('GanConfig.minibatchStddev');
    expect(parameterOf({ minibatchStddev: 'yes' as never })).toBe('GanConfig.minibatchStddev');
    expect(parameterOf({ minibatchStddev: 5 })).toBe('GanConfig.minibatchStddev'); // 5 does not divide 64
    expect(parameterOf({ discriminatorPacking: 4, minibatchStddev: 32 })).toBe('GanConfig.minibatchStddev'); // the discriminator sees 16 packs
    expect(parameterOf({ kind: 'wgan-gp', discriminatorPacking: 2 })).toBe('GanConfig.discriminatorPacking');
    expect(parameterOf({ kind: 'wgan-gp', minibatchStddev: 4 })).toBe('GanConfig.minibatchStddev');
    expect(parameterOf({ kind: 'cgan', discriminatorPacking: 2, minibatchStddev: true })).toBeUndefined();
  });

  it('explains an incompatible image size and depth', () => {
    expect(() => resolveGanConfig({ depth: 3 })).toThrow(/Image size 28 is not compatible with generator depth 3.*try depth 2/);
  });
});
