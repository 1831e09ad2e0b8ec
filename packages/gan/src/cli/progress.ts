import type { CliStream } from '@bigmodel/core';

/** A one-line progress bar for the CLI on stderr (library code never prints). */
export function progressBar(label: string, total: number, stream: CliStream = process.stderr) {
  const started = performance.now();
  const width = 28;
  return {
    update(done: number, suffix = '') {
      if (!stream.isTTY && done !== total && done % Math.max(1, Math.floor(total / 20)) !== 0) return;
      const filled = Math.round((Math.min(done, total) / total) * width);
      const seconds = (performance.now() - started) / 1000;
      const line = `${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} ${seconds.toFixed(1)}s ${suffix}`;
      stream.write(stream.isTTY ? `\r${line}` : `${line}\n`);
    },
    done() {
      if (stream.isTTY) stream.write('\n');
    },
  };
}
