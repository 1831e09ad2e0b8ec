import { Wrapper, type Env, type ResetOptions, type ResetResult, type StepResult } from '../env/env';

/**
 * The summary {@link RecordEpisodeStatistics} puts in `info.episode` when an episode ends.
 *
 * @category Wrappers
 */
export interface EpisodeStatistics {
  /** The undiscounted return. */
  r: number;
  /** The length in steps. */
  l: number;
  /** Seconds since the episode started. */
  t: number;
}

/**
 * Tracks each episode's return and length; when one ends, adds `info.episode = { r, l, t }` and
 * appends to the last-`bufferLength` queues `returnQueue` and `lengthQueue` (Gymnasium's
 * `RecordEpisodeStatistics`).
 * @example
 * ```ts
 * const env = new RecordEpisodeStatistics(make('CartPole-v1'));
 * // after some episodes: env.returnQueue holds the last 100 returns
 * ```
 * @category Wrappers
 */
export class RecordEpisodeStatistics<Obs, Act> extends Wrapper<Obs, Act> {
  /** Returns of the last `bufferLength` episodes, oldest first. */
  readonly returnQueue: number[] = [];
  /** Lengths of the last `bufferLength` episodes, oldest first. */
  readonly lengthQueue: number[] = [];
  /** Episodes finished so far. */
  episodeCount = 0;
  private episodeReturn = 0;
  private episodeLength = 0;
  private startTime = performance.now();

  constructor(
    env: Env<Obs, Act>,
    readonly bufferLength = 100,
  ) {
    super(env);
  }

  override reset(options?: ResetOptions): ResetResult<Obs> {
    this.episodeReturn = 0;
    this.episodeLength = 0;
    this.startTime = performance.now();
    return this.env.reset(options);
  }

  override step(action: Act): StepResult<Obs> {
    const result = this.env.step(action);
    this.episodeReturn += result.reward;
    this.episodeLength += 1;
    if (result.terminated || result.truncated) {
      const episode: EpisodeStatistics = { r: this.episodeReturn, l: this.episodeLength, t: (performance.now() - this.startTime) / 1000 };
      result.info = { ...result.info, episode };
      this.returnQueue.push(episode.r);
      this.lengthQueue.push(episode.l);
      if (this.returnQueue.length > this.bufferLength) {
        this.returnQueue.shift();
        this.lengthQueue.shift();
      }
      this.episodeCount += 1;
      this.episodeReturn = 0;
      this.episodeLength = 0;
    }
    return result;
  }
}
