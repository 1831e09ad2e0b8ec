/**
 * `npm start`: a short demonstration of every bigmodel package, on the default backend, with
 * results under runs/. Each demo runs on a small budget (a few minutes in all) and shows its
 * progress on stderr; the closing table states each budget and what the package's documented
 * full run reaches, with the command that reproduces it.
 */
import { join } from 'node:path';

import * as tf from '@tensorflow/tfjs';

import { runMnistCnn } from './core/mnist-cnn';
import { runPpoCartpole } from './rl/ppo-cartpole';
import { runMnistTransfer } from './transfer/mnist-0to4-to-5to9';
import { runDcganMnist } from './gan/dcgan-mnist';
import { runCustomEvaluator } from './nas/custom-evaluator';
import { runTpeMnist } from './nas/tpe-mnist';
import { formatSeconds } from './progress';
import { formatTable, wrapText } from './table';

/** The documented full runs the table refers to: the command and what it reached (from the package READMEs). */
const FULL_RUNS = [
  'core: npx ts-node -T examples/core/mnist-cnn.ts --epochs 15 (up to 15 epochs, early stopping on a validation split)',
  'rl: npx ts-node -T examples/rl/ppo-cartpole.ts --steps 99840 --seed 0 -> 500.0 ± 0.3 over 100 episodes (CartPole-v1 is solved at 475)',
  'transfer: BIGMODEL_WASM_THREADS=1 npx ts-node -T examples/transfer/mnist-0to4-to-5to9.ts --strategy head --epochs 40 --seed S' +
    ' -> 99.18% ± 0.25 test accuracy over seeds 0-2',
  'gan: BIGMODEL_WASM_THREADS=2 npx ts-node -T examples/gan/dcgan-mnist.ts --minutes 30 --epochs 200 --seed 0 --ngf 32 --ndf 32 --generator-learning-rate 1e-3' +
    ' --discriminator-learning-rate 1e-4 --ema 0.999 --score-every 10000 -> classifier score 8.20, 10/10 classes (real MNIST 9.84)',
  'nas (cell): npm run bench:nas -> mean regret over 100 seeds after 100 queries: evolution 2.16, random 7.28',
  'nas (MNIST): BIGMODEL_WASM_THREADS=1 npx ts-node -T examples/nas/hyperband-mnist.ts --minutes 30 --seed 13' +
    ' -> exported model 99.52% validation, 99.28% test accuracy',
];

