import { beforeAll, describe, expect, it } from 'vitest';
import type { Dataset } from '../data/dataset';
import { loadTableFile } from '../../node/loadTable';
import { sharedPath, skipReason } from '../../node/paths';
import { presetAvailability, presetById, PRESETS, tableKindOf } from './registry';
import { CancelledError } from '../errors';
import type { PresetResult } from './types';

const gtzan = (f: string) => `data/gtzan/${f}`;

describe('the preset registry', () => {
  it('has one entry per id, each paper number once, and an unknown id names the known ones', () => {
    const ids = PRESETS.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const p of PRESETS) expect(new Set(p.paperNumbers.map((n) => n.id)).size).toBe(p.paperNumbers.length);
    expect(() => presetById('ntnu-task9')).toThrow(/Unknown preset "ntnu-task9".*ntnu-task1/);
  });

  it('an audio preset with no spectrogram set says what audio it needs', () => {
    const audio = { ...presetById('ntnu-task1'), needs: { kind: 'audio' as const, hint: 'a genres_original folder' } };
    expect(presetAvailability(audio, {})).toEqual({ runnable: false, message: 'needs a genres_original folder' });
  });

  it('the new-data evaluation needs a second folder, made with the training set’s mel bands', () => {
    const p = presetById('toronto-new-data');
    expect(presetAvailability(p, { spectrograms: { nBands: 64 } })).toMatchObject({ runnable: false, message: expect.stringMatching(/^needs a second labelled audio folder/) });
    expect(presetAvailability(p, { spectrograms: { nBands: 64 }, evalSpectrograms: { params: { nBands: 128 } } })).toMatchObject({ runnable: false, message: expect.stringMatching(/64 mel bands \(they have 128\)/) });
    expect(presetAvailability(p, { spectrograms: { nBands: 64 }, evalSpectrograms: { nBands: 64 } }).runnable).toBe(true);
    // A preset that trains on audio only does not look at the second folder.
    expect(presetAvailability(presetById('toronto-cnn'), { spectrograms: { nBands: 64 }, evalSpectrograms: { nBands: 128 } }).runnable).toBe(true);
  });
});

// The independent truth for the table kinds is the files themselves: which table each one is
// (SOURCES.md in ../shared/data/gtzan says where each came from).
describe.each([
  ['GenreClassData_30s.txt', 'ntnu-30s'],
  ['GenreClassData_10s.txt', 'ntnu-10s'],
  ['features_30_sec.csv', 'kaggle-30s'],
  ['features_3_sec_classical_jazz_rock.csv', 'kaggle-3s'],
] as const)('tableKindOf(%s)', (file, kind) => {
  const reason = skipReason(gtzan(file));
  it.skipIf(!!reason)(`is ${kind}, also when the file is renamed`, () => {
    const ds = loadTableFile(sharedPath(gtzan(file))!);
    expect(tableKindOf(ds)).toBe(kind);
    // A renamed file has no recipe guessed from its name; the rows per track still tell.
    expect(tableKindOf({ ...ds, name: 'my table.txt', meta: { ...ds.meta, recipe: undefined } })).toBe(kind);
  });
});

describe('tableKindOf on other tables', () => {
  it('is generic for a table of another family or an unknown segment length', () => {
    const ds: Dataset = {
      id: 't', name: 't.csv', format: 'generic', featureNames: ['a'], nRows: 2, values: new Float64Array(2), labels: Int32Array.from([0, 1]), genres: ['x', 'y'],
      trackIds: ['a', 'b'], segmentIndex: new Int32Array(2), rowKeys: ['a', 'b'], meta: {},
    };
    expect(tableKindOf(ds)).toBe('generic');
    // NTNU columns but 4 segments per track: no published NTNU table has those.
    const ntnu = ['zero_cross_rate_mean', 'rmse_mean', 'spectral_contrast_mean', 'mfcc_1_mean', 'tempo'];
    const four: Dataset = { ...ds, format: 'ntnu', featureNames: ntnu, nRows: 4, values: new Float64Array(20), labels: new Int32Array(4), trackIds: ['a', 'a', 'a', 'a'], segmentIndex: Int32Array.from([0, 1, 2, 3]), rowKeys: ['1', '2', '3', '4'] };
    expect(tableKindOf(four)).toBe('generic');
    expect(tableKindOf({ ...four, nRows: 1, values: new Float64Array(5), labels: new Int32Array(1), trackIds: ['a'], segmentIndex: new Int32Array(1), rowKeys: ['1'] })).toBe('ntnu-30s');
  });
});

