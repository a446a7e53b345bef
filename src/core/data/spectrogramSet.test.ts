/**
 * Spectrogram sets: hand-worked crops, band statistics and splits by track; a bad file is named
 * and skipped.
 */
import { describe, expect, it } from 'vitest';
import { decodeToMono } from '../audio/decodeNode';
import { synthesizeClip } from '../audio/synth';
import { encodeWav16 } from '../audio/wav';
import { LabError } from '../errors';
import type { QuantisedLogMel } from '../features/logMel';
import { kFoldByTrack, splitLeaksTracks, stratifiedTrackSplit } from './split';
import { addTrackToSpectrogramSet, buildSpectrogramSet, fitBandScaler, framesForDuration, logMelParamsFor, nonOverlappingCropStarts, quantisedLogMelOf, summariseSpectrogramSet, trackTable, writeCrop, type SpectrogramSet } from './spectrogramSet';

/** A 2-band matrix whose byte at (b, t) is given; maxDb 0, range 80: dB = −80 + q · 80/255. */
function mel(nFrames: number, byte: (b: number, t: number) => number): QuantisedLogMel {
  const bytes = new Uint8Array(2 * nFrames);
  for (let b = 0; b < 2; b++) for (let t = 0; t < nFrames; t++) bytes[b * nFrames + t] = byte(b, t);
  return { bytes, maxDb: 0, rangeDb: 80, nBands: 2, nFrames };
}

const db = (q: number) => -80 + (q * 80) / 255;

/** A hand-made set: `perGenre` tracks of each of `genres`, each a constant matrix. */
function handSet(genres: string[], perGenre: number, nFrames = 10): SpectrogramSet {
  const tracks = genres.flatMap((g, label) => Array.from({ length: perGenre }, (_, i) => ({ trackId: `${g}.${String(i).padStart(5, '0')}`, label, mel: mel(nFrames, () => label * 10 + i) })));
  return { kind: 'spectrograms', name: 'hand', genres, tracks, params: { sampleRateHz: 22050, nFft: 2048, hopSamples: 512, padMode: 'constant', nBands: 2, ref: 'max', topDb: 80 }, failed: [] };
}

describe('crops', () => {
  it('non-overlapping crops start at 0, C, 2C … and leave the tail out', () => {
    expect(nonOverlappingCropStarts(300, 128)).toEqual([0, 128]);
    expect(nonOverlappingCropStarts(1293, 128)).toHaveLength(10); // a 30 s GTZAN clip: 1293 frames
    expect(nonOverlappingCropStarts(127, 128)).toEqual([]);
  });

  it('writes frames [start, start + C) of every band, z-scored per band, band-major', () => {
    // byte = 10·b + t: band 0 holds 0..9, band 1 holds 10..19.
    const m = mel(10, (b, t) => 10 * b + t);
    const out = new Float32Array(1 + 2 * 3).fill(NaN);
    writeCrop(m, 4, 3, { mean: [-70, -60], std: [2, 4] }, out, 1);
    const want = [NaN, (db(4) + 70) / 2, (db(5) + 70) / 2, (db(6) + 70) / 2, (db(14) + 60) / 4, (db(15) + 60) / 4, (db(16) + 60) / 4];
    expect(Number.isNaN(out[0])).toBe(true);
    want.slice(1).forEach((v, i) => expect(out[i + 1]).toBeCloseTo(v, 5));
    expect(() => writeCrop(m, 8, 3, { mean: [0, 0], std: [1, 1] }, out, 0)).toThrow(LabError);
  });
});