async function main() {
  tf.env().set('PROD', true);
  const runDir = join('runs', `${new Date().toISOString().replace(/[:.]/g, '-')}-showcase`);
  console.log(`bigmodel showcase: six short demos (about 6 minutes on 2 cores), results under ${runDir}/`);
  const step = (n: number, what: string) => process.stderr.write(`\n[${n}/6] ${what}\n`);

  const epochs = Number(process.env['SHOWCASE_EPOCHS'] ?? 3);
  step(1, `core: the reference CNN on MNIST, ${epochs} epochs`);
  const cnn = await runMnistCnn({ epochs, out: join(runDir, 'core-mnist-cnn') });
  step(2, 'rl: PPO on CartPole-v1, 24,576 environment steps');
  const ppo = await runPpoCartpole({ steps: 24_576, evalEpisodes: 20, out: join(runDir, 'rl-ppo-cartpole') });
  step(3, 'transfer: the zoo CNN for digits 0-4, its features frozen, a new head for digits 5-9, 5 epochs');
  const transferOut = join(runDir, 'transfer-mnist-0to4-to-5to9');
  const transfer = await runMnistTransfer({ strategy: 'head', epochs: 5, cachedAugmentations: 1, out: transferOut });
  step(4, 'gan: DCGAN on MNIST, at most 2 minutes, then 500 samples scored by the MNIST classifier');
  const gan = await runDcganMnist({ minutes: 2, epochs: 5, ngf: 32, ndf: 32, scoreSamples: 500, out: join(runDir, 'gan-dcgan-mnist') });
  step(5, 'nas: random search and regularized evolution on the cell lookup table, 150 queries each');
  const cells = await runCustomEvaluator({ trials: 150, out: join(runDir, 'nas-cell') });
  step(6, 'nas: TPE on MNIST, 3 trials of 3 epochs on 1,500 digits, at most 2 minutes, then the best trial exported');
  const nas = await runTpeMnist({ trainLimit: 1500, budget: 3, trials: 3, minutes: 2, out: join(runDir, 'nas-tpe-mnist') });
  const evolution = cells.strategies.find((s) => s.strategy === 'evolution')!;
  const random = cells.strategies.find((s) => s.strategy === 'random')!;
  const percent = (x: number) => `${(100 * x).toFixed(1)}%`;
  const count = (n: number) => n.toLocaleString('en-US');

  const rows = [
    ['package', 'demo (budget)', 'result', 'full run [n]', 'time'],
    [
      'core',
      `reference CNN on MNIST, ${cnn.epochs} epochs (${cnn.steps} steps of 64)`,
      `test accuracy ${(100 * cnn.testAccuracy).toFixed(2)}%, ${cnn.msPerStep.toFixed(1)} ms/step`,
      '15 epochs [1]',
      formatSeconds(cnn.seconds),
    ],
    [
      'rl',
      `PPO on CartPole-v1, ${count(ppo.steps)} steps (a quarter of [2])`,
      `mean return ${ppo.meanReturn.toFixed(1)} / 500 over ${ppo.evalEpisodes} episodes`,
      '500.0 after 99,840 steps [2]',
      formatSeconds(ppo.trainSeconds),
    ],
    [
      'transfer',
      'zoo CNN for digits 0-4 -> digits 5-9: frozen base, new head, 5 epochs',
      `test accuracy ${(100 * transfer.testAccuracy).toFixed(2)}% on ${transfer.testCount} digits 5-9 ` +
        `(${count(transfer.parameters.trainable)} trainable, ${count(transfer.parameters.frozen)} frozen)`,
      '99.18% (40 epochs) [3]',
      formatSeconds(transfer.seconds),
    ],
    [
      'gan',
      `DCGAN on MNIST, 2 minutes (${count(gan.steps)} steps)`,
      `classifier score ${gan.samples?.classifierScore.toFixed(2)} (real MNIST ${gan.real?.classifierScore.toFixed(2)}; ` +
        '1 = a single class, 10 = ten clear classes)',
      '8.20 in 30 minutes [4]',
      formatSeconds(gan.trainSeconds),
    ],
    [
      'nas',
      'cell lookup table, 150 queries per strategy',
      `regret (best cell minus best found): evolution ${evolution.regret.toFixed(2)}, random ${random.regret.toFixed(2)}`,
      '2.16 vs 7.28 at 100 queries [5]',
      '<1s',
    ],
    [
      'nas',
      `TPE on MNIST, ${nas.trials} trials of 3 epochs on 1,500 digits, 2 minutes`,
      `best validation ${percent(nas.bestValAccuracy)}, exported model's test ${percent(nas.export.metrics['testAccuracy'])}`,
      '99.28% test in 30 minutes [6]',
      formatSeconds(nas.seconds),
    ],
  ];
  const width = Math.min(process.stdout.columns || 160, 200);
  console.log(`\nbackend: ${cnn.backend}`);
  for (const line of formatTable(rows, width)) console.log(line);
  console.log('\nfull runs (documented in the package READMEs):');
  FULL_RUNS.forEach((run, i) => {
    wrapText(`[${i + 1}] ${run}`, width - 6).forEach((line, k) => console.log(`${k === 0 ? '  ' : '      '}${line}`));
  });
  console.log(`\nmetrics (JSON lines): ${join(cnn.out, 'metrics.jsonl')}`);
  console.log(`DCGAN samples: ${gan.lastGrid ?? gan.interpolation}`);
  console.log('open the live dashboard on these runs: npx bigmodel-dashboard runs/');
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
