/**
 * `bigmodel-rl train` in its own process, for the kill-and-resume test (cli/cli.spec.ts):
 *   node --conditions=@bigmodel/source -r ts-node/register/transpile-only train-child.ts <train arguments>
 * With BIGMODEL_TEST_CHECKPOINT_PAUSE_MS set it pauses after each checkpoint, so that the test can
 * kill it mid-run on any machine.
 */
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '@bigmodel/core';

import { parseTrain, runTrain } from '../cli/args';

async function main() {
  tf.env().set('PROD', true);
  await initBackend({ backend: 'wasm', threads: 1 });
  const pause = Number(process.env['BIGMODEL_TEST_CHECKPOINT_PAUSE_MS'] ?? 0);
  const onCheckpoint = pause > 0 ? () => new Promise<void>((resolve) => setTimeout(resolve, pause)) : undefined;
  const { agent } = await runTrain(parseTrain(process.argv.slice(2)), { onCheckpoint });
  agent.dispose();
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}\n`);
    process.exit(1);
  });
}
