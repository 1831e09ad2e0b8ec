import { appendFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { readMetrics } from './read-metrics';

describe('readMetrics', () => {
  it('reads complete lines from a byte offset, leaving a partial last line for the next call', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bigmodel-dashboard-metrics-'));
    const file = join(dir, 'metrics.jsonl');
    const first = '{"step":1,"losses/train":0.5}\n{"step":2,"losses/ü":0.25}\n';
    writeFileSync(file, first + '{"step":3,');
    const a = readMetrics(dir);
    expect(a).toEqual({
      records: [
        { step: 1, 'losses/train': 0.5 },
        { step: 2, 'losses/ü': 0.25 },
      ],
      next: Buffer.byteLength(first),
      more: false,
      reset: false,
    });
    appendFileSync(file, '"losses/train":0.125}\nnot json\n[1]\n');
    const b = readMetrics(dir, a.next);
    expect(b.records).toEqual([{ step: 3, 'losses/train': 0.125 }, { unreadable: 'not json' }, { unreadable: '[1]' }]);
    // A new run in the same directory (a shorter file): read from the start again.
    writeFileSync(file, '{"step":1}\n');
    expect(readMetrics(dir, b.next)).toEqual({ records: [{ step: 1 }], next: 11, more: false, reset: true });
  });

  it('reads at most maxBytes at a time and says there is more', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bigmodel-dashboard-metrics-'));
    const lines = Array.from({ length: 10 }, (_, i) => JSON.stringify({ step: i }) + '\n');
    writeFileSync(join(dir, 'metrics.jsonl'), lines.join(''));
    const steps: unknown[] = [];
    let from = 0;
    for (let calls = 1; ; calls++) {
      const chunk = readMetrics(dir, from, 25);
      steps.push(...chunk.records.map((r) => r['step']));
      from = chunk.next;
      if (!chunk.more) break;
      expect(calls).toBeLessThan(10);
    }
    expect(steps).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });
});
