/**
 * Child processes of the distributed-search tests.
 *   worker URL LOCK_SECONDS MODULE      a worker allowed MODULE; prints its events as JSON lines
 *   coordinator URL DIR MODULE MS N     runs (or resumes) a random search of N trials on the queue
 */
import { RedisTrialQueue, runSearch, runWorker } from '../index';

/** One JSON line on stdout, which the test reads. */
const say = (line: object) => process.stdout.write(`${JSON.stringify(line)}\n`);

export const TEST_SPACE = {
  params: {
    a: { type: 'int' as const, min: 0, max: 9 },
    b: { type: 'categorical' as const, choices: ['x', 'yy', 'zzz'] },
  },
};

async function main([mode, url, ...rest]: string[]): Promise<void> {
  if (mode === 'worker') {
    const [lockSeconds, module] = rest;
    const worker = await runWorker({
      url,
      lockSeconds: Number(lockSeconds),
      allowModules: [module],
      onEvent: (e) => say(e),
    });
    say({ kind: 'ready' });
    process.on('SIGTERM', () => void worker.close().then(() => process.exit(0)));
  } else if (mode === 'coordinator') {
    const [dir, module, ms, trials] = rest;
    await runSearch({
      dir,
      space: TEST_SPACE,
      strategy: 'random',
      evaluator: { kind: 'module', module, options: { ms: Number(ms) } },
      trials: Number(trials),
      seed: 3,
      keepModels: false,
      executor: new RedisTrialQueue({ url, maxInFlight: 2, pollMs: 50 }),
      onProgress: (p) => say({ done: p.done }),
    });
    say({ kind: 'done' });
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((error) => {
    process.stderr.write(`${String(error?.stack ?? error)}\n`);
    process.exit(1);
  });
}
