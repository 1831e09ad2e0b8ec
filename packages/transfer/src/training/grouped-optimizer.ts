/**
 * Per-parameter-group optimization, as PyTorch's optimizer param groups: each group of variables
 * has its own optimizer (its own learning rate, weight decay, ...), and one `GroupedOptimizer`
 * routes every variable's gradient to its group's optimizer. This gives discriminative learning
 * rates (lower for early layers, higher for the head; ULMFiT, Howard & Ruder 2018) and weight decay
 * that leaves biases and normalization parameters alone, with any optimizer, adaptive ones included
 * (scaling a gradient would not scale an Adam update; a per-group learning rate does).
 */
import * as tf from '@tensorflow/tfjs';

import { AdamW, Adam, Sgd, InvalidArgumentError, parseConfig, withDeprecatedAliases, z, type NamedTensor } from '@bigmodel/core';

import { selectLayers, type LayerSelector } from '../freeze/select-layers';

/**
 * One group: the variables (by tfjs variable name) and the optimizer that updates them.
 *
 * @category Fine-tuning
 */
export interface ParameterGroup {
  /** Names of the variables (`layer.weights[i].name`), unique in the tfjs engine. */
  variables: string[];
  /** Updates these variables. */
  optimizer: tf.Optimizer;
}

/**
 * A tf.Optimizer that hands each variable's gradient to the optimizer of its group. Use it in
 * `model.compile({ optimizer })` or in a custom loop. A gradient of a variable in no group throws.
 *
 * @example
 * ```ts
 * const optimizer = new GroupedOptimizer([
 *   { variables: base.map((w) => w.name), optimizer: new Adam({ learningRate: 1e-4 }) },
 *   { variables: head.map((w) => w.name), optimizer: new Adam({ learningRate: 1e-3 }) },
 * ]);
 * ```
 * @category Fine-tuning
 */
export class GroupedOptimizer extends tf.Optimizer {
  /** @internal */
  static className = 'BigModelGroupedOptimizer';
  private readonly groupOf = new Map<string, number>();

  constructor(readonly groups: ParameterGroup[]) {
    super();
    if (!Array.isArray(groups) || groups.length === 0) {
      throw new InvalidArgumentError({ parameter: 'groups', value: groups, message: 'Give at least one { variables, optimizer } group.' });
    }
    groups.forEach(({ variables, optimizer }, g) => {
      if (!(optimizer instanceof tf.Optimizer))
        throw new InvalidArgumentError({ parameter: `groups[${g}].optimizer`, value: optimizer, message: 'Must be a tf.Optimizer.' });
      for (const name of variables) {
        const other = this.groupOf.get(name);
        if (other !== undefined) {
          throw new InvalidArgumentError({
            parameter: `groups[${g}].variables`,
            value: name,
            message: `Already in group ${other}; a variable belongs to one group.`,
          });
        }
        this.groupOf.set(name, g);
      }
    });
  }

  override applyGradients(variableGradients: tf.NamedTensorMap | NamedTensor[]): void {
    const pairs = Array.isArray(variableGradients)
      ? variableGradients.map(({ name, tensor }) => [name, tensor] as const)
      : Object.entries(variableGradients);
    const perGroup = this.groups.map(() => ({}) as tf.NamedTensorMap);
    for (const [name, gradient] of pairs) {
      const g = this.groupOf.get(name);
      if (g === undefined) {
        throw new InvalidArgumentError({
          parameter: 'variableGradients',
          value: name,
          message: 'This variable is in no parameter group; build the GroupedOptimizer for the model being trained.',
        });
      }
      perGroup[g][name] = gradient;
    }
    perGroup.forEach((gradients, g) => Object.keys(gradients).length > 0 && this.groups[g].optimizer.applyGradients(gradients));
    this.incrementIterations();
  }

  override dispose(): void {
    for (const { optimizer } of this.groups) optimizer.dispose();
    super.dispose();
  }

