import { mkdirSync, mkdtempSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { listRuns } from './list-runs';

describe('listRuns', () => {
  it('lists training runs and searches newest first, but not a search’s own folders, symlinks, or deeper than 3 levels', () => {
    const root = mkdtempSync(join(tmpdir(), 'bigmodel-dashboard-list-'));
    const write = (path: string, text: string, seconds: number) => {
      mkdirSync(join(root, path, '..'), { recursive: true });
      writeFileSync(join(root, path), text);
      utimesSync(join(root, path), seconds, seconds);
    };
    write('dqn/cartpole/metrics.jsonl', '{}\n', 1000);
    write('nas/journal.jsonl', '{"type":"search"}\n', 3000);
    write('nas/rescore/journal.jsonl', '{"type":"candidates"}\n', 4000);
    write('nas/models/trial-3/metrics.jsonl', '{}\n', 4000);
    write('gan/metrics.jsonl', '{}\n', 2000);
    write('a/b/c/d/metrics.jsonl', '{}\n', 5000);
    symlinkSync(join(root, 'gan'), join(root, 'gan-link'));
    mkdirSync(join(root, 'linked-file'));
    symlinkSync(join(root, 'gan', 'metrics.jsonl'), join(root, 'linked-file', 'metrics.jsonl'));
    expect(listRuns(root)).toEqual([
      { name: 'nas', metrics: false, search: true, updated: 3000 * 1000 },
      { name: 'gan', metrics: true, search: false, updated: 2000 * 1000 },
      { name: 'dqn/cartpole', metrics: true, search: false, updated: 1000 * 1000 },
    ]);
  });
});
