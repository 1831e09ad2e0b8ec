/** Whole seconds as `45s` or `3m05s`. */
export function formatSeconds(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  return s < 60 ? `${s}s` : `${Math.floor(s / 60)}m${(s % 60).toString().padStart(2, '0')}s`;
}

/**
 * A one-line progress bar for examples and CLIs (library code never prints): done/total, time
 * spent and time left. On a terminal it is redrawn in place; otherwise a line is written every
 * 10% of the total, and at least every 15 s. `budgetSeconds`: a time limit that may end the work
 * before `total` (the time left is then at most what is left of it).
 */
export function progressBar(label: string, total: number, options: { stream?: NodeJS.WriteStream; budgetSeconds?: number } = {}) {
  const { stream = process.stderr, budgetSeconds } = options;
  const started = performance.now();
  const width = 28;
  let lastDecile = -1;
  let lastLine = started;
  return {
    update(done: number, suffix = '') {
      const now = performance.now();
      const decile = Math.floor((10 * done) / total);
      if (!stream.isTTY && done !== total && decile === lastDecile && now - lastLine < 15_000) return;
      lastDecile = decile;
      lastLine = now;
      const filled = Math.min(width, Math.round((done / total) * width));
      const seconds = (now - started) / 1000;
      // No estimate before half a second of work (a bar created at its first update has none to go by).
      let left = done > 0 && seconds >= 0.5 ? (seconds / done) * (total - done) : Infinity;
      if (budgetSeconds !== undefined) left = Math.min(left, budgetSeconds - seconds);
      const eta = Number.isFinite(left) ? `, ${formatSeconds(left)} left` : '';
      const bar = `${'#'.repeat(filled)}${'.'.repeat(width - filled)}`;
      const line = `${label} [${bar}] ${done}/${total} ${formatSeconds(seconds)}${eta} ${suffix}`;
      stream.write(stream.isTTY ? `\r${line}\x1b[K` : `${line}\n`);
    },
    done() {
      if (stream.isTTY) stream.write('\n');
    },
  };
}
