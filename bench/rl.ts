/**
 * The RL benchmark: environment steps per second for each classic-control environment, raw (the
 * environment class), through `make()` (order enforcement + time limit) and through
 * `make(id, { reuseStepResult: true })` (the same, allocating nothing per step), next to Gymnasium's
 * numpy implementation measured on this machine (FACTS.md); then training throughput per agent
 * (environment steps per second including learning) on tfjs's `cpu` and `wasm` backends, which
 * decides the backend each agent should use; then SyncVectorEnv against AsyncVectorEnv (one worker
 * thread per sub-environment) on LunarLander-v3 with 4 and 8 environments. Not a test: nothing is
 * asserted.
 *
 *   npm run bench:rl                 # everything
 *   npm run bench:rl -- --env-steps 200000 --skip-agents
 *   npm run bench:rl -- --only-vector --vector-steps 2000
 */
import * as tf from '@tensorflow/tfjs';
import { Rng, initBackend, numberOption, runMain } from '@bigmodel/core';
import {
  A2c,
  Acrobot,
  AsyncVectorEnv,
  CartPole,
  ContinuousMountainCar,
  DQN_PRESETS,
  Dqn,
  MountainCar,
  Pendulum,
  Ppo,
  PPO_PRESETS,
  Reinforce,
  SyncVectorEnv,
  make,
  type Env,
} from '@bigmodel/rl';

import { benchProgram, countOption, exampleMain } from '../examples/cli';

/** Gymnasium 1.x (numpy) steps/s on this machine, from FACTS.md (no MountainCarContinuous number there). */
const GYMNASIUM_STEPS_PER_SEC: Record<string, number | undefined> = {
  'CartPole-v1': 190_000,
  'MountainCar-v0': 86_000,
  'MountainCarContinuous-v0': undefined,
  'Acrobot-v1': 31_000,
  'Pendulum-v1': 63_000,
};

/** Steps `env` `steps` times with pre-drawn actions, resetting when an episode ends; returns steps/s (best of 3). */
function stepsPerSecond(env: Env<unknown, unknown>, actions: unknown[], steps: number): number {
  let best = 0;
  for (let round = 0; round < 3; round++) {
    env.reset({ seed: round });
    const started = performance.now();
    for (let i = 0; i < steps; i++) {
      const result = env.step(actions[i % actions.length]);
      if (result.terminated || result.truncated) env.reset();
    }
    best = Math.max(best, steps / ((performance.now() - started) / 1000));
  }
  return best;
}

function benchEnvironments(steps: number) {
  const rng = new Rng(0);
  const discrete = (n: number) => Array.from({ length: 4096 }, () => rng.integer(0, n));
  const continuous = (high: number) => Array.from({ length: 4096 }, () => Float32Array.of(rng.uniform(-high, high)));
  const cases: [string, () => Env<unknown, unknown>, unknown[]][] = [
    ['CartPole-v1', () => new CartPole() as Env<unknown, unknown>, discrete(2)],
    ['MountainCar-v0', () => new MountainCar() as Env<unknown, unknown>, discrete(3)],
    ['MountainCarContinuous-v0', () => new ContinuousMountainCar() as Env<unknown, unknown>, continuous(1)],
    ['Acrobot-v1', () => new Acrobot() as Env<unknown, unknown>, discrete(3)],
    ['Pendulum-v1', () => new Pendulum() as Env<unknown, unknown>, continuous(2)],
  ];
  console.log(
    `environment steps/s (${steps.toLocaleString()} steps, best of 3; raw: the class; make(): order enforcement + time limit; reuse: make(id, { reuseStepResult: true }), no allocation per step; raw episodes end only by termination)`,
  );
  console.log('env                        raw/s        make()/s     reuse/s      Gymnasium/s  make() / Gymnasium  reuse / Gymnasium');
  for (const [id, build, actions] of cases) {
    const raw = stepsPerSecond(build(), actions, steps);
    const wrapped = stepsPerSecond(make(id), actions, steps);
    const reused = stepsPerSecond(make(id, { reuseStepResult: true }), actions, steps);
    const reference = GYMNASIUM_STEPS_PER_SEC[id];
    const ratio = (rate: number) => (reference ? `${(rate / reference).toFixed(1)}x` : 'n/a');
    const cell = (rate: number) => Math.round(rate).toLocaleString().padStart(11);
    console.log(
      `${id.padEnd(26)} ${cell(raw)}  ${cell(wrapped)}  ${cell(reused)}  ${(reference?.toLocaleString() ?? 'n/a').padStart(11)}  ${ratio(wrapped).padStart(18)}  ${ratio(reused).padStart(17)}`,
    );
  }
}