describe('per-band scaler', () => {
  it('is the mean and population std over every frame of the given tracks only', () => {
    // Track 0: band 0 bytes 0 and 255 alternating (−80 and 0 dB); band 1 constant 51 (−64 dB).
    // Track 1: band 0 constant 255; band 1 constant 0. Track 2 is not in the fit.
    const set = handSet(['a', 'b'], 1, 4);
    set.tracks[0]!.mel = mel(4, (b, t) => (b === 0 ? (t % 2 ? 255 : 0) : 51));
    set.tracks[1]!.mel = mel(2, (b) => (b === 0 ? 255 : 0));
    set.tracks.push({ trackId: 'c', label: 1, mel: mel(4, () => 128) });
    const s = fitBandScaler(set, [0, 1]);
    // Band 0 over the six frames: −80, 0, −80, 0, 0, 0; band 1: −64 ×4, −80 ×2.
    const b0 = [-80, 0, -80, 0, 0, 0];
    const b1 = [-64, -64, -64, -64, -80, -80];
    const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
    const std = (v: number[]) => Math.sqrt(mean(v.map((x) => (x - mean(v)) ** 2)));
    expect(s.mean[0]).toBeCloseTo(mean(b0), 9);
    expect(s.mean[1]).toBeCloseTo(mean(b1), 9);
    expect(s.std[0]).toBeCloseTo(std(b0), 9);
    expect(s.std[1]).toBeCloseTo(std(b1), 9);
  });
});

describe('splits of a spectrogram set by track', () => {
  it('k-fold by track tests every track once and never on both sides; the random split is stratified', () => {
    const set = handSet(['a', 'b', 'c'], 5);
    const table = trackTable(set);
    expect(table.nRows).toBe(15);
    const folds = kFoldByTrack(table, 5, 3);
    const tested = folds.flatMap((f) => Array.from(f.test));
    expect(tested.sort((a, b) => a - b)).toEqual(Array.from({ length: 15 }, (_, i) => i));
    for (const f of folds) {
      expect(splitLeaksTracks(table, f)).toBe(false);
      // 5 tracks per genre over 5 folds: one of each genre per fold.
      expect(Array.from(f.test, (t) => set.tracks[t]!.label).sort()).toEqual([0, 1, 2]);
    }
    const s = stratifiedTrackSplit(table, 0.2, 7);
    expect(Array.from(s.test, (t) => set.tracks[t]!.label).sort()).toEqual([0, 1, 2]);
  });
});

describe('building a set from audio', () => {
  it('takes genre and track from the name or the folder, and names a bad file and goes on', async () => {
    const files = ['x/synth-techno.00001.wav', 'genres_original/chorale/take1.wav', 'x/broken.00002.wav', 'x/synth-techno.00003.wav', 'loose.wav'];
    const read = async (f: string) => {
      if (f.includes('broken')) throw new LabError('corrupt-audio', 'broken.00002.wav: the RIFF header is cut off.');
      return { samples: synthesizeClip(f.includes('chorale') ? 'synth-chorale' : 'synth-techno', 1, 1), sampleRateHz: 22050 };
    };
    const set = await buildSpectrogramSet(files, read, { nBands: 64 });
    expect(set.genres).toEqual(['chorale', 'synth-techno']);
    expect(set.tracks.map((t) => [t.trackId, set.genres[t.label]])).toEqual([
      ['synth-techno.00001', 'synth-techno'],
      ['take1', 'chorale'],
      ['synth-techno.00003', 'synth-techno'],
    ]);
    // 1 s at 22 050 Hz, hop 512, centred: 1 + ⌊22050 / 512⌋ = 44 frames.
    expect(set.tracks[0]!.mel.nFrames).toBe(44);
    expect(set.tracks[0]!.mel.nBands).toBe(64);
    expect(set.failed.map((f) => f.file)).toEqual(['x/broken.00002.wav', 'loose.wav']);
    expect(set.failed[0]!.error).toBe('the RIFF header is cut off.');
    expect(set.failed[1]!.error).toMatch(/no genre/);
  });
});

describe('size and summary of a set (what the browser checks against its storage estimate)', () => {
  it('frames follow the centred STFT: a GTZAN clip of 661 794 samples has 1 + ⌊661794 / 512⌋ = 1293 frames', () => {
    const p = logMelParamsFor();
    expect(framesForDuration(661_794 / 22_050, p)).toBe(1293);
    expect(framesForDuration(30, p)).toBe(1292); // 661 500 samples
  });

  it('a built set is bands × frames bytes per track and (frames − 1) · hop / sr seconds of audio', async () => {
    const clip = (sec: number) => ({ samples: synthesizeClip('synth-techno', 3, sec), sampleRateHz: 22050 });
    const set = await buildSpectrogramSet(['a.00000.wav', 'b.00000.wav'], async (f) => clip(f.startsWith('a') ? 2 : 3), { nBands: 64 });
    const s = summariseSpectrogramSet(set);
    // 2 s = 44 100 samples → 87 frames; 3 s = 66 150 → 130 frames.
    expect(s.bytes).toBe(64 * (87 + 130));
    expect(s.durationSec).toBeCloseTo(((86 + 129) * 512) / 22050, 9);
    expect([s.tracks, s.nBands, s.genres]).toEqual([2, 64, ['a', 'b']]);
  });
});