  /** Each group's optimizer state, names prefixed `group<i>/`. */
  override async getWeights(): Promise<NamedTensor[]> {
    const all: NamedTensor[] = [];
    for (const [g, { optimizer }] of this.groups.entries()) {
      for (const { name, tensor } of await optimizer.getWeights()) all.push({ name: `group${g}/${name}`, tensor });
    }
    return all;
  }

  override async setWeights(weightValues: NamedTensor[]): Promise<void> {
    for (const [g, { optimizer }] of this.groups.entries()) {
      const prefix = `group${g}/`;
      const mine = weightValues
        .filter(({ name }) => name.startsWith(prefix))
        .map(({ name, tensor }) => ({ name: name.slice(prefix.length), tensor }));
      await optimizer.setWeights(mine);
    }
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      groups: this.groups.map(({ variables, optimizer }) => ({
        variables,
        optimizer: { className: optimizer.getClassName(), config: optimizer.getConfig() },
      })),
    } as unknown as tf.serialization.ConfigDict;
  }

  /** Rebuilds from {@link GroupedOptimizer.getConfig}; the variable names must exist in this process. */
  static override fromConfig<T extends tf.serialization.Serializable>(
    cls: tf.serialization.SerializableConstructor<T>,
    config: tf.serialization.ConfigDict,
  ): T {
    const groups = (
      config['groups'] as unknown as { variables: string[]; optimizer: { className: string; config: tf.serialization.ConfigDict } }[]
    ).map((group) => ({
      variables: group.variables,
      optimizer: deserializeOptimizer(group.optimizer.className, group.optimizer.config),
    }));
    return new cls(groups) as T;
  }
}
tf.serialization.registerClass(GroupedOptimizer);

function deserializeOptimizer(className: string, config: tf.serialization.ConfigDict): tf.Optimizer {
  const entry = tf.serialization.SerializationMap.getMap().classNameMap[className];
  if (!entry)
    throw new InvalidArgumentError({
      parameter: 'config.groups[].optimizer.className',
      value: className,
      message: 'No optimizer class of that name is registered.',
    });
  const [cls, fromConfig] = entry;
  return fromConfig(cls, config) as unknown as tf.Optimizer;
}

/**
 * The default no-weight-decay rule: biases, batch-norm / layer-norm gamma and beta, and every weight of rank <= 1.
 *
 * @category Fine-tuning
 */
export function isNoDecayWeight(weight: tf.LayerVariable): boolean {
  return /\/(bias|gamma|beta|moving_mean|moving_variance)(_\d+)?$/.test(weight.originalName) || weight.shape.length <= 1;
}

/** A group of layers with its own learning rate (`lr` is the deprecated name of `learningRate`). */
const parameterGroupSchema = withDeprecatedAliases(
  z.strictObject({
    layers: z
      .custom<LayerSelector>((v) => v !== undefined && v !== null, {
        message: 'Expected a layer selector (name, index, range, predicate or list).',
      })
      .describe('The layers of the group: a name, an index, a { from, to } range, a predicate or a list of these (required).'),
    learningRate: z
      .number()
      .positive()
      .describe('The learning rate of the group, a finite number > 0 (required; `lr` is its deprecated alias).'),
  }),
  { lr: 'learningRate' },
);

/**
 * The schema of {@link ParamGroupOptimizerConfig}: each field's rule, default and description, read
 * by core's `parseConfig` and `configJsonSchema`.
 *
 * @category Fine-tuning
 */
export const paramGroupOptimizerConfigSchema = withDeprecatedAliases(
  z.strictObject({
    optimizer: z
      .enum(['adamw', 'adam', 'sgd'])
      .default('adamw')
      .describe('The update rule of every group: adamw, adam or sgd (default adamw).'),
    learningRate: z
      .number()
      .positive()
      .default(1e-3)
      .describe('The learning rate of layers in no group, a finite number > 0 (default 1e-3; `lr` is its deprecated alias).'),
    weightDecay: z
      .number()
      .min(0)
      .default(0)
      .describe('Decoupled weight decay (AdamW; L2 for SGD and Adam) of weights that decay, >= 0 (default 0).'),
    noDecay: z
      .custom<(weight: tf.LayerVariable) => boolean>((v) => typeof v === 'function', {
        message: 'Expected a function (weight) => boolean.',
      })
      .optional()
      .describe('Weights that never decay (default isNoDecayWeight: biases and normalization parameters).'),
    groups: z
      .array(parameterGroupSchema)
      .default([])
      .describe('Discriminative learning rates: layers each group selects get its learningRate (first matching group wins; default none).'),
    momentum: z.number().min(0).max(1).default(0.9).describe('SGD momentum in [0, 1] (default 0.9; sgd only).'),
  }),
  { lr: 'learningRate' },
);

