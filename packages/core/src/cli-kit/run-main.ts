import { processIo, type CliIo } from './cli-io';

/**
 * Runs a bin's `main(argv, io)` on the process's arguments and exits with its status. A server
 * (`serve: true`) keeps running after `main` resolves 0.
 *
 * @example
 * ```ts
 * if (require.main === module) runMain(main);
 * ```
 * @category CLI
 */
export function runMain(main: (argv: string[], io: CliIo) => Promise<number>, { serve = false }: { serve?: boolean } = {}): void {
  main(process.argv.slice(2), processIo()).then(
    (code) => {
      process.exitCode = code;
      if (code !== 0 || !serve) process.exit(code);
    },
    (error: unknown) => {
      process.stderr.write(`${String(error)}\n`);
      process.exit(1);
    },
  );
}
