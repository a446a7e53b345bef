import { describe, expect, it } from 'vitest';
import { LabError } from '../errors';
import { summarizeDataset } from './dataset';
import { parseKaggleFilename, parseTableText, ntnuFileToTrackId } from './parse';

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
