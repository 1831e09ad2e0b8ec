/**
 * An exponential moving average of the generator's weights (Yazici et al. 2019, "The Unusual
 * Effectiveness of Averaging in GAN Training"; StyleGAN's `G_ema`), updated after every
 * step and used for sampling only. Opted into with `GanConfig.generatorEma`.
 */
import * as tf from '@tensorflow/tfjs';

/**
 * Moves `average` toward `generator`: `average = d * average + (1 - d) * weight` for every weight
 * (batch-norm running statistics included), with `d = min(decay, (1 + step) / (10 + step))`, the
 * ramp keeping early averages from being dominated by the random initial weights.
 *
 * @param step generator updates done, this one included
 * @example
 * ```ts
 * updateGeneratorAverage(averageGenerator, generator, 0.999, trainer.step);
 * ```
 * @category Tricks
 */
export function updateGeneratorAverage(average: tf.LayersModel, generator: tf.LayersModel, decay: number, step: number): void {
  const d = Math.min(decay, (1 + step) / (10 + step));
  const weights = generator.weights;
  tf.tidy(() => {
    average.weights.forEach((averaged, i) => {
      const variable = averaged.read() as tf.Variable;
      variable.assign(tf.add(tf.mul(variable, d), tf.mul(weights[i].read(), 1 - d)));
    });
  });
}
