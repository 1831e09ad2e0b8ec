/**
 * Rollout collection for the on-policy agents (PPO, A2C): steps a same-step-autoreset vector
 * environment with an {@link ActorCritic}, keeps running observation and return statistics (as
 * Stable-Baselines3's `VecNormalize`), and bootstraps truncated episodes with the value of their
 * final observation (as sb3's `OnPolicyAlgorithm.collect_rollouts`).
 */
import { FileFormatError, InvalidArgumentError, type MetricsLogger } from '@bigmodel/core';

import { stackActionMasks } from '../../env/action-mask';
import type { Env, Info } from '../../env/env';
import type { VectorEnv } from '../../vector/vector-env';
import { RunningMeanStd } from '../../utils/running-mean-std';
import type { Rng } from '../../utils/rng';
import { envAction, type ActorCritic } from './actor-critic';
import { runSync, type Reads } from './reads';
import { decodeFloat32Exact, decodeUint8, encodeArray } from '../checkpoint';
import { captureEnvState, restoreEnvState } from './env-state';

/**
 * One rollout of `nSteps x nEnvs` transitions, time-major (`t * nEnvs + env`).
 *
 * @category Agents
 */
export interface Rollout {
  observations: Float32Array;
  actions: Float32Array;
  logProbs: Float32Array;
  values: Float32Array;
  /** Rewards after normalization, with `gamma * V(final observation)` added on truncation. */
  rewards: Float32Array;
  /** 1 where the episode ended at this step (terminated or truncated). */
  dones: Uint8Array;
  /** Values of the observations after the last step. */
  lastValues: Float32Array;
  /** The action mask each action was chosen under (`nSteps x nEnvs x actions`), or null when masking is off. */
  actionMasks: Uint8Array | null;
}

/**
 * Generalized advantage estimation (Schulman et al. 2016) over a time-major rollout; an episode end
 * at step t cuts the recursion (its bootstrap, if any, is already in the reward).
 * @category Agents
 */
export function computeGae(
  rollout: Pick<Rollout, 'rewards' | 'values' | 'dones' | 'lastValues'>,
  nSteps: number,
  nEnvs: number,
  gamma: number,
  lambda: number,
): { advantages: Float32Array; returns: Float32Array } {
  const advantages = new Float32Array(nSteps * nEnvs);
  const returns = new Float32Array(nSteps * nEnvs);
  for (let e = 0; e < nEnvs; e++) {
    let lastGae = 0;
    for (let t = nSteps - 1; t >= 0; t--) {
      const i = t * nEnvs + e;
      const nextNonTerminal = 1 - rollout.dones[i];
      const nextValue = t === nSteps - 1 ? rollout.lastValues[e] : rollout.values[i + nEnvs];
      const delta = rollout.rewards[i] + gamma * nextValue * nextNonTerminal - rollout.values[i];
      lastGae = delta + gamma * lambda * nextNonTerminal * lastGae;
      advantages[i] = lastGae;
      returns[i] = lastGae + rollout.values[i];
    }
  }
  return { advantages, returns };
}

/**
 * Options of {@link RolloutCollector}.
 *
 * @category Agents
 */
export interface RolloutCollectorOptions {
  gamma: number;
  normalizeObservation: boolean;
  normalizeReward: boolean;
  /** Clip of normalized observations and rewards (sb3's default 10). */
  clip?: number;
  /**
   * Action masking (categorical head only): `auto` masks when the environments provide
   * `info.actionMask` on their first reset, `on` requires them to, `off` (default) ignores them.
   */
  actionMasking?: 'auto' | 'on' | 'off';
}

/**
 * Keeps the state between rollouts: the current observations, episode statistics and the
 * normalizers.
 * @category Agents
 */
export class RolloutCollector {
  readonly obsRms: RunningMeanStd | null;
  readonly returnRms: RunningMeanStd | null;
  /** Environment steps taken (all sub-environments). */
  numTimesteps = 0;
  /** Episodes finished. */
  episodes = 0;
  private rawObservations: Float32Array | null = null;
  /** The current action masks (`nEnvs x actions`), or null when masking is off. */
  private masks: Uint8Array | null = null;
  /** Whether the rollouts are masked (decided on the first reset). */
  masking = false;
  private readonly discounted: Float64Array;
  private readonly episodeReturns: Float64Array;
  private readonly episodeLengths: Int32Array;
  private readonly clip: number;

