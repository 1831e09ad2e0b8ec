/**
 * How bigmodel's threaded GEMM cuts one call into per-thread parts: C into contiguous row or column
 * blocks, a convolution's input channels into ranges of whole 16-channel panels, a row kernel's rows
 * into contiguous ranges. Each part is computed as it would be on one thread, so the split changes
 * no result; these only decide how many threads are worth it and where the cuts fall.
 */

/** Products below this many multiply-adds run on one thread: handing them over costs more than it saves. */
const MIN_MACS_PER_THREAD = 1 << 20;
/** Row kernels (copies and sums) below this many floats per thread run on one thread. */
const MIN_FLOATS_PER_THREAD = 1 << 16;
/** Tile sizes of gemm.c: row blocks are cut at multiples of MR, column blocks at multiples of NR. */
const MR = 2;
const NR = 16;

/** A block of C: rows [row, row + rows) x columns [col, col + cols). */
export interface Part {
  row: number;
  rows: number;
  col: number;
  cols: number;
}

/** Cuts C into at most `threads` contiguous blocks along its longer side (rows at multiples of MR, columns of NR). */
export function splitWork(m: number, n: number, k: number, threads: number): Part[] {
  const wanted = Math.max(1, Math.min(threads, Math.floor((m * n * k) / MIN_MACS_PER_THREAD)));
  if (wanted === 1) return [{ row: 0, rows: m, col: 0, cols: n }];
  const byRows = m >= n;
  const length = byRows ? m : n;
  const unit = byRows ? MR : NR;
  const step = Math.ceil(Math.ceil(length / wanted) / unit) * unit;
  const parts: Part[] = [];
  for (let start = 0; start < length; start += step) {
    const size = Math.min(step, length - start);
    parts.push(byRows ? { row: start, rows: size, col: 0, cols: n } : { row: 0, rows: m, col: start, cols: size });
  }
  return parts;
}

/**
 * Cuts a convolution's `inChannels` (a multiple of NR) into at most `threads` ranges [c0, count) of
 * whole NR-channel panels, as even as they come, with at least MIN_MACS_PER_THREAD of its `macs` each.
 */
export function splitChannels(inChannels: number, macs: number, threads: number): [number, number][] {
  const wanted = Math.max(1, Math.min(threads, inChannels / NR, Math.floor(macs / MIN_MACS_PER_THREAD)));
  const unitsPer = Math.ceil(inChannels / NR / wanted);
  const ranges: [number, number][] = [];
  for (let c0 = 0; c0 < inChannels; c0 += unitsPer * NR) ranges.push([c0, Math.min(unitsPer * NR, inChannels - c0)]);
  return ranges;
}

/**
 * Cuts the rows [0, rows) of a row kernel into at most `threads` contiguous ranges [begin, end), with
 * at least MIN_FLOATS_PER_THREAD of the `floatsPerRow`-float rows each (one range when that is all).
 */
export function splitRows(rows: number, floatsPerRow: number, threads: number): [number, number][] {
  const wanted = Math.max(1, Math.min(threads, Math.floor((rows * floatsPerRow) / MIN_FLOATS_PER_THREAD), rows));
  if (wanted === 1) return [[0, rows]];
  const step = Math.ceil(rows / wanted);
  const ranges: [number, number][] = [];
  for (let begin = 0; begin < rows; begin += step) ranges.push([begin, Math.min(begin + step, rows)]);
  return ranges;
}
