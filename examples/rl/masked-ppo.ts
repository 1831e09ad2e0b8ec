/**
 * PPO with and without action masking on MaskedCorridor-v0 (three of eight actions valid per cell;
 * an invalid one ends the episode with -1), over several seeds: the environment steps each run
 * needed until the mean return of its last 20 training episodes reached the threshold (the
 * registered 7.5 of a best possible 8), and the invalid actions it took on the way.
 *
 *   BIGMODEL_WASM_THREADS=1 nice -n 10 npx ts-node -T examples/rl/masked-ppo.ts [--budget 100000] [--seeds 3]
 */
import { initBackend, runMain, type MetricsLogger } from '@bigmodel/core';
import { Ppo, Wrapper, make, type Env, type PpoConfig, type ResetOptions, type ResetResult, type StepResult } from '@bigmodel/rl';

import { countOption, exampleMain, exampleProgram } from '../cli';

/** The PPO settings of every run (only `actionMasking` and the seed differ). */
export const MASKED_PPO: Partial<PpoConfig> = {
  env: 'MaskedCorridor-v0',
  nEnvs: 4,
  nSteps: 64,
  batchSize: 64,
  nEpochs: 4,
  learningRate: 1e-3,
  gamma: 0.99,
  piArch: [64, 64],
  vfArch: [64, 64],
};

/** Counts the actions the environment's own mask marked invalid (the agent may or may not see the mask). */
class InvalidActions extends Wrapper<number, number> {
  private mask: Uint8Array | null = null;
  constructor(
    env: Env<number, number>,
    private readonly counter: { invalid: number },
  ) {
    super(env);
  }
  override reset(options?: ResetOptions): ResetResult<number> {
    const result = super.reset(options);
    this.mask = result.info['actionMask'] as Uint8Array;
    return result;
  }
  override step(action: number): StepResult<number> {
    if (this.mask?.[action] === 0) this.counter.invalid += 1;
    const result = super.step(action);
    this.mask = result.info['actionMask'] as Uint8Array;
    return result;
  }
}

/** One training run. */
export interface MaskedRun {
  masking: boolean;
  seed: number;
  /** Environment steps when the last-20-episode mean first reached the threshold, or null. */
  stepsToThreshold: number | null;
  /** Mean return of the last 20 training episodes at the end. */
  finalMean: number;
  invalidActions: number;
  steps: number;
  seconds: number;
}

export async function runMaskedPpo(
  options: { budget?: number; seeds?: number; threshold?: number; window?: number } = {},
): Promise<MaskedRun[]> {
  const { budget = 100_000, seeds = 3, threshold = 7.5, window = 20 } = options;
  await initBackend();
  const runs: MaskedRun[] = [];
  for (let seed = 0; seed < seeds; seed++) {
    for (const masking of [true, false]) {
      const counter = { invalid: 0 };
      const envFn = () => new InvalidActions(make<number, number>('MaskedCorridor-v0'), counter) as unknown as Env<Float32Array, unknown>;
      const agent = new Ppo({ ...MASKED_PPO, seed, actionMasking: masking ? 'on' : 'off' }, envFn);
      const returns: number[] = [];
      let stepsToThreshold: number | null = null;
      const logger: MetricsLogger = {
        log(record) {
          const r = record['charts/episodicReturn'];
          if (typeof r !== 'number') return;
          returns.push(r);
          if (stepsToThreshold === null && returns.length >= window) {
            const mean = returns.slice(-window).reduce((a, b) => a + b, 0) / window;
            if (mean >= threshold) stepsToThreshold = record['step'] as number;
          }
        },
      };
      const start = Date.now();
      agent.learn(budget, { logger, onStep: () => stepsToThreshold === null });
      const last = returns.slice(-window);
      runs.push({
        masking,
        seed,
        stepsToThreshold,
        finalMean: last.reduce((a, b) => a + b, 0) / Math.max(last.length, 1),
        invalidActions: counter.invalid,
        steps: agent.numTimesteps,
        seconds: (Date.now() - start) / 1000,
      });
      agent.dispose();
    }
  }
  return runs;
}

export const main = exampleMain(
  () =>
    exampleProgram('rl/masked-ppo.ts', 'PPO with and without action masking on MaskedCorridor-v0, over several seeds.')
      .addOption(countOption('--budget <n>', 'environment steps per run', 100_000))
      .addOption(countOption('--seeds <n>', 'seeds 0 to N-1, each trained with and without masking', 3, 1000)),
  async (flags: { budget: number; seeds: number }, print) => {
    const runs = await runMaskedPpo(flags);
    print(`PPO on MaskedCorridor-v0, steps until the last-20-episode mean return >= 7.5 (budget ${flags.budget} steps)`);
    print('| masking | seed | steps to 7.5 | invalid actions | wall s |');
    print('|---|---|---|---|---|');
    for (const r of runs)
      print(
        `| ${r.masking ? 'on' : 'off'} | ${r.seed} | ${r.stepsToThreshold ?? `not within ${r.steps}`} | ${r.invalidActions} | ${r.seconds.toFixed(0)} |`,
      );
    print(JSON.stringify(runs));
  },
);

if (require.main === module) runMain(main);
