/**
 * `npm start`: a short demonstration of every bigmodel package that has landed, on the default
 * backend, with results under runs/. Today: the core engine training the reference CNN on MNIST.
 */
import { join } from 'node:path';

import * as tf from '@tensorflow/tfjs';

import { runMnistCnn } from './core/mnist-cnn';
import { runPpoCartpole } from './rl/ppo-cartpole';
import { runMnistTransfer } from './transfer/mnist-0to4-to-5to9';
import { runDcganMnist } from './gan/dcgan-mnist';
import { runCustomEvaluator } from './nas/custom-evaluator';
import { runTpeMnist } from './nas/tpe-mnist';

async function main() {
  tf.env().set('PROD', true);
  const runDir = join('runs', `${new Date().toISOString().replace(/[:.]/g, '-')}-showcase`);
  console.log(`bigmodel showcase: results under ${runDir}/`);

  const cnn = await runMnistCnn({ epochs: Number(process.env['SHOWCASE_EPOCHS'] ?? 3), out: join(runDir, 'core-mnist-cnn') });

  const ppo = await runPpoCartpole({ steps: 24_576, evalEpisodes: 20, out: join(runDir, 'rl-ppo-cartpole'), quiet: true });
  const transfer = await runMnistTransfer({ strategy: 'head', epochs: 5, cachedAugmentations: 1, out: join(runDir, 'transfer-mnist-0to4-to-5to9') });
  const gan = await runDcganMnist({ minutes: 2, epochs: 5, ngf: 32, ndf: 32, scoreSamples: 500, out: join(runDir, 'gan-dcgan-mnist'), progress: false });
  const cells = await runCustomEvaluator({ trials: 150, out: join(runDir, 'nas-cell') });
  const nas = await runTpeMnist({ trainLimit: 1500, budget: 3, trials: 3, minutes: 2, out: join(runDir, 'nas-tpe-mnist'), progress: false });
  const evolution = cells.strategies.find((s) => s.strategy === 'evolution')!;
  const random = cells.strategies.find((s) => s.strategy === 'random')!;

  const rows = [
    ['package', 'demo', 'backend', 'result', 'time'],
    ['core', 'reference CNN on MNIST', cnn.backend, `${cnn.msPerStep.toFixed(1)} ms/step, test accuracy ${(100 * cnn.testAccuracy).toFixed(2)}% (${cnn.epochs} epochs, ${cnn.steps} steps of 64)`, `${cnn.seconds.toFixed(0)} s`],
    ['rl', 'PPO on CartPole-v1', 'wasm', `mean return ${ppo.meanReturn.toFixed(1)} / 500 over ${ppo.evalEpisodes} episodes after ${ppo.steps} steps`, `${ppo.trainSeconds.toFixed(0)} s`],
    ['transfer', 'zoo CNN (digits 0-4) -> digits 5-9, frozen base, new head', transfer.backend, `test accuracy ${(100 * transfer.testAccuracy).toFixed(2)}% on ${transfer.testCount} digits 5-9 (${transfer.parameters.trainable} trainable / ${transfer.parameters.frozen} frozen)`, `${transfer.seconds.toFixed(0)} s`],
    ['gan', 'DCGAN on MNIST (5 epochs, at most 2 minutes)', gan.backend, `${gan.steps} steps, classifier score ${gan.samples?.classifierScore.toFixed(2)} (real ${gan.real?.classifierScore.toFixed(2)}), grid ${gan.lastGrid ?? gan.interpolation}`, `${gan.trainSeconds.toFixed(0)} s`],
    ['nas', 'cell lookup table, 150 queries', '-', `regret: evolution ${evolution.regret.toFixed(2)}, random ${random.regret.toFixed(2)}`, '<1 s'],
    ['nas', 'TPE on MNIST (3 trials of 3 epochs, 1,500 digits)', nas.backend, `best val ${(100 * nas.bestValAccuracy).toFixed(1)}%, exported test ${(100 * nas.export.metrics['testAccuracy']).toFixed(1)}%`, `${nas.seconds.toFixed(0)} s`],
  ];
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  console.log('');
  for (const row of rows) console.log(row.map((c, i) => c.padEnd(widths[i])).join('  '));
  console.log(`\nmetrics (JSON lines): ${join(cnn.out, 'metrics.jsonl')}`);
  console.log('open the live dashboard on these runs: npx bigmodel-dashboard runs/');
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
