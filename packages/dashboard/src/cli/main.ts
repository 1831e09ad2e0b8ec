#!/usr/bin/env node
/**
 * bigmodel-dashboard: serves the live dashboard over a runs directory.
 *
 *   bigmodel-dashboard [RUNS_DIR] [--port N] [--host ADDRESS]
 */
import { existsSync, statSync } from 'node:fs';

import {
  cliAction,
  cliProgram,
  FileFormatError,
  integerOption,
  InvalidArgumentError,
  markRefusedEarly,
  processIo,
  runCli,
  runMain,
  type CliIo,
} from '@bigmodel/core';

import { startDashboard, type Dashboard } from '../start-dashboard';

/** The `bigmodel-dashboard` program, writing to `io`; `onStart` receives the running dashboard. */
export function dashboardProgram(io: CliIo, onStart: (dashboard: Dashboard) => void = () => undefined) {
  const program = cliProgram(
    'bigmodel-dashboard',
    'Serves a page that charts the metrics (metrics.jsonl) of every run under RUNS_DIR, live as runs write them.',
  )
    .argument('[runs-dir]', 'the directory of runs', 'runs')
    .addOption(integerOption('--port <n>', 'port to listen on (0: any free port)', { min: 0, max: 65_535 }, 0))
    .option('--host <address>', 'interface to listen on (127.0.0.1: this machine only)', '127.0.0.1')
    .addHelpText('after', '\nExit status: 0 serving (until Ctrl-C), 1 failed while starting, 2 usage error.\n')
    .examples(['bigmodel-dashboard runs/', 'bigmodel-dashboard runs/ --port 8080 --host 0.0.0.0']);
  cliAction(
    program,
    ({ args, options }) => {
      const runsDir = args[0];
      if (!existsSync(runsDir) || !statSync(runsDir).isDirectory()) {
        throw new FileFormatError({
          path: runsDir,
          problem: 'is not a directory',
          hint: 'Give the directory your runs write to (each run a subfolder with metrics.jsonl).',
        });
      }
      return { runsDir, port: options['port'] as number, host: options['host'] as string };
    },
    async (plan) => {
      let dashboard: Dashboard;
      try {
        dashboard = await startDashboard(plan);
      } catch (error) {
        // A port in use or a host not of this machine: a flag refused, nothing served (exit 2).
        throw InvalidArgumentError.isInstance(error) ? markRefusedEarly(error) : error;
      }
      io.stdout.write(`bigmodel dashboard on ${dashboard.url} (Ctrl-C to stop)\n`);
      onStart(dashboard);
    },
  );
  return program;
}

/** Runs one `bigmodel-dashboard` command line; returns the exit status once the server listens (0) or was refused. */
export function main(argv: string[], io: CliIo = processIo(), onStart?: (dashboard: Dashboard) => void): Promise<number> {
  return runCli(dashboardProgram(io, onStart), argv, io);
}

if (require.main === module) runMain((argv, io) => main(argv, io), { serve: true });
