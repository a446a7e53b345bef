import { describe, expect, it } from 'vitest';
import { LabError } from '../errors';
import { summarizeDataset } from './dataset';
import { MAX_LABEL_CHARS, parseKaggleFilename, parseTableBytes, parseTableText, ntnuFileToTrackId, TableReader } from './parse';

const kaggle = `filename,length,f1,f2,label
blues.00000.0.wav,66149,1.5,2,blues
blues.00000.1.wav,66149,1.0,2.5,blues
rock.00003.0.wav,66149,-3,1e-2,rock
rock.00003.1.wav,66149,4,5,rock
`;

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(LabError);
    return (e as LabError).code;
  }
  throw new Error('expected an error');
}

describe('parseTableText', () => {
  it('reads a Kaggle table: features, tracks, segments, alphabetical labels', () => {
    const ds = parseTableText(kaggle, 'features_3_sec.csv');
    expect(ds.format).toBe('kaggle');
    expect(ds.featureNames).toEqual(['f1', 'f2']);
    expect(ds.genres).toEqual(['blues', 'rock']);
    expect([...ds.labels]).toEqual([0, 0, 1, 1]);
    expect(ds.trackIds).toEqual(['blues.00000', 'blues.00000', 'rock.00003', 'rock.00003']);
    expect([...ds.segmentIndex]).toEqual([0, 1, 0, 1]);
    expect([...ds.values]).toEqual([1.5, 2, 1, 2.5, -3, 0.01, 4, 5]);
    expect(ds.meta.lengths).toEqual([66149, 66149, 66149, 66149]);
    const s = summarizeDataset(ds);
    expect(s.tracks).toBe(2);
    expect(s.segmentsPerTrack).toEqual({ min: 2, max: 2 });
  });

  it('reads an NTNU table with its Train/Test split and GenreID label order', () => {
    const t = [
      'Track ID\tFile\ta\tb\tGenreID\tGenre\tType',
      '0\tpop_00072.wav\t1\t2\t0\tpop\tTrain',
      '0\tpop_00072.wav\t3\t4\t0\tpop\tTrain',
      '1\tjazz_00001.wav\t5\t6\t9\tjazz\tTest',
      '2\tmetal_00002.wav\t7\t8\t1\tmetal\tTrain',
    ].join('\n');
    const ds = parseTableText(t, 'GenreClassData_10s.txt');
    expect(ds.format).toBe('ntnu');
    expect(ds.genres).toEqual(['pop', 'metal', 'jazz']);
    expect(ds.trackIds[0]).toBe('pop.00072');
    expect([...ds.segmentIndex]).toEqual([0, 1, 0, 0]);
    expect([...ds.split!]).toEqual([0, 0, 1, 0]);
  });

  it('strips a BOM, accepts CRLF and semicolons', () => {
    const t = '\uFEFFx;y;genre\r\n1;2;a\r\n3;4;b\r\n';
    const ds = parseTableText(t, 'semi.csv');
    expect(ds.featureNames).toEqual(['x', 'y']);
    expect(ds.genres).toEqual(['a', 'b']);
    expect([...ds.values]).toEqual([1, 2, 3, 4]);
  });

  it('drops rows with empty cells and reports their lines', () => {
    const ds = parseTableText('x,label\n1,a\n,b\n3,b\n', 'm.csv');
    expect(ds.nRows).toBe(2);
    expect(ds.meta.droppedRows).toEqual([{ line: 3, column: 'x' }]);
  });

  it('uses a chosen label and track column in a generic table', () => {
    const ds = parseTableText('song,style,v\ns1,a,1\ns1,a,2\ns2,b,3\n', 'g.csv', { labelColumn: 'style', trackColumn: 'song' });
    expect(ds.featureNames).toEqual(['v']);
    expect(ds.trackIds).toEqual(['s1', 's1', 's2']);
    expect([...ds.segmentIndex]).toEqual([0, 1, 0]);
  });

  it('gives a clear typed error for each kind of bad input', () => {
    expect(codeOf(() => parseTableText('', 'e.csv'))).toBe('empty-file');
    expect(codeOf(() => parseTableText('x,label\n', 'h.csv'))).toBe('empty-file');
    expect(codeOf(() => parseTableText('PK\u0003\u0004\u0000\u0000binary', 'z.csv'))).toBe('binary-file');
    expect(codeOf(() => parseTableText('a,b\n1,2\n', 'n.csv'))).toBe('no-label-column');
    expect(codeOf(() => parseTableText('x,x,label\n1,2,a\n', 'd.csv'))).toBe('duplicate-columns');
    expect(codeOf(() => parseTableText('x,label\n1,a\n2,a\n', 's.csv'))).toBe('single-genre');
    expect(codeOf(() => parseTableText('x,y,label\n1,2,a\n1,b\n', 'r.csv'))).toBe('ragged-rows');
    expect(codeOf(() => parseTableText('x,label\n1,a\nNaN,b\n', 'nan.csv'))).toBe('non-finite');
    expect(codeOf(() => parseTableText('x,label\n1,a\ninf,b\n', 'inf.csv'))).toBe('non-finite');
  });

  it('names the line and column of a non-numeric value', () => {
    try {
      parseTableText('x,y,label\n1,2,a\n3,abc,b\n', 'bad.csv');
      throw new Error('no error');
    } catch (e) {
      expect((e as LabError).code).toBe('non-numeric');
      expect((e as LabError).message).toContain('Line 3');
      expect((e as LabError).message).toContain('"y"');
    }
  });

  it('maps GTZAN names to track ids', () => {
    expect(parseKaggleFilename('blues.00000.au')).toEqual({ trackId: 'blues.00000', segment: 0 });
    expect(parseKaggleFilename('classical.00012.7.wav')).toEqual({ trackId: 'classical.00012', segment: 7 });
    expect(ntnuFileToTrackId('pop_00072.wav')).toBe('pop.00072');
  });
});

