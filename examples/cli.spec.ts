import { InvalidArgumentError, type CliIo } from '@bigmodel/core';

import { choiceListOption, countOption, exampleMain, exampleProgram, integerListOption, outOption, seedOption } from './cli';

/** An io whose streams are captured. */
function captureIo(): CliIo & { out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return {
    stdout: { write: (s: string) => (out += s) },
    stderr: { write: (s: string) => (err += s) },
    out: () => out,
    err: () => err,
  };
}

/** A toy example: `--steps` (default 20,000), `--seed`, `--out`, `--sizes`, `--strategies`; records what it ran with. */
function toy(run: (flags: Record<string, unknown>) => unknown = () => undefined) {
  const calls: Record<string, unknown>[] = [];
  const main = exampleMain(
    () =>
      exampleProgram('toy/run.ts', 'A toy example.')
        .addOption(countOption('--steps <n>', 'environment steps', 20_000))
        .addOption(seedOption())
        .addOption(outOption('run directory', 'runs/toy'))
        .addOption(integerListOption('--sizes <list>', 'sizes', { min: 1, max: 100 }))
        .addOption(choiceListOption('--strategies <list>', 'strategies', ['head', 'full', 'scratch'])),
    async (flags: Record<string, unknown>, print) => {
      calls.push(flags);
      await run(flags);
      print(`ran ${String(flags['steps'])}`);
    },
  );
  return { main, calls };
}

describe('examples/cli', () => {
  it('runs with the defaults and prints to stdout, leaving --debug out of the flags', async () => {
    const { main, calls } = toy();
    const io = captureIo();
    expect(await main(['--seed', '7', '--debug'], io)).toBe(0);
    expect(calls).toEqual([{ steps: 20_000, seed: 7, out: 'runs/toy' }]);
    expect(io.out()).toBe('ran 20000\n');
    expect(io.err()).toBe('');
  });

  it('--help shows the usage, each flag with its default and range, and runs nothing', async () => {
    const { main, calls } = toy();
    const io = captureIo();
    expect(await main(['--help'], io)).toBe(0);
    expect(calls).toEqual([]);
    expect(io.out()).toMatch(/^Usage: npx ts-node -T examples\/toy\/run\.ts \[options\]/);
    expect(io.out()).toContain('--steps <n>');
    expect(io.out()).toMatch(/environment steps; an integer in \[1, 1000000000\]\s+\(default: 20000\)/);
    expect(io.out()).toContain('(default: "runs/toy")');
  });

  it('refuses an unknown flag with exit status 2, suggesting the nearest one, before running anything', async () => {
    const { main, calls } = toy();
    const io = captureIo();
    expect(await main(['--sed', '1'], io)).toBe(2);
    expect(calls).toEqual([]);
    expect(io.err()).toBe('UsageError: unknown flag --sed; did you mean --seed? (see npx ts-node -T examples/toy/run.ts --help)\n');
  });

  it('refuses a bad value with exit status 2 and one line naming the flag and the value (no stack trace)', async () => {
    const { main, calls } = toy();
    for (const [argv, flag, value] of [
      [['--steps', '5e4'], '--steps', '5e4'],
      [['--steps', '0'], '--steps', '0'],
      [['--seed', '-1'], '--seed', '-1'],
      [['--sizes', '10,,20'], '--sizes', '10,,20'],
      [['--sizes', '10,200'], '--sizes', '200'],
      [['--strategies', 'head,ful'], '--strategies', 'ful'],
    ]) {
      const io = captureIo();
      expect(await main(argv as string[], io)).toBe(2);
      expect(io.err()).toMatch(new RegExp(`^InvalidArgumentError: .*${flag}.*${value}`));
      expect(io.err().trim().split('\n')).toHaveLength(1);
    }
    expect(calls).toEqual([]);
  });

  it('suggests the nearest choice of a list flag', () => {
    const { main } = toy();
    expect(() => main.parse(['--strategies', 'head,ful'])).toThrow('Did you mean full?');
    try {
      main.parse(['--strategies', 'scratch,hed']);
    } catch (error) {
      expect(InvalidArgumentError.isInstance(error) && error.parameter).toBe('--strategies');
    }
  });

  it('parses lists, and parse() fills in the defaults without running', () => {
    const { main, calls } = toy();
    expect(main.parse(['--sizes', '100,1', '--strategies', 'full,head'])).toEqual({
      steps: 20_000,
      seed: 0,
      out: 'runs/toy',
      sizes: [100, 1],
      strategies: ['full', 'head'],
    });
    expect(calls).toEqual([]);
  });

  it('reports a failure while running as one line with exit status 1, the stack only with --debug', async () => {
    const fail = () => {
      throw new Error('the disk is full');
    };
    const io = captureIo();
    expect(await toy(fail).main([], io)).toBe(1);
    expect(io.err()).toBe('Error: the disk is full (unexpected: rerun with --debug for the stack trace, and please report it)\n');
    const debug = captureIo();
    expect(await toy(fail).main(['--debug'], debug)).toBe(1);
    expect(debug.err()).toMatch(/^Error: the disk is full\nError: the disk is full\n {4}at /);
  });
});
