import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { fromInertCell, inertCell, toCsv } from '../../shared/runtime/csv';

describe('toCsv', () => {
  it('writes RFC 4180: quotes what holds a comma, quote, line break or edge space, and ends every line in \\n', () => {
    expect(
      toCsv(
        ['a', 'b'],
        [
          ['x, y', 'say "hi"'],
          [' pad', 'line\nbreak'],
          [1, undefined],
        ],
      ),
    ).toBe('a,b\n"x, y","say ""hi"""\n" pad","line\nbreak"\n1,\n');
  });

  it('makes a cell a spreadsheet would run as a formula inert, and leaves numbers, negative ones too, as they are', () => {
    const csv = toCsv(
      ['cell'],
      [['=HYPERLINK("http://x")'], ['+1+1'], ['-2+3'], ['@SUM(A1)'], ['\tx'], ['-3.50'], [-7]],
    );

    expect((parse(csv, { columns: true }) as { cell: string }[]).map((r) => r.cell)).toEqual([
      `'=HYPERLINK("http://x")`,
      "'+1+1",
      "'-2+3",
      "'@SUM(A1)",
      "'\tx",
      '-3.50',
      '-7',
    ]);
  });

  it('reads an inert cell back as it was written, and leaves every other cell alone', () => {
    for (const text of ['=A1', '+44', '-SKU', '@home', 'plain', "'quoted", '-3.50'])
      expect(fromInertCell(inertCell(text))).toBe(text);
    expect(fromInertCell("'plain")).toBe("'plain");
  });
});
