import { FileFormatError, InvalidArgumentError } from '../errors';
import { cliAction, cliProgram, integerOption, nearestName, numberOption, choiceOption, parseInteger, runCli, type CliIo } from '.';

/** A captured io: what the program printed to stdout and stderr. */
function capture(): CliIo & { out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return { stdout: { write: (s: string) => (out += s) }, stderr: { write: (s: string) => (err += s) }, out: () => out, err: () => err };
}

/** A toy bin: `toy train <kind> --steps N [--seed S] [--lr X] [--mode a|b]`, and `toy fail`. */
function toy(ran: unknown[]) {
  const program = cliProgram('toy', 'A toy program.');
  cliAction(
    program
      .command('train')
      .description('trains')
      .argument('<kind>', 'what to train')
      .addOption(integerOption('--steps <n>', 'steps', { min: 1, max: 1000 }).makeOptionMandatory())
      .addOption(integerOption('--seed <n>', 'seed', { min: 0, max: 2 ** 32 - 1 }, 0))
      .addOption(numberOption('--lr <x>', 'learning rate', { min: 0, max: 1, minExclusive: true }, 0.1))
      .addOption(choiceOption('--mode <m>', 'mode', ['alpha', 'beta'], 'alpha'))
      .examples(['toy train a --steps 10']),
    ({ args, options }) => {
      if (args[0] === 'bad') throw new InvalidArgumentError({ parameter: 'kind', value: args[0], message: 'Not that one.' });
      return { kind: args[0], ...options };
    },
    (plan) => void ran.push(plan),
  );
  cliAction(
    program.command('fail'),
    () => undefined,
    () => {
      throw new FileFormatError({ path: 'x.json', problem: 'is empty' });
    },
  );
  cliAction(
    program.command('crash'),
    () => undefined,
    () => {
      throw new TypeError('boom');
    },
  );
  return program;
}

async function run(...argv: string[]) {
  const io = capture();
  const ran: unknown[] = [];
  const code = await runCli(toy(ran), argv, io);
  return { code, out: io.out(), err: io.err(), ran };
}

describe('cli-kit', () => {
  it('runs a valid command with parsed numbers and defaults', async () => {
    const r = await run('train', 'a', '--steps', '500', '--lr', '5e-1');
    expect(r).toMatchObject({ code: 0, err: '' });
    expect(r.ran).toEqual([{ kind: 'a', steps: 500, seed: 0, lr: 0.5, mode: 'alpha' }]);
  });

  it('generates help listing subcommands, flags with ranges and defaults, and examples (exit 0)', async () => {
    const top = await run('--help');
    expect(top.code).toBe(0);
    expect(top.out).toMatch(/train \[options\] <kind>\s+trains/);
    expect(top.out).toContain('--debug');
    const sub = await run('train', '--help');
    expect(sub.code).toBe(0);
    expect(sub.out).toContain('--seed <n>');
    expect(sub.out).toContain('seed; an integer in [0, 4294967295] (default: 0)');
    expect(sub.out).toContain('learning rate; a number in (0, 1] (default: 0.1)');
    expect(sub.out).toContain('(choices: "alpha", "beta", default: "alpha")');
    expect(sub.out).toContain('$ toy train a --steps 10');
    expect((await run()).out).toContain('Usage: toy [options] [command]');
  });

  it.each([
    [['train', 'a', '--steps', '5', '--sed', '1'], 'UsageError: unknown flag --sed; did you mean --seed? (see toy train --help)'],
    [['train', 'a', '--stpes', '5'], 'UsageError: unknown flag --stpes; did you mean --steps? (see toy train --help)'],
    [['trian'], 'UsageError: unknown command trian; did you mean train? (commands: train, fail, crash)'],
    [['train', 'a'], 'UsageError: flag --steps is required'],
    [['train', 'a', '--steps'], 'UsageError: flag --steps needs a value'],
    [['train', '--steps', '5'], 'UsageError: missing argument <kind>'],
    [['train', 'a', 'b', '--steps', '5'], 'UsageError: too many arguments'],
    [['train', 'a', '--steps', '1e300'], 'InvalidArgumentError: Invalid argument for --steps: "1e300". Must be an integer in [1, 1000].'],
    [['train', 'a', '--steps', '5e2'], 'Invalid argument for --steps: "5e2". Must be an integer in [1, 1000]. Write it as decimal digits'],
    [['train', 'a', '--steps', '0x10'], 'Invalid argument for --steps: "0x10"'],
    [['train', 'a', '--steps', ' 5'], 'Invalid argument for --steps: " 5"'],
    [['train', 'a', '--steps', '0'], 'Invalid argument for --steps: "0"'],
    [['train', 'a', '--steps', '2.5'], 'Invalid argument for --steps: "2.5"'],
    [['train', 'a', '--steps', ''], 'Invalid argument for --steps: ""'],
    [['train', 'a', '--steps', '5', '--seed', '99999999999999999999'], 'Invalid argument for --seed: "99999999999999999999"'],
    [['train', 'a', '--steps', '5', '--seed', '-1'], 'Invalid argument for --seed: "-1"'],
    [['train', 'a', '--steps', '5', '--lr', '0'], 'Invalid argument for --lr: "0". Must be a number in (0, 1].'],
    [['train', 'a', '--steps', '5', '--lr', 'NaN'], 'Invalid argument for --lr: "NaN"'],
    [
      ['train', 'a', '--steps', '5', '--mode', 'alpah'],
      'Invalid argument for --mode: "alpah". Must be one of alpha, beta. Did you mean alpha?',
    ],
    [['train', 'bad', '--steps', '5'], 'Invalid argument for kind: "bad". Not that one.'],
  ])('refuses %j with exit 2, one line, nothing run', async (argv, message) => {
    const r = await run(...argv);
    expect(r.code).toBe(2);
    expect(r.err).toContain(message);
    expect(r.err.trim().split('\n')).toHaveLength(1);
    expect(r.out).toBe('');
    expect(r.ran).toEqual([]);
  });

  it('exits 1 on a runtime failure: a typed error in one line, its stack only with --debug', async () => {
    const failed = await run('fail');
    expect(failed.code).toBe(1);
    expect(failed.err).toBe('FileFormatError: x.json is empty.\n');
    const debug = await run('fail', '--debug');
    expect(debug.code).toBe(1);
    expect(debug.err.split('\n')[0]).toBe('FileFormatError: x.json is empty.');
    expect(debug.err).toMatch(/\n\s+at /);
    const usage = await run('train', 'a', '--debug'); // --debug is known everywhere: not taken for a misspelt flag
    expect(usage.code).toBe(2);
    expect(usage.err.split('\n')[0]).toBe('UsageError: flag --steps is required (see toy train --help)');
    const crash = await run('crash');
    expect(crash.code).toBe(1);
    expect(crash.err).toMatch(/^TypeError: boom \(unexpected: rerun with --debug/);
    expect(crash.err).not.toMatch(/\n\s+at /);
  });

  it('suggests the nearest name only when it is close', () => {
    expect(nearestName('--sed', ['--seed', '--out', '--help'])).toBe('--seed');
    expect(nearestName('--ephocs', ['--epochs', '--seed'])).toBe('--epochs');
    expect(nearestName('--frobnicate', ['--seed', '--out'])).toBeUndefined();
    expect(parseInteger('--n', '12', { min: 1, max: 20 })).toBe(12);
    expect(() => parseInteger('--n', '0x', { min: 1, max: 20 })).toThrow(InvalidArgumentError);
  });
});
