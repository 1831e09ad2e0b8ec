/**
 * Something a CLI writes text to: `process.stdout`, `process.stderr`, or a test's capture.
 *
 * @category CLI
 */
export interface CliStream {
  write(text: string): unknown;
  /** True on a terminal: progress bars redraw in place. */
  isTTY?: boolean;
}

/**
 * Where a command-line program writes: results to `stdout`, progress and errors to `stderr`.
 * Bins take it as an argument so that tests can run them in-process and read what they print.
 *
 * @category CLI
 */
export interface CliIo {
  stdout: CliStream;
  stderr: CliStream;
}

/**
 * The process's own streams.
 *
 * @category CLI
 */
export function processIo(): CliIo {
  return { stdout: process.stdout, stderr: process.stderr };
}