  constructor(
    readonly envs: VectorEnv<unknown>,
    readonly policy: ActorCritic,
    readonly options: RolloutCollectorOptions,
  ) {
    const size = envs.observationSize;
    this.obsRms = options.normalizeObservation ? new RunningMeanStd(size) : null;
    this.returnRms = options.normalizeReward ? new RunningMeanStd(1) : null;
    this.discounted = new Float64Array(envs.numEnvs);
    this.episodeReturns = new Float64Array(envs.numEnvs);
    this.episodeLengths = new Int32Array(envs.numEnvs);
    this.clip = options.clip ?? 10;
  }

  /** Normalizes a batch of raw observations with the current statistics (no update). */
  normalize(raw: Float32Array): Float32Array {
    if (!this.obsRms) return raw;
    const size = this.obsRms.size;
    const out = new Float32Array(raw.length);
    for (let i = 0; i < raw.length; i++) {
      const j = i % size;
      out[i] = Math.min(Math.max((raw[i] - this.obsRms.mean[j]) / Math.sqrt(this.obsRms.var[j] + 1e-8), -this.clip), this.clip);
    }
    return out;
  }

  private observe(raw: Float32Array, rows: number): Float32Array {
    this.obsRms?.update(raw, rows);
    return this.normalize(raw);
  }

  /** Collects `nSteps` steps of every sub-environment (resetting them with `seed` the first time). */
  collect(nSteps: number, rng: Rng, seed: number | undefined, logger?: MetricsLogger): Rollout {
    return runSync(this.collectReads(nSteps, rng, seed, logger));
  }

  /** {@link RolloutCollector.collect} as {@link Reads} (one read of the policy per step). */
  *collectReads(nSteps: number, rng: Rng, seed: number | undefined, logger?: MetricsLogger): Reads<Rollout> {
    const { envs, policy } = this;
    const n = envs.numEnvs;
    const size = envs.observationSize;
    const a = policy.actionSize;
    let observations: Float32Array;
    if (this.rawObservations === null) {
      const first = envs.reset({ seed });
      this.rawObservations = first.observations;
      observations = this.observe(this.rawObservations, n);
      this.masking = this.decideMasking(first.infos);
      this.masks = this.masking ? this.stackMasks(first.infos) : null;
    } else {
      // These were counted in the statistics when the previous rollout ended; normalize only.
      observations = this.normalize(this.rawObservations);
    }
    const rollout: Rollout = {
      observations: new Float32Array(nSteps * n * size),
      actions: new Float32Array(nSteps * n * a),
      logProbs: new Float32Array(nSteps * n),
      values: new Float32Array(nSteps * n),
      rewards: new Float32Array(nSteps * n),
      dones: new Uint8Array(nSteps * n),
      lastValues: new Float32Array(n),
      actionMasks: this.masking ? new Uint8Array(nSteps * n * this.maskWidth) : null,
    };
    const head = policy.head;
    for (let t = 0; t < nSteps; t++) {
      const masks = this.masks;
      const { actions, logProbs, values } = yield* policy.actReads(observations, n, rng, false, masks);
      if (masks) rollout.actionMasks?.set(masks, t * n * this.maskWidth);
      // The environments get the actions clipped to their bounds; the rollout keeps the samples.
      const envActions = Array.from({ length: n }, (_, e) => envAction(head, actions.subarray(e * a, (e + 1) * a)));
      const step = envs.step(envActions);
      this.numTimesteps += n;
      rollout.observations.set(observations, t * n * size);
      rollout.actions.set(actions, t * n * a);
      rollout.logProbs.set(logProbs, t * n);
      rollout.values.set(values, t * n);
      for (let e = 0; e < n; e++) {
        const raw = step.rewards[e];
        this.episodeReturns[e] += raw;
        this.episodeLengths[e] += 1;
        let reward = raw;
        if (this.returnRms) {
          this.discounted[e] = this.discounted[e] * this.options.gamma + raw;
          this.returnRms.update(this.discounted.subarray(e, e + 1), 1);
          reward = Math.min(Math.max(raw / Math.sqrt(this.returnRms.var[0] + 1e-8), -this.clip), this.clip);
        }
        const ended = step.terminations[e] === 1 || step.truncations[e] === 1;
        if (step.truncations[e] === 1 && step.terminations[e] === 0) {
          // Truncated, not terminated: the final state still has value; bootstrap from it.
          const final = this.normalize(step.infos[e]['finalObservation'] as Float32Array);
          reward += this.options.gamma * (yield* policy.valuesReads(final, 1))[0];
        }
        rollout.rewards[t * n + e] = reward;
        rollout.dones[t * n + e] = ended ? 1 : 0;
        if (ended) {
          this.episodes += 1;
          this.discounted[e] = 0;
          logger?.log({
            step: this.numTimesteps,
            epoch: this.numTimesteps,
            'charts/episodicReturn': this.episodeReturns[e],
            'charts/episodicLength': this.episodeLengths[e],
          });
          this.episodeReturns[e] = 0;
          this.episodeLengths[e] = 0;
        }
      }
      this.rawObservations = step.observations;
      observations = this.observe(step.observations, n);
      // Same-step autoreset: an ended sub-environment's info is its reset info, with the new episode's mask.
      if (this.masking) this.masks = this.stackMasks(step.infos);
    }
    rollout.lastValues = yield* policy.valuesReads(observations, n);
    return rollout;
  }

