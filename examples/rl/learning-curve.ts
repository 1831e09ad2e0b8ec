/**
 * What the continuous-control and LunarLander examples share: a uniformly random policy's return as
 * the baseline, then training in chunks with a short deterministic evaluation after each (the
 * learning curve, logged for the dashboard), the agent saved, and a final evaluation over many
 * episodes.
 */
import { JsonlLogger, initBackend } from '@bigmodel/core';
import { evaluate, make, type Agent } from '@bigmodel/rl';
import { join } from 'node:path';

import { progressBar } from '../progress';

export interface LearningCurveOptions<A extends Agent> {
  /** The registered environment the agent trains and is evaluated on. */
  env: string;
  /** Builds the agent (called after the random-policy baseline, so that it does not change it). */
  agent: () => A;
  /** Environment steps to train. */
  steps: number;
  /** Steps between curve points. */
  checkEvery: number;
  /** Episodes per curve point. */
  checkEpisodes: number;
  /** Episodes of the random-policy baseline. */
  randomEpisodes: number;
  /** Episodes of the final evaluation. */
  evalEpisodes: number;
  seed: number;
  /** Where the agent and its metrics.jsonl are written. */
  out: string;
  /** No progress bar. */
  quiet: boolean;
  /** Decimals of the evaluation shown on the progress bar. */
  digits: number;
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
 * Trains `options.agent()` on `options.env` for `steps` steps, evaluating it every `checkEvery`
 * steps on `checkEpisodes` episodes (seed + 10,000); saves it to `out`, evaluates it over
 * `evalEpisodes` episodes (seed + 20,000) and disposes of it.
 */
export async function trainWithLearningCurve<A extends Agent>(options: LearningCurveOptions<A>): Promise<LearningCurve> {
  const { steps, checkEvery, checkEpisodes, randomEpisodes, evalEpisodes, seed, out, quiet, digits } = options;
  await initBackend();
  const env = make<Float32Array, never>(options.env);
  const randomPolicy = { predict: () => env.actionSpace.sample() as never };
  env.actionSpace.seed(seed);
  const randomPolicyReturn = evaluate(randomPolicy, env, { episodes: randomEpisodes, seed }).meanReturn;
  const agent = options.agent();
  const logger = new JsonlLogger(join(out, 'metrics.jsonl'));
  const bar = quiet ? undefined : progressBar(`${agent.algorithm} ${options.env}`, steps);
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
