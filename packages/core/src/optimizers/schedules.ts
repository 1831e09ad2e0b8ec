/**
 * Learning-rate schedules: functions of the optimizer step (1-based) with a serializable config,
 * so that a checkpointed optimizer resumes on the same schedule.
 */
import { InvalidArgumentError } from '../errors';

/**
 * A learning rate that changes with the step: `at(step)` for steps 1, 2, 3, ...
 *
 * @category Optimizers
 */
export interface LearningRateSchedule {
  /** The learning rate for optimizer step `step` (1-based). */
  at(step: number): number;
  /** A JSON-serializable description, `{ kind, ...options }`, that {@link scheduleFromConfig} reads back. */
  getConfig(): Record<string, unknown>;
}

function positive(parameter: string, value: number, allowZero = false): void {
  if (!Number.isFinite(value) || (allowZero ? value < 0 : value <= 0)) {
    throw new InvalidArgumentError({ parameter, value, message: `Must be a finite number ${allowZero ? '>= 0' : '> 0'}.` });
  }
}

/**
 * Multiplies the rate by `gamma` every `stepSize` steps (PyTorch StepLR counted in optimizer steps).
 * @example
 * ```ts
 * new Sgd({ learningRate: stepDecay({ initial: 0.1, stepSize: 1000, gamma: 0.5 }) });
 * ```
 * @category Optimizers
 */
export function stepDecay(options: { initial: number; stepSize: number; gamma?: number }): LearningRateSchedule {
  const { initial, stepSize, gamma = 0.1 } = options;
  positive('initial', initial);
  positive('stepSize', stepSize);
  positive('gamma', gamma);
  return {
    at: (step) => initial * gamma ** Math.floor((step - 1) / stepSize),
    getConfig: () => ({ kind: 'stepDecay', initial, stepSize, gamma }),
  };
}

/**
 * `initial * gamma^(step - 1)`.
 * @example
 * ```ts
 * new Adam({ learningRate: exponentialDecay({ initial: 1e-3, gamma: 0.999 }) });
 * ```
 * @category Optimizers
 */
export function exponentialDecay(options: { initial: number; gamma: number }): LearningRateSchedule {
  const { initial, gamma } = options;
  positive('initial', initial);
  positive('gamma', gamma);
  return { at: (step) => initial * gamma ** (step - 1), getConfig: () => ({ kind: 'exponentialDecay', initial, gamma }) };
}

/**
 * Linear warm-up from 0 to `peak` over `warmupSteps`, then cosine decay to `floor` at `totalSteps`
 * (and `floor` after).
 * @example
 * ```ts
 * new AdamW({ learningRate: cosineWithWarmup({ peak: 3e-4, warmupSteps: 500, totalSteps: 10000 }), weightDecay: 0.05 });
 * ```
 * @category Optimizers
 */
export function cosineWithWarmup(options: { peak: number; warmupSteps: number; totalSteps: number; floor?: number }): LearningRateSchedule {
  const { peak, warmupSteps, totalSteps, floor = 0 } = options;
  positive('peak', peak);
  positive('warmupSteps', warmupSteps, true);
  positive('floor', floor, true);
  if (!(totalSteps > warmupSteps))
    throw new InvalidArgumentError({ parameter: 'totalSteps', value: totalSteps, message: `Must exceed warmupSteps (${warmupSteps}).` });
  return {
    at(step) {
      if (step <= warmupSteps) return (peak * step) / warmupSteps;
      const progress = Math.min(1, (step - warmupSteps) / (totalSteps - warmupSteps));
      return floor + 0.5 * (peak - floor) * (1 + Math.cos(Math.PI * progress));
    },
    getConfig: () => ({ kind: 'cosineWithWarmup', peak, warmupSteps, totalSteps, floor }),
  };
}

/**
 * The one-cycle policy (Smith 2018, as PyTorch OneCycleLR with cosine annealing): from
 * `peak / divFactor` up to `peak` over the first `pctStart` of `totalSteps`, then down to
 * `peak / (divFactor * finalDivFactor)`.
 * @example
 * ```ts
 * new Sgd({ learningRate: oneCycle({ peak: 0.1, totalSteps: 5000 }), momentum: 0.9 });
 * ```
 * @category Optimizers
 */
export function oneCycle(options: {
  peak: number;
  totalSteps: number;
  pctStart?: number;
  divFactor?: number;
  finalDivFactor?: number;
}): LearningRateSchedule {
  const { peak, totalSteps, pctStart = 0.3, divFactor = 25, finalDivFactor = 1e4 } = options;
  positive('peak', peak);
  positive('totalSteps', totalSteps);
  if (!(pctStart > 0 && pctStart < 1))
    throw new InvalidArgumentError({ parameter: 'pctStart', value: pctStart, message: 'Must be in (0, 1).' });
  const start = peak / divFactor;
  const end = start / finalDivFactor;
  const upSteps = pctStart * totalSteps - 1;
  const downSteps = totalSteps - 1 - upSteps;
  const anneal = (from: number, to: number, t: number) => to + ((from - to) / 2) * (1 + Math.cos(Math.PI * t));
  return {
    at(step) {
      const i = step - 1;
      if (i <= upSteps) return anneal(start, peak, upSteps > 0 ? i / upSteps : 1);
      return anneal(peak, end, Math.min(1, (i - upSteps) / downSteps));
    },
    getConfig: () => ({ kind: 'oneCycle', peak, totalSteps, pctStart, divFactor, finalDivFactor }),
  };
}

/**
 * Linear interpolation from `initial` to `final` over `totalSteps` (then `final`).
 * @example
 * ```ts
 * new Sgd({ learningRate: linearDecay({ initial: 0.1, final: 0.001, totalSteps: 10000 }) });
 * ```
 * @category Optimizers
 */
export function linearDecay(options: { initial: number; final: number; totalSteps: number }): LearningRateSchedule {
  const { initial, final, totalSteps } = options;
  positive('initial', initial);
  positive('final', final, true);
  positive('totalSteps', totalSteps);
  return {
    at: (step) => initial + (final - initial) * Math.min(1, (step - 1) / totalSteps),
    getConfig: () => ({ kind: 'linear', initial, final, totalSteps }),
  };
}

/**
 * Rebuilds a schedule from its `getConfig()`.
 * @example
 * ```ts
 * const same = scheduleFromConfig(stepDecay({ initial: 0.1, stepSize: 10 }).getConfig());
 * ```
 * @category Optimizers
 */
export function scheduleFromConfig(config: Record<string, unknown>): LearningRateSchedule {
  const { kind, ...options } = config;
  const builders: Record<string, (o: never) => LearningRateSchedule> = {
    stepDecay,
    exponentialDecay,
    cosineWithWarmup,
    oneCycle,
    linear: linearDecay,
  };
  const build = builders[String(kind)];
  if (!build) {
    throw new InvalidArgumentError({
      parameter: 'config.kind',
      value: kind,
      message: `Expected one of ${Object.keys(builders).join(', ')}.`,
    });
  }
  return build(options as never);
}
