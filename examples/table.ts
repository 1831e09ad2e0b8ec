/** Splits `text` into lines of at most `width` characters, at spaces (a word longer than `width` is cut). */
export function wrapText(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (let word of text.split(' ')) {
    while (word.length > width) {
      if (line) lines.push(line);
      lines.push(word.slice(0, width));
      word = word.slice(width);
      line = '';
    }
    if (!line) line = word;
    else if (line.length + 1 + word.length <= width) line += ` ${word}`;
    else {
      lines.push(line);
      line = word;
    }
  }
  lines.push(line);
  return lines;
}

/**
 * Lays out `rows` (the first one the header) as columns two spaces apart, no line wider than
 * `maxWidth`: the widest column is narrowed one character at a time (so wide columns end up
 * sharing the cut, none below `minColumn` characters) and cells wrap at spaces onto
 * continuation lines.
 */
export function formatTable(rows: string[][], maxWidth: number, minColumn = 12): string[] {
  const gap = 2;
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  let total = widths.reduce((a, b) => a + b, 0) + gap * (widths.length - 1);
  while (total > maxWidth) {
    const widest = widths.indexOf(Math.max(...widths));
    if (widths[widest] <= minColumn) break;
    widths[widest]--;
    total--;
  }
  const lines: string[] = [];
  for (const row of rows) {
    const cells = row.map((cell, i) => wrapText(cell, widths[i]));
    const height = Math.max(...cells.map((c) => c.length));
    for (let k = 0; k < height; k++) {
      lines.push(
        cells
          .map((c, i) => (c[k] ?? '').padEnd(widths[i]))
          .join(' '.repeat(gap))
          .trimEnd(),
      );
    }
  }
  return lines;
}