describe('adding a labelled microphone recording to a set', () => {
  // A 2 s "recording" as the microphone hands it over: a 16-bit mono WAV at the audio context's 48 kHz.
  const recordingWav = encodeWav16([synthesizeClip('synth-chorale', 5, 2, 48000)], 48000);
  const clips = ['x/synth-techno.00001.wav', 'x/synth-ambient.00002.wav'];
  const readClip = async (f: string) => ({ samples: synthesizeClip(f.includes('techno') ? 'synth-techno' : 'synth-ambient', 1, 2), sampleRateHz: 22050 });

  it('is the set the builder makes with the recording in a folder named after its genre: a new genre sorts in, labels renumber, bytes identical', async () => {
    const set = await buildSpectrogramSet(clips, readClip, { nBands: 64 });
    expect(set.genres).toEqual(['synth-ambient', 'synth-techno']);
    const audio = await decodeToMono(recordingWav, 'microphone-120000.wav');
    const added = addTrackToSpectrogramSet(set, 'microphone-120000.wav', 'chorale', quantisedLogMelOf(audio.samples, set.params));
    // The same three files through the builder, the recording under chorale/.
    const truth = await buildSpectrogramSet([...clips, 'chorale/microphone-120000.wav'], async (f) => (f.startsWith('chorale/') ? audio : readClip(f)), { nBands: 64 });
    expect(added.tracks.length).toBe(3);
    // 'chorale' sorts first: the two old tracks move from labels 1, 0 to 2, 1.
    expect(added.genres).toEqual(['chorale', 'synth-ambient', 'synth-techno']);
    expect(added.tracks.map((t) => [t.trackId, t.label])).toEqual([
      ['synth-techno.00001', 2],
      ['synth-ambient.00002', 1],
      ['microphone-120000', 0],
    ]);
    expect(added.genres).toEqual(truth.genres);
    expect(added.tracks.map((t) => [t.trackId, t.label])).toEqual(truth.tracks.map((t) => [t.trackId, t.label]));
    added.tracks.forEach((t, i) => expect(t.mel).toEqual(truth.tracks[i]!.mel));
    // 2 s resampled to 22 050 Hz, hop 512, centred: 1 + ⌊44 100 / 512⌋ = 87 frames.
    expect(added.tracks[2]!.mel.nFrames).toBe(87);
    expect(summariseSpectrogramSet(added).tracks).toBe(3);
    // The set it was added to is unchanged (the page keeps it until the new one is saved).
    expect(set.tracks.length).toBe(2);
    expect(set.tracks[0]!.label).toBe(1);
  });

  it('into a genre the set has, keeps the labels; refuses the same recording twice, a bad genre name, and other mel bands', async () => {
    const set = await buildSpectrogramSet(clips, readClip, { nBands: 64 });
    const mel = quantisedLogMelOf((await decodeToMono(recordingWav, 'r.wav')).samples, set.params);
    const added = addTrackToSpectrogramSet(set, 'microphone-120000.wav', ' synth-techno ', mel);
    expect(added.tracks.map((t) => t.label)).toEqual([1, 0, 1]);
    expect(() => addTrackToSpectrogramSet(added, 'microphone-120000.wav', 'synth-techno', mel)).toThrow(/appears twice/);
    expect(() => addTrackToSpectrogramSet(set, 'microphone-120001.wav', '  ', mel)).toThrow(/not a genre name/);
    expect(() => addTrackToSpectrogramSet(set, 'microphone-120001.wav', 'rock/pop', mel)).toThrow(/not a genre name/);
    const mel128 = quantisedLogMelOf(synthesizeClip('synth-chorale', 5, 1), logMelParamsFor({ nBands: 128 }));
    expect(() => addTrackToSpectrogramSet(set, 'microphone-120001.wav', 'chorale', mel128)).toThrow(/128 mel bands but the set's have 64/);
  });
});
