import { describe, expect, it } from 'vitest';
import { parseTableText } from '../core/data/parse';
import { LabError } from '../core/errors';
import { cliErrorText } from './errorText';

function noLabel(): LabError {
  try {
    parseTableText('song,style,v\ns1,rock,1\ns2,jazz,2\n', 'n.csv');
  } catch (e) {
    return e as LabError;
  }
  throw new Error('expected no-label-column');
}

describe('cliErrorText', () => {
  it('tells CLI users to pass --label and lists the text columns (not "pick the column")', () => {
    const text = cliErrorText(noLabel(), { name: 'knn', labelOption: true });
    expect(text).toBe(
      'no-label-column: n.csv: No label column found (looked for label, genre, class, target, category, y). Pass --label COLUMN to say which column holds the genre (columns with text: song, style), and --track COLUMN if one names the track.',
    );
    expect(text).not.toMatch(/Pick the column/);
  });
  it('for a command without --label, says what it looks for instead of an option it ignores', () => {
    const text = cliErrorText(noLabel(), { name: 'train' });
    expect(text).toContain('`train` finds the genre only in a column named label, genre, class, target, category, y');
    expect(text).not.toContain('Pass --label');
  });
  it('prints other errors as code: message', () => {
    expect(cliErrorText(new LabError('bad-quotes', 'q.csv: Line 12: x'))).toBe('bad-quotes: q.csv: Line 12: x');
  });
});
