/**
 * Trains an agent in chunks until the greedy policy reaches the environment's reward threshold
 * over 100 evaluation episodes (Gymnasium's definition of solved), or a step budget runs out.
 */
import { JsonlLogger } from '@bigmodel/core';
import { evaluate, make, spec, type Agent } from '@bigmodel/rl';
import { join } from 'node:path';

import { progressBar } from '../progress';

export interface SolveSummary {
  env: string;
  algorithm: string;
  seed: number;
  solved: boolean;
  /** Environment steps when solved (or the budget spent). */
  steps: number;
  meanReturn: number;
  stdReturn: number;
  trainSeconds: number;
  /** Short evaluations along the way: [steps, mean return]. */
  curve: [number, number][];
}

export async function trainUntilSolved(
  agent: Agent,
  options: { maxSteps: number; checkEvery: number; seed: number; out: string; quiet?: boolean; checkEpisodes?: number },
): Promise<SolveSummary> {
  const { maxSteps, checkEvery, seed, out, quiet = false, checkEpisodes = 20 } = options;
  const envId = agent.config.env;
  const threshold = spec(envId).rewardThreshold ?? Infinity;
  const logger = new JsonlLogger(join(out, 'metrics.jsonl'));
  const evalEnv = make<Float32Array, never>(envId, agent.config.envKwargs);
  const bar = quiet ? undefined : progressBar(`${agent.algorithm} ${envId}`, maxSteps);
  const started = performance.now();
  const curve: [number, number][] = [];
  let final = { meanReturn: -Infinity, stdReturn: 0 };
  let solved = false;
  while (agent.numTimesteps < maxSteps && !solved) {
    agent.learn(Math.min(checkEvery, maxSteps - agent.numTimesteps), { logger });
    // A short check first; the full 100-episode evaluation only when it looks solved.
    const check = evaluate(agent as never, evalEnv, { episodes: checkEpisodes, seed: seed + 10_000 + agent.numTimesteps });
    curve.push([agent.numTimesteps, check.meanReturn]);
    logger.log({ step: agent.numTimesteps, epoch: agent.numTimesteps, 'charts/evalMeanReturn': check.meanReturn });
    if (check.meanReturn >= threshold) {
      final = evaluate(agent as never, evalEnv, { episodes: 100, seed: seed + 20_000 });
      solved = final.meanReturn >= threshold;
    } else final = check;
    bar?.update(Math.min(agent.numTimesteps, maxSteps), `eval ${check.meanReturn.toFixed(1)}`);
  }
  bar?.done();
  await agent.save(out);
  return {
    env: envId,
    algorithm: agent.algorithm,
    seed,
    solved,
    steps: agent.numTimesteps,
    meanReturn: final.meanReturn,
    stdReturn: final.stdReturn,
    trainSeconds: (performance.now() - started) / 1000,
    curve,
  };
}

/** The lines an example prints for a {@link SolveSummary}: `title` (the algorithm and environment), then the summary as JSON. */
export function solveSummaryLines(title: string, s: SolveSummary): string[] {
  return [
    `${title}: ${s.solved ? 'solved' : 'not solved'} at ${s.steps} steps (${s.trainSeconds.toFixed(0)} s), mean return ${s.meanReturn.toFixed(1)} ± ${s.stdReturn.toFixed(1)}`,
    JSON.stringify(s),
  ];
}
