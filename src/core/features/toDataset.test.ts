import { describe, expect, it } from 'vitest';
import { exportCsv } from './exportCsv';
import { KAGGLE_FEATURE_NAMES, NTNU_FEATURE_NAMES } from './recipes';
import { rowKeyFor, toDataset } from './toDataset';

const row = (d: number, seed: number) => Float64Array.from({ length: d }, (_, i) => seed + i / 7);

describe('toDataset + exportCsv', () => {
  it('builds an audio Dataset with table-style keys and writes the Kaggle CSV format', () => {
    const ds = toDataset([
      { fileName: 'jazz.00001.wav', genre: 'jazz', segments: [row(57, 1), row(57, 2)], segmentLengths: [66149, 66149] },
      { fileName: 'blues.00002.wav', genre: 'blues', segments: [row(57, 3)], segmentLengths: [66149] },
    ], 'kaggle3');
    expect(ds.format).toBe('audio');
    expect(ds.meta.recipe).toBe('kaggle3');
    expect(ds.rowKeys).toEqual(['jazz.00001.0.wav', 'jazz.00001.1.wav', 'blues.00002.0.wav']);
    expect(ds.trackIds).toEqual(['jazz.00001', 'jazz.00001', 'blues.00002']);
    expect(ds.genres).toEqual(['blues', 'jazz']);
    expect(Array.from(ds.labels)).toEqual([1, 1, 0]);
    expect(Array.from(ds.segmentIndex)).toEqual([0, 1, 0]);
    const csv = exportCsv(ds).trim().split('\n');
    expect(csv[0]).toBe(['filename', 'length', ...KAGGLE_FEATURE_NAMES, 'label'].join(','));
    const cells = (csv[1] as string).split(',');
    expect(cells[0]).toBe('jazz.00001.0.wav');
    expect(cells[1]).toBe('66149');
    expect(Number(cells[2 + 5])).toBe(1 + 5 / 7); // round-trips exactly
    expect(cells.at(-1)).toBe('jazz');
  });
  it('lists the source files with their hashes (what a project stores instead of the audio), only when every clip has one', () => {
    const a = 'a'.repeat(64);
    const b = 'b'.repeat(64);
    const withHashes = toDataset([
      { fileName: 'jazz.00001.wav', genre: 'jazz', segments: [row(57, 1)], sha256: a },
      { fileName: 'blues.00002.wav', genre: 'blues', segments: [row(57, 2)], sha256: b },
    ], 'kaggle3');
    expect(withHashes.meta.sources).toEqual([{ file: 'jazz.00001.wav', sha256: a }, { file: 'blues.00002.wav', sha256: b }]);
    const synthesised = toDataset([{ fileName: 'x.wav', genre: 'jazz', segments: [row(57, 1)] }, { fileName: 'y.wav', genre: 'blues', segments: [row(57, 2)], sha256: b }], 'kaggle3');
    expect(synthesised.meta.sources).toBeUndefined();
  });
  it('writes the NTNU tab-separated format with GenreID, Genre and Type', () => {
    const ds = toDataset([
      { fileName: 'pop.00072.wav', genre: 'pop', segments: [row(63, 1), row(63, 2), row(63, 3)] },
      { fileName: 'mine.wav', genre: 'synth-techno', segments: [row(63, 4), row(63, 5), row(63, 6)] },
    ], 'ntnu10');
    expect(ds.rowKeys.slice(0, 3)).toEqual(['pop_00072.wav', 'pop_00072.wav', 'pop_00072.wav']);
    const lines = exportCsv(ds).trim().split('\n');
    expect(lines[0]).toBe(['Track ID', 'File', ...NTNU_FEATURE_NAMES, 'GenreID', 'Genre', 'Type'].join('\t'));
    const first = (lines[1] as string).split('\t');
    expect(first.slice(0, 2)).toEqual(['0', 'pop_00072.wav']);
    expect(first.slice(-3)).toEqual(['0', 'pop', 'Train']);
    expect((lines[4] as string).split('\t').slice(-3)).toEqual(['10', 'synth-techno', 'Train']);
    expect(rowKeyFor('kaggle30', 'a/b/blues.00000.wav', 0)).toBe('blues.00000.wav');
  });
  it('rejects rows of the wrong width or with non-finite values', () => {
    expect(() => toDataset([{ fileName: 'x.wav', genre: 'g', segments: [row(5, 1)] }], 'kaggle30')).toThrow(expect.objectContaining({ code: 'ragged-rows' }));
    const bad = row(57, 1);
    bad[3] = NaN;
    expect(() => toDataset([{ fileName: 'x.wav', genre: 'g', segments: [bad] }], 'kaggle30')).toThrow(expect.objectContaining({ code: 'non-finite' }));
  });
});

describe('exportCsv never writes a live formula', () => {
  it('escapes formula-like names, genres and column names from a loaded table, in both formats', async () => {
    const { parseTableText } = await import('../data/parse');
    const text = ['filename,length,=cmd,label', '"=HYPERLINK(""http://evil"",""x"")",66149,-12.5,@pop', 'rock.00001.wav,66149,+3e-4,rock', ''].join('\n');
    const loaded = parseTableText(text, 't.csv');
    const ds = { ...loaded, meta: { ...loaded.meta, recipe: 'kaggle30' } };
    const lines = exportCsv(ds).trim().split('\n');
    expect(lines[0]).toBe("filename,length,'=cmd,label");
    // Hand-escaped: leading quote, quotes doubled, whole cell quoted; -12.5 stays a number.
    expect(lines[1]).toBe(`"'=HYPERLINK(""http://evil"",""x"")",66149,-12.5,'@pop`);
    expect(lines[2]).toBe('rock.00001.wav,66149,0.0003,rock');
    const ntnu = exportCsv({ ...ds, meta: { ...ds.meta, recipe: 'ntnu30' } }).trim().split('\n');
    expect(ntnu[0]).toBe("Track ID\tFile\t'=cmd\tGenreID\tGenre\tType");
    expect(ntnu[1]).toBe(`0\t"'=HYPERLINK(""http://evil"",""x"")"\t-12.5\t10\t'@pop\tTrain`);
  });
});