/**
 * Options of {@link paramGroupOptimizer}, inferred from its schema (the one place its fields are
 * described): `optimizer` (`'adamw'` | `'adam'` | `'sgd'`, default `'adamw'`), `learningRate` of
 * layers in no group (default 1e-3), `weightDecay` (default 0), `noDecay` (default
 * {@link isNoDecayWeight}), `groups: { layers, learningRate }[]` (default none), `momentum` (SGD,
 * default 0.9). `lr` (here and in a group) is the deprecated name of `learningRate`.
 *
 * @category Fine-tuning
 */
export type ParamGroupOptimizerConfig = z.input<typeof paramGroupOptimizerConfigSchema>;

/**
 * Builds a {@link GroupedOptimizer} for `model`: per-layer-group learning rates, and weight decay
 * on every weight except those `noDecay` picks (biases and normalization parameters by default).
 * Layer selectors that match nothing, or a bad rate, throw InvalidArgumentError naming the option.
 *
 * @example
 * ```ts
 * const optimizer = paramGroupOptimizer(model, {
 *   learningRate: 1e-3, weightDecay: 1e-4,
 *   groups: [
 *     { layers: (l) => l.name.startsWith('block1'), learningRate: 1e-5 },
 *     { layers: (l) => l.name.startsWith('block3'), learningRate: 1e-4 },
 *   ],
 * });
 * model.compile({ optimizer, loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
 * ```
 * @category Fine-tuning
 */
export function paramGroupOptimizer(model: tf.LayersModel, config: ParamGroupOptimizerConfig = {}): GroupedOptimizer {
  const {
    optimizer,
    learningRate,
    weightDecay,
    noDecay = isNoDecayWeight,
    groups,
    momentum,
  } = parseConfig(paramGroupOptimizerConfigSchema, config, 'ParamGroupOptimizerConfig');
  const lrOfLayer = model.layers.map(() => learningRate);
  const assigned = model.layers.map(() => false);
  groups.forEach((group, i) => {
    const indices = selectLayers(model, group.layers, `ParamGroupOptimizerConfig.groups[${i}].layers`);
    if (indices.length === 0)
      throw new InvalidArgumentError({
        parameter: `ParamGroupOptimizerConfig.groups[${i}].layers`,
        value: group.layers,
        message: 'Selects no layer.',
      });
    for (const index of indices) if (!assigned[index]) [lrOfLayer[index], assigned[index]] = [group.learningRate, true];
  });
  const make = (rate: number, decay: number): tf.Optimizer =>
    optimizer === 'sgd'
      ? new Sgd({ learningRate: rate, momentum, weightDecay: decay })
      : optimizer === 'adam'
        ? new Adam({ learningRate: rate, weightDecay: decay })
        : new AdamW({ learningRate: rate, weightDecay: decay });
  const byKey = new Map<string, ParameterGroup>();
  model.layers.forEach((layer, index) => {
    for (const weight of layer.trainableWeights.concat(layer.nonTrainableWeights)) {
      if (/moving_(mean|variance)/.test(weight.originalName)) continue;
      const decay = noDecay(weight) ? 0 : weightDecay;
      const key = `${lrOfLayer[index]}|${decay}`;
      let group = byKey.get(key);
      if (!group) byKey.set(key, (group = { variables: [], optimizer: make(lrOfLayer[index], decay) }));
      group.variables.push(weight.name);
    }
  });
  return new GroupedOptimizer([...byKey.values()]);
}