const ntnu30 = gtzan('GenreClassData_30s.txt');
describe.skipIf(!!skipReason(ntnu30))('NTNU presets on GenreClassData_30s.txt reproduce the report', () => {
  let ds: Dataset;
  beforeAll(() => {
    ds = loadTableFile(sharedPath(ntnu30)!);
  });
  const num = (r: PresetResult, id: string) => r.numbers.find((n) => n.id === id)!;

  it('Task 1: 40.4 % (80/198) and macro F1 0.398, the report’s pop and classical rows', async () => {
    const r = await presetById('ntnu-task1').run({ dataset: ds });
    expect((num(r, 'accuracy').ours * 198).toFixed(6)).toBe('80.000000');
    expect(num(r, 'accuracy').ours.toFixed(3)).toBe('0.404');
    expect(num(r, 'accuracy').paper).toBe(0.404);
    expect(num(r, 'macro-f1').ours.toFixed(3)).toBe('0.398');
    const rows = r.tables[0]!.rows;
    expect(rows.find((x) => x[0] === 'pop')!.slice(1, 5)).toEqual([12, 165, 13, 8]);
    expect(rows.find((x) => x[0] === 'classical')!.slice(1, 5)).toEqual([15, 173, 6, 4]);
    const cm = r.figures[0]!;
    expect(cm.kind === 'confusion' && cm.counts.flat().reduce((a, b) => a + b, 0)).toBe(198);
  });

  it('Task 3: the 236 combinations’ best is rolloff, centroid, tempo + rmse_var at 52.02 % / 0.521', async () => {
    const r = await presetById('ntnu-task3').run({ dataset: ds, effort: 'quick' });
    expect(num(r, 'combinations').ours).toBe(236);
    expect((num(r, 'best-accuracy').ours * 100).toFixed(2)).toBe('52.02');
    expect(num(r, 'best-macro-f1').ours.toFixed(3)).toBe('0.521');
    expect(num(r, 'best-accuracy').note).toMatch(/^spectral_rolloff_mean, spectral_centroid_mean, tempo, rmse_var \(103 of 198\)/);
    const heat = r.figures.find((f) => f.kind === 'heatmap')!;
    expect(heat.kind === 'heatmap' && [heat.yLabels.length, heat.xLabels.length]).toEqual([4, 59]);
  });

  it('Task 2: one histogram per Task 1 feature for pop, disco, metal and classical, each genre’s counts summing to its 99 or 100 tracks', async () => {
    const r = await presetById('ntnu-task2').run({ dataset: ds });
    const h = r.figures[0]!;
    if (h.kind !== 'histograms') throw new Error('expected histograms');
    expect(h.features).toEqual(['spectral_rolloff_mean', 'mfcc_1_mean', 'spectral_centroid_mean', 'tempo']);
    expect([...h.genres].sort()).toEqual(['classical', 'disco', 'metal', 'pop']);
    const tracks = (g: string) => ds.labels.filter((l) => ds.genres[l] === g).length;
    for (const perGenre of h.data) h.genres.forEach((g, i) => expect(perGenre[i]!.counts.reduce((a, b) => a + b, 0)).toBe(tracks(g)));
  });

  it('Cancel during the search stops Task 3 with CancelledError', async () => {
    const cancel = { cancelled: false };
    const run = presetById('ntnu-task3').run({ dataset: ds, effort: 'quick' }, { cancel, onProgress: (f, label) => { if (label === 'combination search' && f > 0.6) cancel.cancelled = true; } });
    await expect(run).rejects.toBeInstanceOf(CancelledError);
  });

  it('a preset whose table is not loaded says which file it needs, and run refuses with that message', async () => {
    expect(presetAvailability(presetById('ntnu-task4'), { dataset: ds }).message).toMatch(/^needs GenreClassData_5s\.txt or GenreClassData_10s\.txt .*loaded: GenreClassData_30s\.txt, NTNU 30 s table/);
    await expect(presetById('spectral-models').run({ dataset: ds })).rejects.toThrow(/needs features_30_sec\.csv/);
  });
});