function errorOf(fn: () => unknown): LabError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(LabError);
    return e as LabError;
  }
  throw new Error('expected an error');
}

/** `x,y,label` + `n` rows `i,2i,jazz|rock`; row i is on line i + 2. */
function table(n: number): string[] {
  const lines = ['x,y,label'];
  for (let i = 0; i < n; i++) lines.push(`${i},${i * 2},${i % 2 ? 'rock' : 'jazz'}`);
  return lines;
}
const utf8 = (s: string) => new TextEncoder().encode(s);

describe('no silent row loss: quotes', () => {
  it('an unclosed quote is an error naming the line where it opens, on text and on bytes', () => {
    const lines = table(100);
    lines[11] = '10,20,"rock'; // line 12
    const text = lines.join('\n') + '\n';
    for (const e of [errorOf(() => parseTableText(text, 'q.csv')), errorOf(() => parseTableBytes(utf8(text), 'q.csv'))]) {
      expect(e.code).toBe('bad-quotes');
      expect(e.detail).toMatchObject({ file: 'q.csv', line: 12, column: 'label' });
      expect(e.message).toMatch(/^q\.csv: Line 12, column "label": a quote/);
      // Lines 12–101 would have become one value.
      expect(e.message).toContain('remaining 90 line(s)');
    }
  });

  it('counts blank lines and line breaks inside quoted values in the line number', () => {
    // line 1 header, 2 blank, 3–4 one row with a quoted line break, 5 blank, 6 the bad quote.
    const text = 'name,x,label\n\n"a\nb",1,rock\n\n"c,2,jazz\nd,3,rock\n';
    expect(errorOf(() => parseTableText(text, 'b.csv'))).toMatchObject({ code: 'bad-quotes', detail: { line: 6, column: 'name' } });
    // The same counting for row errors: "abc" is on line 5.
    expect(errorOf(() => parseTableText('x,y,label\n\n1,2,a\n\n3,abc,b\n', 'bl.csv')).message).toBe('bl.csv: Line 5, column "y": "abc" is not a number.');
  });

  it('text after a closing quote is an error with its line', () => {
    const lines = table(10);
    lines[4] = '3,6,"ro"ck'; // line 5
    const e = errorOf(() => parseTableText(lines.join('\n'), 'iq.csv'));
    expect(e.code).toBe('bad-quotes');
    expect(e.detail).toMatchObject({ line: 5, column: 'label' });
  });

  it('stops a quote left open in a large file within 1 MB instead of reading the rest as one value', () => {
    const lines = table(200_000); // ~3 MB, streamed in 1 MiB chunks
    lines[50_001] = '1,2,"rock'; // line 50 002
    const e = errorOf(() => parseTableBytes(utf8(lines.join('\n')), 'big.csv'));
    expect(e.code).toBe('bad-quotes');
    expect(e.detail).toMatchObject({ line: 50_002, column: 'label' });
    expect(e.message).toContain('not closed within the next 1 MB');
  });

  it('a quote closed lines later is named, not loaded as a multi-line genre', () => {
    const lines = table(100);
    lines[11] = '10,20,"rock';
    lines[50] = '49,98,rock"';
    const e = errorOf(() => parseTableText(lines.join('\n'), 'late.csv'));
    expect(e.code).toBe('value-too-long');
    expect(e.message).toContain('runs from line 12 to line 51');
  });

  it('bounds absurd values: a 300-character genre, a 20 000-character cell', () => {
    const g = errorOf(() => parseTableText(`x,label\n1,${'a'.repeat(300)}\n2,b\n`, 'g.csv'));
    expect(g.code).toBe('value-too-long');
    expect(g.message).toBe(`g.csv: Line 2, column "label": a genre name of 300 characters (the limit is ${MAX_LABEL_CHARS}) is not a genre.`);
    const c = errorOf(() => parseTableText(`id,x,label\nfirst,1,a\n${'z'.repeat(20_000)},2,b\n`, 'c.csv'));
    expect(c.code).toBe('value-too-long');
    expect(c.detail).toMatchObject({ line: 3, column: 'id' });
  });

  it('streaming in any chunking gives the same dataset as one piece', () => {
    const text = 'x,y,label\r\n\r\n1,2,"jazz"\r\n3,4,rock\r\n5,6,"jazz"\r\n';
    const whole = parseTableText(text, 's.csv');
    const b = utf8(text);
    for (const size of [1, 2, 3, 7]) {
      const r = new TableReader('s.csv');
      for (let at = 0; at < b.length; at += size) r.pushBytes(b.subarray(at, at + size));
      const ds = r.finish();
      expect([...ds.values]).toEqual([1, 2, 3, 4, 5, 6]);
      expect(ds.genres).toEqual(whole.genres);
      expect(ds.rowKeys).toEqual(['row3', 'row4', 'row5']);
    }
  });
});

