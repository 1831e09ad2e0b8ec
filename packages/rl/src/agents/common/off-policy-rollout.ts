/**
 * The environment side of the off-policy agents (SAC, TD3), as Stable-Baselines3's
 * `OffPolicyAlgorithm.collect_rollouts`: one environment, each step's transition stored in the
 * replay buffer with its action scaled to [-1, 1], episode statistics logged, and training due
 * every `trainFreq` steps (or episodes) once more than `learningStarts` steps were taken.
 * Time-limit truncations are stored as not done with the final observation, so the critics'
 * targets bootstrap from it; terminations do not.
 */
import { FileFormatError, type MetricsLogger } from '@bigmodel/core';

import type { Env } from '../../env/env';
import type { Box } from '../../spaces/box';
import { decodeFloat32Exact, encodeArray } from '../checkpoint';
import { captureEnvState, restoreEnvState } from './env-state';
import type { ReplayBuffer } from './replay-buffer';
import { unscaleAction } from './box-actions';

/**
 * When an off-policy agent trains: the fields of its config that {@link OffPolicyRollout} reads.
 *
 * @category Agents
 */
export interface OffPolicySchedule {
  /** Environment steps of uniformly random actions before learning starts. */
  learningStarts: number;
  /** Steps (or episodes, see `trainFreqUnit`) between training phases. */
  trainFreq: number;
  /** Whether `trainFreq` counts environment steps or finished episodes. */
  trainFreqUnit: 'step' | 'episode';
  /** Gradient steps per training phase; -1: as many as environment steps since the last phase. */
  gradientSteps: number;
}

/**
 * One environment stepped by an off-policy agent, with the episode in progress.
 * @category Agents
 */
export class OffPolicyRollout {
  /** Environment steps taken in all `learn` calls. */
  numTimesteps = 0;
  /** Episodes finished. */
  episodes = 0;
  /** The current observation, or null before the first reset. */
  observation: Float32Array | null = null;
  private episodeReturn = 0;
  private episodeLength = 0;
  private stepsSinceTrain = 0;
  private episodesSinceTrain = 0;

  /** Environment steps collected since the last training phase ended (0 at the start of a phase). */
  get stepsCollected(): number {
    return this.stepsSinceTrain;
  }

  constructor(
    readonly env: Env<Float32Array, Float32Array>,
    readonly space: Box,
    readonly buffer: ReplayBuffer,
  ) {}

  /** The current observation; a new or resumed agent's first reset is seeded with seed + episodes so far. */
  start(seed: number): Float32Array {
    if (this.observation === null) {
      this.observation = this.env.reset({ seed: seed + this.episodes }).observation;
      this.episodeReturn = 0;
      this.episodeLength = 0;
    }
    return this.observation;
  }

  /**
   * Takes one step with the network action `scaled` (in [-1, 1]^n), stores the transition and logs
   * a finished episode's return and length; returns whether an episode ended.
   */
  step(scaled: Float32Array, logger?: MetricsLogger): boolean {
    const observation = this.observation as Float32Array;
    const result = this.env.step(unscaleAction(scaled, this.space));
    // On truncation the step's observation is the final one: store it and bootstrap from it.
    this.buffer.add(observation, result.observation, scaled, result.reward, result.terminated);
    this.episodeReturn += result.reward;
    this.episodeLength += 1;
    this.numTimesteps += 1;
    this.stepsSinceTrain += 1;
    if (!(result.terminated || result.truncated)) {
      this.observation = result.observation;
      return false;
    }
    this.episodes += 1;
    this.episodesSinceTrain += 1;
    logger?.log({
      step: this.numTimesteps,
      epoch: this.numTimesteps,
      'charts/episodicReturn': this.episodeReturn,
      'charts/episodicLength': this.episodeLength,
    });
    this.observation = this.env.reset().observation;
    this.episodeReturn = 0;
    this.episodeLength = 0;
    return true;
  }

  /**
   * The gradient steps due after this step: 0 until `trainFreq` steps (episodes) were collected
   * since the last phase, then `gradientSteps` (the steps collected, for -1), or 0 while
   * `numTimesteps <= learningStarts`. A phase's collection ends here whether or not it trains.
   */
  gradientStepsDue(schedule: OffPolicySchedule): number {
    const collected = schedule.trainFreqUnit === 'step' ? this.stepsSinceTrain : this.episodesSinceTrain;
    if (collected < schedule.trainFreq) return 0;
    const steps = schedule.gradientSteps === -1 ? this.stepsSinceTrain : schedule.gradientSteps;
    this.stepsSinceTrain = 0;
    this.episodesSinceTrain = 0;
    return this.numTimesteps > schedule.learningStarts ? steps : 0;
  }

  /** The episode in progress for a checkpoint (null before the first reset). */
  toJSON(): object | null {
    if (this.observation === null) return null;
    return {
      observation: encodeArray(this.observation),
      episodeReturn: this.episodeReturn,
      episodeLength: this.episodeLength,
      stepsSinceTrain: this.stepsSinceTrain,
      episodesSinceTrain: this.episodesSinceTrain,
      env: captureEnvState(this.env),
    };
  }

  /** Restores what {@link OffPolicyRollout.toJSON} saved; `path` names the checkpoint in errors. */
  restore(saved: unknown, path: string): void {
    if (saved === null || saved === undefined) return;
    const episode = saved as Record<string, unknown>;
    const counters = ['episodeReturn', 'episodeLength', 'stepsSinceTrain', 'episodesSinceTrain'] as const;
    const observation = decodeFloat32Exact(episode['observation'], this.buffer.observationSize);
    // The counts are whole, not negative, and no larger than the steps taken (a forged stepsSinceTrain would set the gradient steps due).
    const counts = ['episodeLength', 'stepsSinceTrain', 'episodesSinceTrain'] as const;
    const badCount = counts.some(
      (k) => !Number.isSafeInteger(episode[k]) || (episode[k] as number) < 0 || (episode[k] as number) > this.numTimesteps,
    );
    if (typeof saved !== 'object' || observation === null || counters.some((k) => !Number.isFinite(episode[k])) || badCount) {
      const hint = 'Save the agent again, or delete its "episode" field to start a new episode.';
      throw new FileFormatError({ path, problem: 'has a malformed episode in progress', hint });
    }
    restoreEnvState(this.env as Env<unknown, unknown>, episode['env'], path);
    this.observation = observation;
    this.episodeReturn = episode['episodeReturn'] as number;
    this.episodeLength = episode['episodeLength'] as number;
    this.stepsSinceTrain = episode['stepsSinceTrain'] as number;
    this.episodesSinceTrain = episode['episodesSinceTrain'] as number;
  }
}
