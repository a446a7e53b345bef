/**
 * Classifying a clip with a spectrogram model: its non-overlapping crops and their time spans, the
 * too-short error, the per-crop vote, and the occlusion map on a hand-made model that looks at one
 * region only.
 */
import { describe, expect, it } from 'vitest';
import { synthesizeClip } from '../audio/synth';
import { LabError } from '../errors';
import { computeLogMel } from '../features/logMel';
import type { PreparedInputs } from './classifiers';
import { buildSpectrogramClassifyInputs, classifySpectrogramClip, occlusionMap, occlusionOverCrops, spectrogramCropInputs } from './classifyAudio';
import { bandNames, migrateInputSpec, type SpectrogramInputSpec } from './inputSpec';

function spec(cropFrames: number, nBands = 64): SpectrogramInputSpec {
  return {
    version: 2,
    input: 'spectrogram-crops',
    recipe: 'log-mel',
    recipeVersion: '1',
    featureNames: bandNames(nBands),
    scaler: { kind: 'zscore', mean: Array.from({ length: nBands }, (_, b) => -40 - b / 10), std: Array.from({ length: nBands }, (_, b) => 10 + b / 100) },
    genres: ['a', 'b'],
    steps: 1,
    spectrogram: { sampleRateHz: 22050, nFft: 2048, hopSamples: 512, padMode: 'constant', nBands, ref: 'max', topDb: 80, cropFrames },
  };
}

describe('a clip as spectrogram crops', () => {
  it('cuts 3 s into ⌊130 / 32⌋ = 4 crops of 32 frames with their time spans, z-scored per band', () => {
    const y = synthesizeClip('synth-techno', 3, 3);
    const s = spec(32);
    const inputs = buildSpectrogramClassifyInputs(s, y, 22050);
    // 3 s = 66 150 samples → 1 + ⌊66150 / 512⌋ = 130 frames.
    expect(inputs.sampleShape).toEqual([64, 32, 1]);
    expect(inputs.units).toHaveLength(4);
    const crop = (32 * 512) / 22050; // 0.743 s
    inputs.units.forEach((u, i) => {
      expect(u.startSec).toBeCloseTo(i * crop, 9);
      expect(u.endSec).toBeCloseTo((i + 1) * crop, 9);
    });
    const m = computeLogMel(y, { nBands: 64 });
    // Crop 2, band 5, frame 7 is frame 2·32 + 7 of the matrix.
    expect(inputs.x[2 * 64 * 32 + 5 * 32 + 7]).toBeCloseTo((m.db[5 * m.nFrames + 71]! - s.scaler.mean[5]!) / s.scaler.std[5]!, 4);
  });

  it('says how long a crop is and how long the clip is when the clip is shorter than one crop', () => {
    const y = new Float32Array(22050).fill(0.1);
    const s = spec(128);
    expect(() => buildSpectrogramClassifyInputs(s, y, 22050)).toThrow(LabError);
    // 128 frames × 512 / 22 050 = 2.97 s; 1 s = 44 frames.
    expect(() => buildSpectrogramClassifyInputs(s, y, 22050)).toThrow(/crops of 2\.97 s \(128 frames\); the clip is 1\.00 s \(44 frames\)/);
    try {
      buildSpectrogramClassifyInputs(s, y, 22050);
    } catch (e) {
      expect((e as LabError).code).toBe('audio-too-short');
    }
    expect(() => buildSpectrogramClassifyInputs(s, y, 44100)).toThrow(/reads audio at 22050 Hz/);
  });

  it('votes over the crops: per-crop genres and the track answer', async () => {
    const s = spec(32);
    // A model that says "b" for crops 1 and 3 only (by their position in the batch).
    const model = { spec: s, predict: async (inp: PreparedInputs) => Float64Array.from({ length: (inp.x.length / (64 * 32)) * 2 }, (_, i) => ((i >> 1) % 2 === 1 ? [0.2, 0.8] : [0.7, 0.3])[i % 2]!) };
    const p = await classifySpectrogramClip(model, synthesizeClip('synth-ambient', 1, 3), 22050);
    expect(p.units.map((u) => u.genre)).toEqual(['a', 'b', 'a', 'b']);
    expect(p.meanProbabilities[0]).toBeCloseTo(0.45, 12);
    expect(p.meanGenre).toBe('b');
    // The spec survives a saved model's migration unchanged.
    expect(migrateInputSpec(JSON.parse(JSON.stringify(s)) as Record<string, unknown>)).toEqual(s);
  });
});

