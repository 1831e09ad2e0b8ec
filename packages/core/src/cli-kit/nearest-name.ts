/** Optimal string alignment distance (Levenshtein plus adjacent transpositions). */
function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

/**
 * The name in `names` nearest to `given` (for "did you mean ...?"), or undefined when none is
 * close: at most 2 edits, and fewer than half of `given`'s characters (ignoring leading dashes).
 *
 * @example
 * ```ts
 * nearestName('--sed', ['--seed', '--out']); // '--seed'
 * ```
 * @category CLI
 */
export function nearestName(given: string, names: readonly string[]): string | undefined {
  const bare = (s: string) => s.replace(/^-+/, '');
  let best: { name: string; distance: number } | undefined;
  for (const name of names) {
    const distance = editDistance(bare(given), bare(name));
    if (distance < (best?.distance ?? Infinity)) best = { name, distance };
  }
  if (best === undefined) return undefined;
  const limit = Math.min(2, Math.max(1, Math.floor(bare(given).length / 2)));
  return best.distance <= limit ? best.name : undefined;
}
