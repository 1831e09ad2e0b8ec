/**
 * What every bigmodel optimizer shares: per-variable state slots, learning-rate schedules, gradient
 * clipping, and state that saves and restores exactly (getWeights / setWeights), on top of
 * tf.Optimizer so that `model.compile({ optimizer })` and custom loops over explicit variable lists
 * both work. Each optimizer (sgd.ts, adam.ts, ...) supplies only its update rule, written in the
 * same order of operations as PyTorch's, against which it is tested.
 */
import * as tf from '@tensorflow/tfjs';

/**
 * A tensor with a name, as optimizers save their state (tfjs-core's NamedTensor).
 *
 * @category Optimizers
 */
export type NamedTensor = { name: string; tensor: tf.Tensor };

import { z } from 'zod';

import { withDeprecatedAliases } from '../config';
import { InvalidArgumentError } from '../errors';
import { scheduleFromConfig, type LearningRateSchedule } from './schedules';

/** A finite number > 0, or a schedule (an object with `at(step)`). */
function isLearningRate(value: unknown): value is number | LearningRateSchedule {
  if (typeof value === 'number') return value > 0 && Number.isFinite(value);
  return typeof (value as Partial<LearningRateSchedule> | null)?.at === 'function';
}

/** The fields every optimizer's config schema starts with. */
export const optimizerBaseFields = {
  learningRate: z
    .custom<number | LearningRateSchedule>(isLearningRate, {
      message: 'Expected a finite number > 0 or a LearningRateSchedule (an object with at(step)).',
    })
    // In JSON (a --config file) a learning rate can only be a number: the JSON Schema says so.
    .meta({
      description: 'Learning rate: a finite number > 0, or a LearningRateSchedule (required; `lr` is its deprecated alias).',
      type: 'number',
      exclusiveMinimum: 0,
    }),
  clipNorm: z.number().positive().optional().describe('Clip the gradients of each update to this global L2 norm (default: no clipping).'),
  clipValue: z.number().positive().optional().describe('Clip every gradient element to [-clipValue, clipValue] (default: no clipping).'),
};

/** Deprecated spellings in optimizer configs, kept for one release. */
export const OPTIMIZER_ALIASES = { lr: 'learningRate' } as const;

/**
 * The schema of {@link OptimizerBaseConfig}, the options every optimizer takes (with the
 * deprecated `lr`).
 *
 * @category Optimizers
 */
export const optimizerBaseSchema = withDeprecatedAliases(z.strictObject(optimizerBaseFields), OPTIMIZER_ALIASES);

/**
 * Options every bigmodel optimizer takes, inferred from its schema: `learningRate` (a number > 0
 * or a {@link LearningRateSchedule}; required), `clipNorm` and `clipValue` (default: no clipping).
 * `lr` is the deprecated name of `learningRate` (accepted for one release; not both).
 *
 * @category Optimizers
 */
export type OptimizerBaseConfig = z.input<typeof optimizerBaseSchema>;

/** The options every optimizer keeps, validated. */
export type ResolvedOptimizerBase = z.output<typeof optimizerBaseSchema>;

/**
 * The constructor options in a saved config, with a saved schedule rebuilt (a config saved with
 * `lr`, before the rename, reads as `learningRate`) and what tfjs-layers adds while loading left out.
 */
export function configFromDict(dict: tf.serialization.ConfigDict): Record<string, unknown> {
  // tfjs-layers' deserializer adds its customObjects to the saved config; they are not an option.
  const { lr, learningRate = lr, customObjects: _customObjects, ...rest } = dict as Record<string, unknown>;
  const rate = typeof learningRate === 'number' ? learningRate : scheduleFromConfig(learningRate as Record<string, unknown>);
  return { ...rest, learningRate: rate };
}

/**
 * Base of bigmodel's optimizers. Subclasses implement {@link BigModelOptimizer.update}.
 *
 * @category Optimizers
 */
export abstract class BigModelOptimizer extends tf.Optimizer {
  /** Names of the per-variable state slots, in the order they are saved (e.g. `['m', 'v']`). */
  protected abstract readonly slotNames: readonly string[];
  /** Per-variable state, created on first update, in the order variables were first updated. */
  private readonly slots = new Map<string, tf.Variable[]>();
  /**
   * Restored state of variables not seen yet, in saved order. A model loaded from disk has new
   * variable names, so restored state is matched by position (the order of first update), as
   * tf.Optimizer does. Each keeps its saved name, so that a save before the next update keeps it too.
   */
  private readonly pending: { name: string; slots: tf.Variable[] }[] = [];

  protected constructor(protected readonly base: ResolvedOptimizerBase) {
    super();
  }

  /** The learning rate of update number `step` (1-based). */
  learningRate(step: number): number {
    const { learningRate } = this.base;
    return typeof learningRate === 'number' ? learningRate : learningRate.at(step);
  }

  /** Initial value of slot `name` for `variable` (default zeros). */
  protected initialSlot(_name: string, variable: tf.Variable): tf.Tensor {
    return tf.zerosLike(variable);
  }

  /**
   * Computes the new value of `variable` and of its slots, given its gradient, the learning rate,
   * the 1-based step, and whether this is the variable's first update (its slots just created).
   * Runs inside `tf.tidy`; return new tensors, assign nothing.
   */
  protected abstract update(
    variable: tf.Tensor,
    gradient: tf.Tensor,
    slots: tf.Tensor[],
    lr: number,
    step: number,
    fresh: boolean,
  ): { variable: tf.Tensor; slots: tf.Tensor[] };

