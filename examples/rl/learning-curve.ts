/**
 * What the continuous-control and LunarLander examples share: a uniformly random policy's return as
 * the baseline, then training in chunks with a short deterministic evaluation after each (the
 * learning curve, logged for the dashboard), the agent saved, and a final evaluation over many
 * episodes; and their command line (`--steps`, `--check-every`, `--seed`, `--out`) and printout.
 */
import { JsonlLogger, initBackend, type CliCommand } from '@bigmodel/core';
import { evaluate, make, type Agent } from '@bigmodel/rl';
import { join } from 'node:path';

import { countOption, exampleProgram, outOption, seedOption } from '../cli';
import { progressBar } from '../progress';

/** What a caller (the command line, a test) may set; the example gives the defaults of the first three. */
export interface LearningCurveRun {
  /** Environment steps to train. */
  steps?: number;
  /** Steps between curve points. */
  checkEvery?: number;
  /** Where the agent and its metrics.jsonl are written. */
  out?: string;
  /** Seed of the agent and of every evaluation (default 0). */
  seed?: number;
  /** No progress bar (default false). */
  quiet?: boolean;
  /** Episodes of the final evaluation (default 100). */
  evalEpisodes?: number;
  /** Episodes per curve point (default: the example's). */
  checkEpisodes?: number;
}

/** An example's setup: its environment, its agent, and its defaults. */
export interface LearningCurveExample<A extends Agent> {
  /** The registered environment the agent trains and is evaluated on. */
  env: string;
  /** Builds the agent (called after the random-policy baseline, so that it does not change it). */
  agent: (run: { seed: number; steps: number }) => A;
  defaults: { steps: number; checkEvery: number; out: string };
  /** Episodes per curve point (default 10). */
  checkEpisodes?: number;
  /** Episodes of the random-policy baseline (default 20). */
  randomEpisodes?: number;
  /** Decimals of the evaluation shown on the progress bar (default 0). */
  digits?: number;
}

export interface LearningCurve {
  steps: number;
  seed: number;
  randomPolicyReturn: number;
  /** [steps, mean return of the curve point's deterministic episodes]. */
  curve: [number, number][];
  finalMeanReturn: number;
  finalStdReturn: number;
  trainSeconds: number;
}

/**
 * Trains the example's agent for `steps` steps, evaluating it every `checkEvery` steps on
 * `checkEpisodes` episodes (seed + 10,000); saves it to `out`, evaluates it over `evalEpisodes`
 * episodes (seed + 20,000) and disposes of it.
 */
export async function trainWithLearningCurve<A extends Agent>(
  example: LearningCurveExample<A>,
  run: LearningCurveRun,
): Promise<LearningCurve> {
  const { randomEpisodes = 20, digits = 0 } = example;
  const { steps = example.defaults.steps, checkEvery = example.defaults.checkEvery, out = example.defaults.out } = run;
  const { seed = 0, quiet = false, evalEpisodes = 100, checkEpisodes = example.checkEpisodes ?? 10 } = run;
  await initBackend();
  const env = make<Float32Array, never>(example.env);
  const randomPolicy = { predict: () => env.actionSpace.sample() as never };
  env.actionSpace.seed(seed);
  const randomPolicyReturn = evaluate(randomPolicy, env, { episodes: randomEpisodes, seed }).meanReturn;
  const agent = example.agent({ seed, steps });
  const logger = new JsonlLogger(join(out, 'metrics.jsonl'));
  const bar = quiet ? undefined : progressBar(`${agent.algorithm} ${example.env}`, steps);
  const curve: [number, number][] = [];
  const started = performance.now();
  while (agent.numTimesteps < steps) {
    agent.learn(Math.min(checkEvery, steps - agent.numTimesteps), { logger });
    const check = evaluate(agent as never, env, { episodes: checkEpisodes, seed: seed + 10_000 }).meanReturn;
    curve.push([agent.numTimesteps, check]);
    logger.log({ step: agent.numTimesteps, epoch: agent.numTimesteps, 'charts/evalMeanReturn': check });
    bar?.update(Math.min(agent.numTimesteps, steps), `eval ${check.toFixed(digits)}`);
  }
  bar?.done();
  const trainSeconds = (performance.now() - started) / 1000;
  await agent.save(out);
  const final = evaluate(agent as never, env, { episodes: evalEpisodes, seed: seed + 20_000 });
  agent.dispose();
  return {
    steps: agent.numTimesteps,
    seed,
    randomPolicyReturn,
    curve,
    finalMeanReturn: final.meanReturn,
    finalStdReturn: final.stdReturn,
    trainSeconds,
  };
}

/**
 * The command line of a learning-curve example: `--steps`, `--check-every`, `--seed` and `--out`
 * with the example's defaults (`out` undefined: the example describes its default in `outHelp`).
 */
export function learningCurveProgram(
  file: string,
  description: string,
  defaults: { steps: number; checkEvery: number; out?: string },
  outHelp = 'run directory',
): CliCommand {
  return exampleProgram(file, description)
    .addOption(countOption('--steps <n>', 'environment steps to train', defaults.steps))
    .addOption(countOption('--check-every <n>', 'steps between curve points', defaults.checkEvery))
    .addOption(seedOption())
    .addOption(outOption(outHelp, defaults.out));
}

/** The flags of {@link learningCurveProgram}. */
export interface LearningCurveFlags {
  steps: number;
  checkEvery: number;
  seed: number;
  out?: string;
}

/**
 * The lines an example prints for a learning curve: `title`, the random policy and the curve (returns
 * with `digits` decimals), then the final evaluation (`note` appended), then the summary as JSON.
 */
export function learningCurveLines(title: string, summary: LearningCurve, digits: number, note = ''): string[] {
  const s = summary;
  const curve = s.curve.map(([x, y]) => `${x}: ${y.toFixed(digits)}`).join(', ');
  const final = `${s.finalMeanReturn.toFixed(1)} ± ${s.finalStdReturn.toFixed(1)}`;
  return [
    `${title}, random policy ${s.randomPolicyReturn.toFixed(digits)}; curve: ${curve}`,
    `after ${s.steps} steps (${s.trainSeconds.toFixed(0)} s): ${final} over 100 episodes${note}`,
    JSON.stringify(summary),
  ];
}