describe('encodings: one decoder for the CLI and the browser', () => {
  it('reads a Latin-1 table as Windows-1252 with a notice naming the line', () => {
    const b = Uint8Array.from(Buffer.from('x,label\n1,cl\xe1sica\n2,rock\n', 'latin1'));
    const ds = parseTableBytes(b, 'lat.csv');
    expect(ds.genres).toEqual(['clásica', 'rock']);
    expect(ds.meta.encoding).toBe('Windows-1252');
    expect(ds.meta.notices?.[0]).toMatch(/Not valid UTF-8: 1 byte\(s\) \(line 2\)/);
    expect(summarizeDataset(ds).notices).toEqual(ds.meta.notices);
  });

  it('reads UTF-16 LE and BE (with a byte-order mark) like the same table in UTF-8', () => {
    const s = 'x,label\n1.5,clásica\n2,rock\n';
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(s, 'utf16le')]);
    const be = Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(s, 'utf16le').swap16()]);
    for (const [buf, enc] of [
      [le, 'UTF-16LE'],
      [be, 'UTF-16BE'],
    ] as const) {
      const ds = parseTableBytes(Uint8Array.from(buf), 'u16.csv');
      expect(ds.meta.encoding).toBe(enc);
      expect(ds.genres).toEqual(['clásica', 'rock']);
      expect([...ds.values]).toEqual([1.5, 2]);
    }
    expect(parseTableBytes(utf8(s), 'u8.csv').meta.notices).toBeUndefined();
  });
});

describe('layout and messages', () => {
  const kagglish = 'length,chroma_stft_mean,rms_mean,tempo,label\n66149,0.5,0.1,120,blues\n66150,0.4,0.2,90,rock\n';
  it('keeps length out of the features of a Kaggle table without filename', () => {
    const ds = parseTableText(kagglish, 'features_30_sec.csv');
    expect(ds.format).toBe('kaggle');
    expect(ds.featureNames).toEqual(['chroma_stft_mean', 'rms_mean', 'tempo']);
    expect(ds.meta.lengths).toEqual([66149, 66150]);
    expect(ds.meta.notices?.join(' ')).toMatch(/without its filename column/);
    // A generic table with a column called length keeps it: it is not Kaggle-shaped.
    expect(parseTableText('length,x,label\n1,2,a\n3,4,b\n', 'g.csv').featureNames).toEqual(['length', 'x']);
  });

  it('names a decimal comma as such', () => {
    const e = errorOf(() => parseTableText('x;y;label\n1,5;2;a\n3;4;b\n', 'dc.csv'));
    expect(e.code).toBe('non-numeric');
    expect(e.message).toBe('dc.csv: Line 2, column "x": "1,5" is not a number. It has a decimal comma; this lab reads decimal points (1.5): save the table with "." as the decimal separator.');
  });

  it('says which text columns were not used as features', () => {
    const ds = parseTableText('artist,x,label\nA,1,a\nB,2,b\n', 't.csv');
    expect(ds.featureNames).toEqual(['x']);
    expect(ds.meta.notices).toEqual(['Not used as features (text in the first row): "artist".']);
  });

  it('the no-label message names the file and lists text columns as candidates', () => {
    const e = errorOf(() => parseTableText('song,style,v\ns1,rock,1\n', 'n.csv'));
    expect(e.message).toBe('n.csv: No label column found (looked for label, genre, class, target, category, y).');
    expect(e.detail['candidates']).toEqual(['song', 'style']);
  });
});
