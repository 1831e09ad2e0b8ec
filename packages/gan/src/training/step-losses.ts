/**
 * The losses a training step reports, and how a loop reads those of many steps in one read.
 */
import * as tf from '@tensorflow/tfjs';

/**
 * Losses of one step (a generator update and the discriminator updates before it).
 *
 * @category Training
 */
export interface StepLosses {
  /** Discriminator (critic) loss of the last discriminator update. */
  discriminator: number;
  /** Generator loss. */
  generator: number;
  /** WGAN-GP: the gradient penalty term (lambda included) of the last critic update. */
  gradientPenalty?: number;
  /** WGAN-GP: the Wasserstein estimate `mean D(real) - mean D(fake)` of the last critic update. */
  wassersteinDistance?: number;
}

/**
 * The losses of one step still on the device (see {@link GanTrainer.trainStepTensors}): scalars
 * the caller owns, keyed like {@link StepLosses}.
 *
 * @category Training
 */
export type StepLossTensors = { [K in keyof StepLosses]: tf.Scalar };

/** The losses named `names` with their `values`, in StepLosses' field order. */
export function stepLossesFrom(names: string[], values: number[]): StepLosses {
  const value = (name: string) => values[names.indexOf(name)];
  const out: StepLosses = { discriminator: value('discriminator'), generator: value('generator') };
  if (names.includes('gradientPenalty')) out.gradientPenalty = value('gradientPenalty');
  if (names.includes('wassersteinDistance')) out.wassersteinDistance = value('wassersteinDistance');
  return out;
}

/**
 * Reads the losses of several steps in one asynchronous read (the scalars are stacked on the
 * device first) and disposes the scalars. This is how a training loop on a GPU reads its losses:
 * one round trip for many steps.
 *
 * @example
 * ```ts
 * const pending = [trainer.trainStepTensors(batches1), trainer.trainStepTensors(batches2)];
 * const [first, second] = await readStepLosses(pending);
 * ```
 * @category Training
 */
export async function readStepLosses(steps: StepLossTensors[]): Promise<StepLosses[]> {
  const scalars = steps.flatMap((losses) => Object.values(losses) as tf.Scalar[]);
  if (scalars.length === 0) return [];
  const stacked = tf.stack(scalars);
  try {
    const values = Array.from(await stacked.data());
    let offset = 0;
    return steps.map((losses) => {
      const names = Object.keys(losses);
      const out = stepLossesFrom(names, values.slice(offset, offset + names.length));
      offset += names.length;
      return out;
    });
  } finally {
    tf.dispose([stacked, ...scalars]);
  }
}
