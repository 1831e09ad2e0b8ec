import { formatTable, wrapText } from './table';

describe('formatTable', () => {
  const rows = [
    ['package', 'demo', 'result', 'time'],
    ['rl', 'PPO on CartPole-v1', `mean return 285.1 / 500 over 20 episodes; ${'the documented full run reaches 500.0 '.repeat(5)}`, '41 s'],
    ['nas', 'cell lookup table', 'regret: evolution 0.00, random 5.27', '<1 s'],
  ];

  it('keeps every line within the width, wrapping the widest column at spaces and keeping the others aligned', () => {
    const lines = formatTable(rows, 100);
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(100);
    // The header and the short row are one line each; the long result takes several, its words in order.
    expect(lines[0]).toMatch(/^package {2}demo {16}result +time$/);
    const rl = lines.slice(1, -1);
    expect(rl.length).toBeGreaterThan(2);
    expect(rl[0].startsWith('rl       PPO on CartPole-v1  mean return 285.1')).toBe(true);
    expect(rl[0].endsWith('41 s')).toBe(true);
    for (const line of rl.slice(1)) expect(line.startsWith(' '.repeat('package  demo                '.length))).toBe(true);
    const text = rl.map((l) => l.slice(29, 29 + 100 - 29 - 6).trim()).join(' ');
    expect(text).toBe(rows[1][2].trim());
    expect(lines[lines.length - 1]).toMatch(/^nas +cell lookup table +regret: evolution 0\.00, random 5\.27 +<1 s$/);
  });

  it('narrows two wide columns alike', () => {
    const two = [
      ['x', 'y'],
      ['aaa bbb ccc ddd eee fff', 'ggg hhh iii jjj kkk lll'],
    ];
    expect(formatTable(two, 30)).toEqual([`x${' '.repeat(15)}y`, 'aaa bbb ccc     ggg hhh iii', 'ddd eee fff     jjj kkk lll']);
  });

  it('leaves a table that fits unchanged', () => {
    const small = [
      ['a', 'bb'],
      ['ccc', 'd'],
    ];
    expect(formatTable(small, 200)).toEqual(['a    bb', 'ccc  d']);
  });
});

describe('wrapText', () => {
  it('breaks at spaces, and cuts a word longer than the width', () => {
    expect(wrapText('one two three four', 9)).toEqual(['one two', 'three', 'four']);
    expect(wrapText('abcdefghij xy', 4)).toEqual(['abcd', 'efgh', 'ij', 'xy']);
  });
});
