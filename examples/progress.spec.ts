import { formatSeconds, progressBar } from './progress';

/** A stream that is not a terminal, keeping what is written. */
const fakeStream = () => {
  const lines: string[] = [];
  return { lines, stream: { isTTY: false, write: (text: string) => lines.push(text.trimEnd()) } as unknown as NodeJS.WriteStream };
};

describe('progressBar', () => {
  beforeEach(() => jest.useFakeTimers({ now: 0 }));
  afterEach(() => jest.useRealTimers());

  it('off a terminal writes a line every 10%, each with done/total, time spent and time left', () => {
    const { lines, stream } = fakeStream();
    const bar = progressBar('work', 100, { stream });
    for (let done = 1; done <= 100; done++) {
      jest.advanceTimersByTime(100); // 0.1 s per unit: 10 s in all
      bar.update(done);
    }
    expect(lines).toHaveLength(11); // 1 (first), then 10, 20, ..., 100
    expect(lines[0]).toBe('work [............................] 1/100 0s'); // no estimate after 0.1 s
    expect(lines[5]).toBe('work [##############..............] 50/100 5s, 5s left');
    expect(lines[10]).toBe('work [############################] 100/100 10s, 0s left');
  });

  it('writes a line at least every 15 s when the work is slow, and caps the time left by a time budget', () => {
    const { lines, stream } = fakeStream();
    const bar = progressBar('gan', 10_000, { stream, budgetSeconds: 120 });
    for (let step = 1; step <= 40; step++) {
      jest.advanceTimersByTime(1000); // 1 step a second: 10,000 steps would take hours, the budget ends it at 2 minutes
      bar.update(step);
    }
    expect(lines.map((l) => l.split(' ').slice(-4).join(' '))).toEqual([
      '1/10000 1s, 1m59s left',
      '16/10000 16s, 1m44s left',
      '31/10000 31s, 1m29s left',
    ]);
  });
});

describe('formatSeconds', () => {
  it('writes seconds, or minutes and two-digit seconds', () => {
    expect([0, 59.4, 59.6, 61, 3599].map(formatSeconds)).toEqual(['0s', '59s', '1m00s', '1m01s', '59m59s']);
  });
});
