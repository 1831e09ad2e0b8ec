import { Wrapper, type Env, type ResetOptions, type ResetResult, type StepResult } from '../env/env';
import type { Space } from '../spaces/space';

/**
 * Applies `fn` to every observation (Gymnasium's `TransformObservation`); give the new observation
 * space when `fn` changes it.
 * @example
 * ```ts
 * const env = new TransformObservation(make('CartPole-v1'), (o) => o.map((x) => x * 2));
 * ```
 * @category Wrappers
 */
export class TransformObservation<Obs, Act, InnerObs = Obs> extends Wrapper<Obs, Act, InnerObs, Act> {
  constructor(
    env: Env<InnerObs, Act>,
    readonly fn: (observation: InnerObs) => Obs,
    private readonly space?: Space<Obs>,
  ) {
    super(env);
  }

  override get observationSpace(): Space<Obs> {
    return this.space ?? (this.env.observationSpace as unknown as Space<Obs>);
  }

  override reset(options?: ResetOptions): ResetResult<Obs> {
    const result = this.env.reset(options);
    return { observation: this.fn(result.observation), info: result.info };
  }

  override step(action: Act): StepResult<Obs> {
    const result = this.env.step(action);
    return { ...result, observation: this.fn(result.observation) };
  }
}
