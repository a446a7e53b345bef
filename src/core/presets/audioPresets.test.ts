/**
 * The Toronto and Northeastern-CNN presets run headless on a small real subset of the GTZAN clips in
 * ../shared (2 clips per genre of classical, jazz, rock; 64 mel bands; quick effort), return
 * fractions in [0, 1] and carry the papers' numbers as quoted in issue 12 (68 %; 79.4 % / 48.8 %;
 * 62.5 %). The new-data evaluation scores only the new songs of known genres that are not in the
 * training folder, counted here from the file names.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { basename } from 'node:path';
import { listAudioFiles } from '../../node/audioFiles';
import { sharedPath, skipReason } from '../../node/paths';
import { readSpectrogramSet } from '../../node/spectrogramFiles';
import { initNodeBackend } from '../../node/tfNode';
import type { SpectrogramSet } from '../data/spectrogramSet';
import { NORTHEASTERN_CNN_PRESETS } from './northeasternCnn';
import { TORONTO_PRESETS } from './toronto';
import type { Preset, PresetResult } from './types';

const trainParts = ['data', 'gtzan', 'genres_original'];
const evalParts = ['data', 'gtzan', 'audio'];
const skip = skipReason(...trainParts) ?? skipReason(...evalParts);

const byId = (presets: Preset[], id: string) => presets.find((p) => p.id === id)!;

function expectFractions(r: PresetResult): void {
  expect(r.dataUsed).toMatch(/quick/);
  for (const n of r.numbers) {
    if (n.unit === 'count') continue;
    expect(n.ours).toBeGreaterThanOrEqual(0);
    expect(n.ours).toBeLessThanOrEqual(1);
  }
}

describe.skipIf(skip !== undefined)('audio presets on real GTZAN clips (quick effort)', () => {
  let train: SpectrogramSet;
  let newSongs: SpectrogramSet;
  let evalFiles: string[];
  beforeAll(async () => {
    await initNodeBackend('wasm');
    // Clips 00001 and 00002 of each genre: 6 clips; the 80/20 split by track keeps one of each genre for test.
    const files = listAudioFiles([sharedPath(...trainParts)!]).filter((f) => /\.0000[12]\.wav$/.test(f));
    train = await readSpectrogramSet(files, { nBands: 64 });
    evalFiles = listAudioFiles([sharedPath(...evalParts)!]);
    newSongs = await readSpectrogramSet(evalFiles, { nBands: 64 });
  }, 120_000);

  it('Toronto CNN: 10 s crops (431 frames), per-track and per-crop accuracy, the report’s 68 % next to the per-crop one', async () => {
    const preset = byId(TORONTO_PRESETS, 'toronto-cnn');
    expect(preset.paperNumbers).toEqual([expect.objectContaining({ id: 'crop-accuracy', value: 0.68 })]);
    const r = await preset.run({ spectrograms: train, effort: 'quick', seed: 0 });
    expectFractions(r);
    expect(r.numbers.find((n) => n.id === 'crop-accuracy')!.paper).toBe(0.68);
    expect(r.numbers.find((n) => n.id === 'accuracy')!.paper).toBeUndefined();
    expect(r.notes.join(' ')).toMatch(/431-frame crops \(10\.0 s\)/);
  }, 300_000);

  it('Toronto ANN: one hidden layer of 300 on the flattened 64 × 431 crop — 64·431·300 + 300 + 300·3 + 3 parameters', async () => {
    const r = await byId(TORONTO_PRESETS, 'toronto-ann').run({ spectrograms: train, effort: 'quick', seed: 0 });
    expectFractions(r);
    expect(r.numbers.find((n) => n.id === 'parameters')!.ours).toBe(64 * 431 * 300 + 300 + 300 * 3 + 3);
    for (const n of r.numbers) expect(n.paper).toBeUndefined();
  }, 300_000);

  it('Toronto new-data evaluation: both accuracies, next to 79.4 % and 48.8 %; only new songs of known genres are scored', async () => {
    const preset = byId(TORONTO_PRESETS, 'toronto-new-data');
    await expect(preset.run({ spectrograms: train, effort: 'quick' })).rejects.toThrow(/second labelled audio folder/);
    const r = await preset.run({ spectrograms: train, evalSpectrograms: newSongs, effort: 'quick', seed: 0 });
    expectFractions(r);
    const n = (id: string) => r.numbers.find((x) => x.id === id)!;
    expect(n('accuracy').paper).toBe(0.794);
    expect(n('new-data-accuracy').paper).toBe(0.488);
    // Counted from the file names: new songs of classical, jazz or rock whose id is not a training clip.
    const trainIds = new Set(train.tracks.map((t) => t.trackId));
    const scorable = evalFiles.map((f) => basename(f).replace(/\.wav$/, '')).filter((id) => /^(classical|jazz|rock)\./.test(id) && !trainIds.has(id));
    expect(n('new-data-tracks').ours).toBe(scorable.length);
    expect(r.tables[0]!.rows.map((row) => row[0]).sort()).toEqual(scorable.sort());
  }, 300_000);

  it('Northeastern residual CNN with warm-up + cosine: numbers in [0, 1], 62.5 % next to the per-track accuracy', async () => {
    const r = await byId(NORTHEASTERN_CNN_PRESETS, 'northeastern-cnn').run({ spectrograms: train, effort: 'quick', seed: 0 });
    expectFractions(r);
    expect(r.numbers.find((n) => n.id === 'accuracy')!.paper).toBe(0.625);
    expect(r.notes.join(' ')).toMatch(/warmed up linearly over 1 epoch/);
  }, 300_000);

  it('an audio preset without audio says what to load', async () => {
    await expect(byId(NORTHEASTERN_CNN_PRESETS, 'northeastern-cnn').run({})).rejects.toThrow(/needs audio: a folder of labelled clips/);
  });
});
