/**
 * A lookup-table benchmark over the NAS-Bench-201-style `cell` space (6 edges x 5 operations =
 * 15,625 cells) with a known optimum, so strategies can be compared in milliseconds.
 *
 * The table is generated from a seed with the structure that makes real cell benchmarks
 * searchable: each edge has seeded weights for its operations (convolutions tend to help, `none`
 * and pooling less), edges that meet at a node interact through seeded 5x5 tables, a cell whose
 * output node 3 receives nothing (all three incoming edges `none`) is broken (10%, like an
 * untrainable NAS-Bench-201 cell), and each cell gets seeded noise. The raw value is mapped to an
 * accuracy-like score in (10, 95); the best cell is found by enumerating the table.
 */
import { mulberry32 } from '@bigmodel/core';

import { CELL_EDGES, CELL_OPERATIONS } from '../space/builtin-spaces';
import type { Config } from '../space/search-space';

/**
 * A lookup table over the cell space.
 *
 * @category Benchmarks
 */
export interface CellBenchmark {
  /** The score of every cell, indexed by `cellIndex`. */
  table: Float64Array;
  /** The largest score in the table. */
  optimum: number;
  /** The configuration that reaches it. */
  optimalConfig: Config;
  /** The score of a configuration of the `cell` space. */
  score(config: Config): number;
}

/**
 * The table index of a cell configuration: its operations as base-5 digits, edge `1<-0` first.
 *
 * @category Benchmarks
 */
export function cellIndex(config: Config): number {
  let index = 0;
  for (const edge of CELL_EDGES)
    index = index * CELL_OPERATIONS.length + CELL_OPERATIONS.indexOf(config[`edge${edge}`] as (typeof CELL_OPERATIONS)[number]);
  return index;
}

/**
 * Builds the lookup table of seed `seed` (see the file header).
 * @example
 * ```ts
 * const bench = cellBenchmark(0);
 * bench.score(builtinSpace('cell').sample(mulberry32(1))); // e.g. 71.3
 * bench.optimum; // the best score in the table
 * ```
 * @category Benchmarks
 */
export function cellBenchmark(seed = 0): CellBenchmark {
  const random = mulberry32(seed * 7919 + 17);
  const k = CELL_OPERATIONS.length;
  const e = CELL_EDGES.length;
  // Operation priors: none, skip, conv1x1, conv3x3, pool.
  const prior = [-0.6, 0.2, 0.4, 0.8, 0.0];
  const unary = Array.from({ length: e }, () => prior.map((p) => p + 0.6 * (random() - 0.5)));
  // Edges interact when they share a node.
  const nodes = CELL_EDGES.map((edge) => edge.split('<-').map(Number));
  const pairs: [number, number, number[][]][] = [];
  for (let a = 0; a < e; a++) {
    for (let b = a + 1; b < e; b++) {
      if (nodes[a].some((n) => nodes[b].includes(n)))
        pairs.push([a, b, Array.from({ length: k }, () => Array.from({ length: k }, () => 0.5 * (random() - 0.5)))]);
    }
  }
  const into3 = CELL_EDGES.map((edge, i) => (edge.startsWith('3<-') ? i : -1)).filter((i) => i >= 0);
  const table = new Float64Array(k ** e);
  const ops = new Array<number>(e);
  for (let index = 0; index < table.length; index++) {
    let rest = index;
    for (let i = e - 1; i >= 0; i--) {
      ops[i] = rest % k;
      rest = Math.floor(rest / k);
    }
    const noise = 0.15 * (random() - 0.5);
    if (into3.every((i) => ops[i] === 0)) {
      table[index] = 10;
      continue;
    }
    let raw = noise;
    for (let i = 0; i < e; i++) raw += unary[i][ops[i]];
    for (const [a, b, m] of pairs) raw += m[ops[a]][ops[b]];
    table[index] = 10 + 85 / (1 + Math.exp(-(raw - 1.5)));
  }
  let best = 0;
  for (let i = 1; i < table.length; i++) if (table[i] > table[best]) best = i;
  const optimalConfig: Config = {};
  let rest = best;
  for (let i = e - 1; i >= 0; i--) {
    optimalConfig[`edge${CELL_EDGES[i]}`] = CELL_OPERATIONS[rest % k];
    rest = Math.floor(rest / k);
  }
  return { table, optimum: table[best], optimalConfig, score: (config) => table[cellIndex(config)] };
}