/** Environment steps per second of `learn`, after a warm-up, for one agent on the current backend. */
function trainingThroughput(
  name: string,
  build: () => { learn(n: number): unknown; dispose(): void; numTimesteps: number },
  warmup: number,
  steps: number,
): number {
  const agent = build();
  agent.learn(warmup);
  const before = agent.numTimesteps;
  const started = performance.now();
  agent.learn(steps);
  const rate = (agent.numTimesteps - before) / ((performance.now() - started) / 1000);
  agent.dispose();
  return rate;
}

async function benchAgents(scale: number) {
  await initBackend();
  const agents: [string, () => { learn(n: number): unknown; dispose(): void; numTimesteps: number }, number, number][] = [
    // rl-zoo CartPole DQN: 256 env steps then 128 gradient steps of batch 64 on a [256, 256] network.
    ['dqn (CartPole zoo)', () => new Dqn({ ...DQN_PRESETS['CartPole-v1'], learningStarts: 256 }), 512, Math.round(512 * scale)],
    ['ppo (CartPole zoo)', () => new Ppo({ ...PPO_PRESETS['CartPole-v1'] }), 256, Math.round(2048 * scale)],
    ['a2c (8 envs x 5)', () => new A2c({ nEnvs: 8 }), 400, Math.round(4000 * scale)],
    ['reinforce (4 ep/update)', () => new Reinforce({}), 200, Math.round(2000 * scale)],
  ];
  console.log('\ntraining throughput: environment steps/s including learning, one thread');
  console.log('agent                       cpu/s      wasm/s     wasm / cpu');
  for (const [name, build, warmup, steps] of agents) {
    const rates: number[] = [];
    for (const backend of ['cpu', 'wasm']) {
      await tf.setBackend(backend);
      rates.push(trainingThroughput(name, build, warmup, steps));
    }
    console.log(
      `${name.padEnd(26)} ${rates[0].toFixed(0).padStart(8)}  ${rates[1].toFixed(0).padStart(9)}  ${(rates[1] / rates[0]).toFixed(1)}x`,
    );
  }
}

/** Environment steps/s (all sub-environments) of `steps` vector steps with random actions, after a reset with seed 0. */
function vectorStepsPerSecond(envs: SyncVectorEnv<number> | AsyncVectorEnv<number>, steps: number): number {
  const rng = new Rng(0);
  envs.reset({ seed: 0 });
  const actions = Array.from({ length: steps }, () => Array.from({ length: envs.numEnvs }, () => rng.integer(0, 4)));
  const started = performance.now();
  for (const a of actions) envs.step(a);
  return (steps * envs.numEnvs) / ((performance.now() - started) / 1000);
}

function benchVectorEnvs(steps: number) {
  console.log(
    `\nLunarLander-v3 vector environments: environment steps/s over ${steps} vector steps (random actions, next-step autoreset; best of 3 rounds, sync and async interleaved)`,
  );
  console.log('envs   sync/s     async/s    async / sync');
  for (const n of [4, 8]) {
    const sync = new SyncVectorEnv(Array.from({ length: n }, () => () => make<Float32Array, number>('LunarLander-v3')));
    const async = new AsyncVectorEnv<number>(Array.from({ length: n }, () => ({ id: 'LunarLander-v3' })));
    // Warm-up: the first steps compile the code (the workers' own copies included).
    vectorStepsPerSecond(sync, 200);
    vectorStepsPerSecond(async, 200);
    let [syncRate, asyncRate] = [0, 0];
    for (let round = 0; round < 3; round++) {
      syncRate = Math.max(syncRate, vectorStepsPerSecond(sync, steps));
      asyncRate = Math.max(asyncRate, vectorStepsPerSecond(async, steps));
    }
    async.close();
    console.log(
      `${String(n).padEnd(5)} ${syncRate.toFixed(0).padStart(8)}  ${asyncRate.toFixed(0).padStart(9)}  ${(asyncRate / syncRate).toFixed(2)}x`,
    );
  }
}

interface Flags {
  envSteps: number;
  agentScale: number;
  vectorSteps: number;
  onlyVector?: boolean;
  skipAgents?: boolean;
}

async function bench(flags: Flags) {
  if (!flags.onlyVector) {
    benchEnvironments(flags.envSteps);
    if (!flags.skipAgents) await benchAgents(flags.agentScale);
  }
  benchVectorEnvs(flags.vectorSteps);
}

export const main = exampleMain(
  () =>
    benchProgram(
      'rl.ts',
      "Environment steps per second against Gymnasium's, agents' training throughput, and sync against async vector environments.",
    )
      .addOption(countOption('--env-steps <n>', 'steps per environment and way of stepping it', 1_000_000))
      .addOption(numberOption('--agent-scale <x>', "multiplies each agent's timed steps", { min: 0, max: 1000, minExclusive: true }, 1))
      .addOption(countOption('--vector-steps <n>', 'vector steps per round', 2000))
      .option('--only-vector', 'only the vector environments')
      .option('--skip-agents', 'no agent throughput'),
  bench,
);

if (require.main === module) runMain(main);