  override applyGradients(variableGradients: tf.NamedTensorMap | NamedTensor[]): void {
    const pairs = Array.isArray(variableGradients)
      ? variableGradients.map(({ name, tensor }) => [name, tensor] as const)
      : Object.entries(variableGradients);
    const present = pairs.filter(([, g]) => g != null) as [string, tf.Tensor][];
    const step = this.iterations + 1;
    const lr = this.learningRate(step);
    tf.tidy(() => {
      const gradients = this.clip(present.map(([, g]) => g));
      present.forEach(([name, _], i) => {
        const variable = tf.engine().registeredVariables[name];
        if (!variable)
          throw new InvalidArgumentError({ parameter: 'variableGradients', value: name, message: 'No variable has this name.' });
        const { slots, fresh } = this.slotsOf(name, variable);
        const next = this.update(variable, gradients[i], slots, lr, step, fresh);
        variable.assign(next.variable);
        // A slot the rule leaves as it is comes back as the same object (assigning it to itself would free it).
        slots.forEach((slot, k) => next.slots[k] !== slot && slot.assign(next.slots[k]));
      });
    });
    this.incrementIterations();
  }

  /** Applies clipValue, then clipNorm (global over this update's gradients). */
  private clip(gradients: tf.Tensor[]): tf.Tensor[] {
    let out = gradients;
    const { clipValue, clipNorm } = this.base;
    if (clipValue !== undefined) out = out.map((g) => tf.clipByValue(g, -clipValue, clipValue));
    if (clipNorm !== undefined && out.length > 0) {
      const norm = tf.sqrt(tf.addN(out.map((g) => tf.sum(tf.square(g)))));
      const scale = tf.div(clipNorm, tf.maximum(norm, clipNorm));
      out = out.map((g) => tf.mul(g, scale));
    }
    return out;
  }

  /** The slots of `name`, and whether they were just created (not restored, not used before). */
  private slotsOf(name: string, variable: tf.Variable): { slots: tf.Variable[]; fresh: boolean } {
    let slots = this.slots.get(name);
    let fresh = false;
    if (!slots) {
      const restored = this.pending.shift()?.slots;
      if (restored && !tf.util.arraysEqual(restored[0].shape, variable.shape)) {
        throw new InvalidArgumentError({
          parameter: 'weightValues',
          value: restored[0].shape,
          message:
            `Restored optimizer state does not fit variable ${name} of shape [${variable.shape.join(', ')}]; ` +
            'was it saved for another model?',
        });
      }
      fresh = restored === undefined;
      slots = restored ?? this.slotNames.map((slot) => tf.variable(this.initialSlot(slot, variable), false));
      this.slots.set(name, slots);
    }
    return { slots, fresh };
  }

  override dispose(): void {
    this.savedIterations?.dispose();
    for (const slots of [...this.slots.values(), ...this.pending.map((p) => p.slots)]) tf.dispose(slots);
    this.slots.clear();
    this.pending.length = 0;
    super.dispose();
  }

  /** The `iter` scalar handed out by the last getWeights (its callers never dispose it). */
  private savedIterations: tf.Tensor | undefined;

  /** The iteration count and every slot, named `<variable>/<slot>`, for checkpoints. */
  override async getWeights(): Promise<NamedTensor[]> {
    this.savedIterations?.dispose();
    const iterations = await this.saveIterations();
    this.savedIterations = iterations.tensor;
    const weights = [iterations];
    // Restored state not used yet follows, under its saved names and in its saved order.
    for (const [name, slots] of [...this.slots, ...this.pending.map((p) => [p.name, p.slots] as const)])
      slots.forEach((slot, k) => weights.push({ name: `${name}/${this.slotNames[k]}`, tensor: slot }));
    return weights;
  }

  /**
   * Restores what {@link getWeights} saved, so that training continues exactly. State of variables
   * this optimizer already tracks is matched by name; the rest waits for the next variables it
   * meets, in saved order.
   */
  override async setWeights(weightValues: NamedTensor[]): Promise<void> {
    const rest = await this.extractIterations(weightValues);
    const byVariable = new Map<string, tf.Tensor[]>();
    for (const { name, tensor } of rest) {
      const cut = name.lastIndexOf('/');
      const [variableName, slotName] = [name.slice(0, cut), name.slice(cut + 1)];
      const k = this.slotNames.indexOf(slotName);
      if (k < 0)
        throw new InvalidArgumentError({
          parameter: 'weightValues',
          value: name,
          message: `Unknown slot; this optimizer has ${this.slotNames.join(', ')}.`,
        });
      const values = byVariable.get(variableName) ?? [];
      values[k] = tensor;
      byVariable.set(variableName, values);
    }
    for (const [variableName, values] of byVariable) {
      if (this.slotNames.some((_, k) => values[k] === undefined)) {
        throw new InvalidArgumentError({
          parameter: 'weightValues',
          value: variableName,
          message: `Needs every slot (${this.slotNames.join(', ')}) of each variable.`,
        });
      }
      const existing = this.slots.get(variableName);
      if (existing) existing.forEach((slot, k) => slot.assign(values[k]));
      else this.pending.push({ name: variableName, slots: values.map((value) => tf.variable(value, false)) });
    }
  }

  /** Rebuilds an optimizer from its `getConfig()` (a saved schedule included). */
  static override fromConfig<T extends tf.serialization.Serializable>(
    cls: tf.serialization.SerializableConstructor<T>,
    config: tf.serialization.ConfigDict,
  ): T {
    return new (cls as unknown as new (config: Record<string, unknown>) => T)(configFromDict(config));
  }

  /** The configuration shared by all optimizers, with a schedule given by its config. */
  protected baseConfig(): Record<string, unknown> {
    const { learningRate, clipNorm, clipValue } = this.base;
    return { learningRate: typeof learningRate === 'number' ? learningRate : learningRate.getConfig(), clipNorm, clipValue };
  }
}
