import { Wrapper, type Env, type ResetOptions, type ResetResult, type StepResult } from '../env/env';
import { Box } from '../spaces/box';
import { RunningMeanStd } from '../utils/running-mean-std';

/**
 * Normalizes observations to `(x - mean) / sqrt(var + epsilon)` with running statistics
 * (Gymnasium's `NormalizeObservation`). Set `updateRunningMean = false` to freeze the statistics
 * (for evaluation).
 * @example
 * ```ts
 * const env = new NormalizeObservation(make('Pendulum-v1'));
 * env.updateRunningMean = false; // frozen
 * ```
 * @category Wrappers
 */
export class NormalizeObservation<Act> extends Wrapper<Float32Array, Act> {
  /** The running statistics (replace or restore them to share with another env). */
  obsRms: RunningMeanStd;
  /** Whether observations update the statistics (default true). */
  updateRunningMean = true;
  private readonly normalizedSpace: Box;

  constructor(
    env: Env<Float32Array, Act>,
    readonly epsilon = 1e-8,
  ) {
    super(env);
    const size = (env.observationSpace as Box).size;
    this.obsRms = new RunningMeanStd(size);
    this.normalizedSpace = new Box({ low: -Infinity, high: Infinity, shape: (env.observationSpace as Box).shape, dtype: 'float32' });
  }

  override get observationSpace(): Box {
    return this.normalizedSpace;
  }

  override reset(options?: ResetOptions): ResetResult<Float32Array> {
    const result = this.env.reset(options);
    return { ...result, observation: this.normalize(result.observation) };
  }

  override step(action: Act): StepResult<Float32Array> {
    const result = this.env.step(action);
    result.observation = this.normalize(result.observation);
    return result;
  }

  private normalize(observation: Float32Array): Float32Array {
    if (this.updateRunningMean) this.obsRms.update(observation, 1);
    const out = new Float32Array(observation.length);
    for (let i = 0; i < out.length; i++) out[i] = (observation[i] - this.obsRms.mean[i]) / Math.sqrt(this.obsRms.var[i] + this.epsilon);
    return out;
  }
}
