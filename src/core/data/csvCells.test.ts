import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { escapeCsvCell, formatCsvRow, isNumberText } from './csvCells';

describe('escapeCsvCell (OWASP CSV injection)', () => {
  it('makes formula-like text inert with a leading quote, by hand-written cases', () => {
    expect(escapeCsvCell('=1+1')).toBe("'=1+1");
    expect(escapeCsvCell('+cmd|/C calc')).toBe("'+cmd|/C calc");
    expect(escapeCsvCell('-cmd')).toBe("'-cmd");
    expect(escapeCsvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(escapeCsvCell('-')).toBe("'-");
    expect(escapeCsvCell('\tx')).toBe("'\tx");
    // CR also forces quoting; a quote inside is doubled.
    expect(escapeCsvCell('\rx')).toBe(`"'\rx"`);
    expect(escapeCsvCell('=HYPERLINK("http://evil","click")')).toBe(`"'=HYPERLINK(""http://evil"",""click"")"`);
  });

  it('leaves numbers alone: -12.5 and +3e-4 are data', () => {
    for (const n of ['-12.5', '+3e-4', '-0', '1e-7', '-.5', '66149']) expect(escapeCsvCell(n)).toBe(n);
    // Not a number: escaped (and quoted for the comma).
    expect(escapeCsvCell('-1,5')).toBe(`"'-1,5"`);
  });

  it('quotes the delimiter, quotes, line ends and edge blanks; plain text is untouched', () => {
    expect(escapeCsvCell('blues.00000.wav')).toBe('blues.00000.wav');
    expect(escapeCsvCell('a,b')).toBe('"a,b"');
    expect(escapeCsvCell('a\tb', '\t')).toBe('"a\tb"');
    expect(escapeCsvCell('a\tb', ',')).toBe('a\tb');
    expect(escapeCsvCell('say "hi"')).toBe('"say ""hi"""');
    expect(escapeCsvCell('two\nlines')).toBe('"two\nlines"');
    expect(escapeCsvCell(' padded ')).toBe('" padded "');
    // In a TSV a leading tab is both a formula start and the delimiter.
    expect(escapeCsvCell('\t=x', '\t')).toBe(`"'\t=x"`);
  });

  it('a CSV reader (papaparse) gets each cell back, with the inert quote only on formula-like text', () => {
    const cells = ['=HYPERLINK("http://x","y")', 'a,b', 'say "hi"', '-12.5', 'two\r\nlines', '@x'];
    for (const d of [',', '\t', ';']) {
      const back = Papa.parse<string[]>(formatCsvRow(cells, d), { delimiter: d }).data[0];
      expect(back).toEqual(["'=HYPERLINK(\"http://x\",\"y\")", 'a,b', 'say "hi"', '-12.5', 'two\r\nlines', "'@x"]);
    }
  });
});

describe('isNumberText', () => {
  it('accepts decimal numbers only', () => {
    for (const s of ['1', '-1.5', '+3e-4', '.5', ' 2 ', '1E10']) expect(isNumberText(s), s).toBe(true);
    for (const s of ['', '1,5', 'NaN', 'Inf', '0x10', '1.2.3', '-', 'e5']) expect(isNumberText(s), s).toBe(false);
  });
});
