#!/usr/bin/env node
/** bigmodel-dashboard: serves the live dashboard over a runs directory. */
import { BigModelError } from '@bigmodel/core';

import { startDashboard } from '../start-dashboard';

const HELP = `Usage: bigmodel-dashboard [RUNS_DIR] [--port N] [--host ADDRESS]

Serves a page that charts the metrics (metrics.jsonl) of every run under RUNS_DIR (default runs/),
live as runs write them.
  --port N        port to listen on (default: any free port)
  --host ADDRESS  interface to listen on (default 127.0.0.1: this machine only)
  --help          this text`;

async function main(argv: string[]): Promise<void> {
  if (argv.includes('--help')) {
    console.log(HELP);
    return;
  }
  const flag = (name: string) => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : undefined);
  const positional = argv.filter((a, i) => !a.startsWith('--') && !(i > 0 && argv[i - 1].startsWith('--')));
  const port = flag('--port') === undefined ? 0 : Number(flag('--port'));
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`Invalid argument for --port: ${flag('--port')}. Expected an integer 0-65535.`);
    process.exit(2);
  }
  const dashboard = await startDashboard({ runsDir: positional[0] ?? 'runs', port, host: flag('--host') });
  console.log(`bigmodel dashboard on ${dashboard.url} (Ctrl-C to stop)`);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  console.error(BigModelError.isInstance(error) ? `${error.name}: ${error.message}` : error);
  process.exit(1);
});
