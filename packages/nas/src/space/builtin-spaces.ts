/**
 * Spaces that ship with the package, by name (the CLI's `--space builtin:NAME`):
 *
 * - `mnist`: CNNs for 28x28 digits, read by {@link mnistEvaluator}: 2-3 conv blocks (the third
 *   block's width conditional on depth), one 3x3 convolution per block and batch norm (fixed),
 *   activation, a dense head, dropout, learning rate (log), batch size, augmentation
 *   (shift or affine) and label smoothing; Adam (fixed), its learning rate annealed along a cosine
 *   to 0 at the end of each trial's budget (fixed).
 * - `cell`: a NAS-Bench-201-style cell, a DAG over 4 nodes whose 6 edges each choose one of 5
 *   operations (15,625 cells), as plain categoricals.
 * - `branin` (2 floats) and `hartmann6` (6 floats in [0, 1]): the analytic benchmark functions.
 */
import { InvalidArgumentError } from '@bigmodel/core';

import { SearchSpace, type SearchSpaceDefinition } from './search-space';

/**
 * The operations of a NAS-Bench-201 cell edge.
 *
 * @category Spaces
 */
export const CELL_OPERATIONS = ['none', 'skip_connect', 'nor_conv_1x1', 'nor_conv_3x3', 'avg_pool_3x3'] as const;

/**
 * The edges of a NAS-Bench-201 cell, `to<-from`, in the benchmark's order.
 *
 * @category Spaces
 */
export const CELL_EDGES = ['1<-0', '2<-0', '2<-1', '3<-0', '3<-1', '3<-2'] as const;

const DEFINITIONS: Record<string, () => SearchSpaceDefinition> = {
  mnist: () => ({
    name: 'mnist',
    params: {
      blocks: { type: 'int', min: 2, max: 3 },
      filters1: { type: 'categorical', choices: [24, 32] },
      filters2: { type: 'categorical', choices: [48, 64] },
      filters3: { type: 'categorical', choices: [64, 96], when: { param: 'blocks', min: 3 } },
      // Two convolutions per block scored no better on a design hold-out at 3x the time (docs/results/nas.md).
      convsPerBlock: { type: 'fixed', value: 1 },
      // 5x5 costs ~2x the training step of 3x3 (234 vs 114 ms, batch 64, one wasm thread), and a 5x5
      // promotion to 32 epochs took 15-18 of a search's 30 minutes (docs/results/nas.md, runs M and N).
      kernelSize: { type: 'fixed', value: 3 },
      // Without batch norm the best networks scored ~0.4 points lower on a design hold-out, but
      // scored higher after a few epochs, so multi-fidelity searches promoted them (docs/results/nas.md).
      batchNorm: { type: 'fixed', value: true },
      activation: { type: 'categorical', choices: ['relu', 'elu'] },
      denseUnits: { type: 'categorical', choices: [0, 64, 128] },
      dropout: { type: 'float', min: 0, max: 0.5 },
      // The evaluator also knows 'rmsprop' and 'sgd'; RMSprop diverged to chance in ~1 trial in 10.
      optimizer: { type: 'fixed', value: 'adam' },
      learningRate: { type: 'float', min: 1e-3, max: 5e-3, log: true },
      batchSize: { type: 'categorical', choices: [64, 128] },
      // The evaluator also knows 'none', which scored below both in every search.
      augment: { type: 'categorical', choices: ['shift', 'affine'] },
      labelSmoothing: { type: 'categorical', choices: [0, 0.1] },
      lrSchedule: { type: 'fixed', value: 'cosine' },
    },
  }),
  cell: () => ({
    name: 'cell',
    params: Object.fromEntries(CELL_EDGES.map((edge) => [`edge${edge}`, { type: 'categorical' as const, choices: [...CELL_OPERATIONS] }])),
  }),
  branin: () => ({
    name: 'branin',
    params: { x1: { type: 'float', min: -5, max: 10 }, x2: { type: 'float', min: 0, max: 15 } },
  }),
  hartmann6: () => ({
    name: 'hartmann6',
    params: Object.fromEntries([1, 2, 3, 4, 5, 6].map((i) => [`x${i}`, { type: 'float' as const, min: 0, max: 1 }])),
  }),
};

/**
 * Names accepted by {@link builtinSpace}.
 *
 * @category Spaces
 */
export const BUILTIN_SPACES = Object.keys(DEFINITIONS);

/**
 * A built-in search space by name (see the file header).
 * @example
 * ```ts
 * const space = builtinSpace('cell');
 * space.values('edge1<-0'); // ['none', 'skip_connect', 'nor_conv_1x1', 'nor_conv_3x3', 'avg_pool_3x3']
 * ```
 * @category Spaces
 */
export function builtinSpace(name: string): SearchSpace {
  const definition = DEFINITIONS[name];
  if (!definition)
    throw new InvalidArgumentError({ parameter: 'name', value: name, message: `Built-in spaces: ${BUILTIN_SPACES.join(', ')}.` });
  return new SearchSpace(definition());
}