  /**
   * The episodes in progress, for a checkpoint: the current raw observations, running discounted
   * returns and episode statistics, and every sub-environment's state (null before the first rollout).
   */
  getState(): object | null {
    // Sub-environments in worker threads (AsyncVectorEnv) cannot be captured: a loaded agent starts new episodes.
    if (this.rawObservations === null || this.envs.envs === undefined) return null;
    return {
      rawObservations: encodeArray(this.rawObservations),
      discounted: Array.from(this.discounted),
      episodeReturns: Array.from(this.episodeReturns),
      episodeLengths: Array.from(this.episodeLengths),
      envs: this.envs.envs.map((env) => captureEnvState(env as Env<unknown, unknown>)),
      ...(this.masks === null ? {} : { actionMasks: encodeArray(this.masks) }),
    };
  }

  /** Restores {@link RolloutCollector.getState}'s output; throws FileFormatError naming `path` when it does not fit. */
  setState(saved: unknown, path: string): void {
    const envs = this.envs.envs;
    if (envs === undefined) return; // sub-environments in worker threads: start new episodes
    const n = this.envs.numEnvs;
    const state = saved as Record<string, unknown> | null;
    const numbers = (key: string) => {
      const list = state?.[key];
      return Array.isArray(list) && list.length === n && list.every(Number.isFinite);
    };
    const raw = decodeFloat32Exact(state?.['rawObservations'], n * this.envs.observationSize);
    if (
      raw === null ||
      !numbers('discounted') ||
      !numbers('episodeReturns') ||
      !numbers('episodeLengths') ||
      !Array.isArray(state?.['envs']) ||
      (state['envs'] as unknown[]).length !== n
    ) {
      const problem = `has malformed episodes in progress (expected ${n} environments)`;
      throw new FileFormatError({ path, problem, hint: 'Save the agent again.' });
    }
    envs.forEach((env, i) => restoreEnvState(env as Env<unknown, unknown>, (state['envs'] as unknown[])[i], path));
    const masks = state['actionMasks'];
    if (masks !== undefined) {
      const decoded = typeof masks === 'string' || masks instanceof Uint8Array ? decodeUint8(masks, 'inProgress.actionMasks') : null;
      if (decoded === null || decoded.length !== n * this.maskWidth || decoded.some((v) => v > 1))
        throw new FileFormatError({ path, problem: 'has malformed action masks', hint: 'Save the agent again.' });
      this.masking = true;
      this.masks = decoded;
    }
    this.rawObservations = raw;
    this.discounted.set(state['discounted'] as number[]);
    this.episodeReturns.set(state['episodeReturns'] as number[]);
    this.episodeLengths.set(state['episodeLengths'] as number[]);
  }

  /** The current action masks (`nEnvs x actions`, 1 = valid), or null when masking is off. */
  get actionMasks(): Uint8Array | null {
    return this.masks;
  }

  private get maskWidth(): number {
    return this.policy.head.kind === 'categorical' ? this.policy.head.n : 0;
  }

  private decideMasking(infos: Info[]): boolean {
    const mode = this.options.actionMasking ?? 'off';
    if (mode === 'off') return false;
    const provided = this.policy.head.kind === 'categorical' && stackActionMasks(infos, this.maskWidth) !== null;
    if (mode === 'on' && !provided)
      throw new InvalidArgumentError({
        parameter: 'actionMasking',
        value: mode,
        message: "The environments give no info.actionMask on reset (or the actions are not Discrete); use 'auto' or 'off'.",
      });
    return provided;
  }

  private stackMasks(infos: Info[]): Uint8Array {
    return stackActionMasks(infos, this.maskWidth) ?? new Uint8Array(infos.length * this.maskWidth).fill(1);
  }

  /** Forgets the current observations, so the next rollout starts with a reset (used after loading). */
  restart(): void {
    this.rawObservations = null;
    this.masks = null;
    this.discounted.fill(0);
    this.episodeReturns.fill(0);
    this.episodeLengths.fill(0);
  }
}