describe('occlusion map', () => {
  // p(class 0) = σ(4 · mean of bands 8–15 × frames 16–23); the model sees nothing else.
  const B = 32;
  const T = 32;
  const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));
  const model = {
    predict: async (inp: PreparedInputs) => {
      const n = inp.x.length / (B * T);
      const out = new Float64Array(n * 2);
      for (let i = 0; i < n; i++) {
        let s = 0;
        for (let b = 8; b < 16; b++) for (let t = 16; t < 24; t++) s += inp.x[i * B * T + b * T + t]!;
        out[i * 2] = sigmoid((4 * s) / 64);
        out[i * 2 + 1] = 1 - out[i * 2]!;
      }
      return out;
    },
  };

  it('lights up only the region the model looks at, by the drop in that class’s probability', async () => {
    const crop = new Float64Array(B * T).fill(1);
    const map = await occlusionMap(model, crop, B, T, 0, { patchBands: 8, patchFrames: 8, batch: 5 });
    const drop = sigmoid(4) - sigmoid(0);
    for (let b = 0; b < B; b++)
      for (let t = 0; t < T; t++) {
        const inside = b >= 8 && b < 16 && t >= 16 && t < 24;
        expect(map[b * T + t], `band ${b}, frame ${t}`).toBeCloseTo(inside ? drop : 0, 6);
      }
    // A 16 × 16 patch covering the region hides all of it; patches that half-cover it, half of it.
    const coarse = await occlusionMap(model, crop, B, T, 0, { patchBands: 16, patchFrames: 16 });
    expect(coarse[0 * T + 16]).toBeCloseTo(drop, 6);
    expect(coarse[0 * T + 0]).toBeCloseTo(0, 6);
    const offset = await occlusionMap(model, crop, B, T, 0, { patchBands: 8, patchFrames: 12 });
    // Frames 12–23 cover the region's frames 16–23 fully; frames 24–31 none of it.
    expect(offset[8 * T + 12]).toBeCloseTo(drop, 6);
    expect(offset[8 * T + 24]).toBeCloseTo(0, 6);
    // Filling with the crop's own mean (1 everywhere) changes nothing.
    const same = await occlusionMap(model, crop, B, T, 0, { fill: 'crop-mean' });
    expect(Math.max(...Array.from(same, Math.abs))).toBeLessThan(1e-12);
  });

  it('over a clip: each crop’s map sits at that crop’s frames of the clip', async () => {
    // Two crops: all ones, then all 0.5 — the region's drop is σ(4) − σ(0), then σ(2) − σ(0).
    const x = new Float64Array(2 * B * T).fill(1);
    x.fill(0.5, B * T);
    const done: number[] = [];
    const map = await occlusionOverCrops(model, { x, sampleShape: [B, T, 1] }, 0, { patchBands: 8, patchFrames: 8, onCrop: (d) => done.push(d) });
    expect(done).toEqual([1, 2]);
    expect(map.length).toBe(B * 2 * T);
    for (let b = 0; b < B; b++)
      for (let f = 0; f < 2 * T; f++) {
        const c = f < T ? 0 : 1;
        const t = f - c * T;
        const inside = b >= 8 && b < 16 && t >= 16 && t < 24;
        expect(map[b * 2 * T + f], `band ${b}, clip frame ${f}`).toBeCloseTo(inside ? sigmoid(c === 0 ? 4 : 2) - sigmoid(0) : 0, 6);
      }
    await expect(occlusionOverCrops(model, { x, sampleShape: [B, T, 1] }, 0, { cancel: { cancelled: true } })).rejects.toMatchObject({ code: 'cancelled' });
  });
});

describe('crop inputs from a log-mel matrix computed elsewhere', () => {
  it('are the inputs computed from the samples, and a matrix shorter than a crop says both lengths', () => {
    const y = synthesizeClip('synth-techno', 4, 3);
    const s = spec(32);
    const fromSamples = buildSpectrogramClassifyInputs(s, y, 22050);
    const fromMatrix = spectrogramCropInputs(s, computeLogMel(y, { nBands: 64 }));
    expect(fromMatrix.units).toEqual(fromSamples.units);
    expect(Array.from(fromMatrix.x)).toEqual(Array.from(fromSamples.x));
    // 20 frames < 32: (20 − 1) · 512 samples = 0.44 s; a crop is 32 · 512 / 22 050 = 0.74 s.
    expect(() => spectrogramCropInputs(s, { db: new Float32Array(64 * 20), nBands: 64, nFrames: 20 })).toThrow(/crops of 0\.74 s \(32 frames\); the clip is 0\.44 s \(20 frames\)/);
    expect(() => spectrogramCropInputs(s, { db: new Float32Array(128 * 40), nBands: 128, nFrames: 40 })).toThrow(/reads 64 mel bands/);
  });
});
