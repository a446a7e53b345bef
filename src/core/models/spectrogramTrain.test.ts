/**
 * CNN training on spectrogram sets: random crops are windows of their own (training) tracks, no
 * crop of a test track reaches training, a separable synthetic set is learnt, the test decides a
 * track by the mean probability of its non-overlapping crops, saved models round-trip, and no
 * tensor is left behind.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initNodeBackend } from '../../node/tfNode';
import { synthesizeClip, type SynthStyle } from '../audio/synth';
import { buildSpectrogramSet, type SpectrogramSet } from '../data/spectrogramSet';
import { stratifiedTrackSplit } from '../data/split';
import { allTracksSplit, trackTable } from '../data/spectrogramSet';
import type { QuantisedLogMel } from '../features/logMel';
import { crossValidateClassifier } from './crossValidate';
import { trainEnsemble } from './ensemble';
import { predictProbabilities } from './predict';
import { MODEL_KINDS, type NetworkBuilder } from './registry';
import { exportModelFiles, importModelFiles, loadSavedModel, serializeClassifier } from './saved';
import { nonOverlappingCrops, randomCropSource, spectrogramSpecFor, testOnOtherSet, trainSpectrogramClassifier } from './spectrogramTrain';
import { buildNetwork } from './registry';

beforeAll(async () => {
  await initNodeBackend('wasm');
});

const STEP = 80 / 255;

/** A 64-band set of constant matrices: track i of the set has byte value `byteOf(i)` everywhere. */
function constantSet(perGenre: number, nFrames: number, byteOf: (i: number) => number): SpectrogramSet {
  const genres = ['a', 'b'];
  const tracks = genres.flatMap((g, label) =>
    Array.from({ length: perGenre }, (_, j) => {
      const i = label * perGenre + j;
      const mel: QuantisedLogMel = { bytes: new Uint8Array(64 * nFrames).fill(byteOf(i)), maxDb: 0, rangeDb: 80, nBands: 64, nFrames };
      return { trackId: `${g}.${String(j).padStart(5, '0')}`, label, mel };
    }),
  );
  return { kind: 'spectrograms', name: 'constant', genres, tracks, params: { sampleRateHz: 22050, nFft: 2048, hopSamples: 512, padMode: 'constant', nBands: 64, ref: 'max', topDb: 80 }, failed: [] };
}

/** Two clearly different synthetic styles, `per` clips of `sec` seconds each, 64 bands. */
async function synthSet(per: number, sec: number): Promise<SpectrogramSet> {
  const styles: SynthStyle[] = ['synth-ambient', 'synth-techno'];
  const files = styles.flatMap((s) => Array.from({ length: per }, (_, i) => `${s}.${String(i).padStart(5, '0')}.wav`));
  return buildSpectrogramSet(files, async (f) => ({ samples: synthesizeClip(f.startsWith('synth-ambient') ? 'synth-ambient' : 'synth-techno', 100 + files.indexOf(f), sec), sampleRateHz: 22050 }), { nBands: 64 });
}

/**
 * Export a trained model's three files, import and load them (a student's download and upload), and
 * expect the same spec and the same probabilities `p` on `crops`; returns the loaded model's kind.
 */
async function expectReloadPredictsSame(c: Parameters<typeof serializeClassifier>[0], crops: Parameters<typeof predictProbabilities>[1], p: Float32Array): Promise<string> {
  const saved = await serializeClassifier(c, { createdAt: '2026-12-01T00:00:00Z' });
  const { 'model.json': modelJson, 'weights.bin': weightsBin, 'metadata.json': metadataJson } = exportModelFiles(saved);
  const loaded = await loadSavedModel(importModelFiles({ modelJson, weightsBin, metadataJson }));
  expect(loaded.spec).toEqual(c.spec);
  const q = predictProbabilities(loaded.network, crops);
  for (let i = 0; i < p.length; i++) expect(q[i]).toBeCloseTo(p[i]!, 5);
  loaded.dispose();
  return loaded.metadata.kind;
}

describe('random crops', () => {
  it('are windows [s, s + C) of their own track with s in [0, frames − C], redrawn each epoch, the same for the same seed', () => {
    // One track per genre, byte = frame index t, so a crop's first column tells its start.
    const set = constantSet(1, 40, () => 0);
    set.tracks.forEach((t) => {
      for (let b = 0; b < 64; b++) for (let f = 0; f < 40; f++) t.mel.bytes[b * 40 + f] = f;
    });
    const spec = { ...spectrogramSpecFor(set, [0, 1], 16), scaler: { kind: 'zscore' as const, mean: new Array(64).fill(0), std: new Array(64).fill(1) } };
    const draw = (seed: number) => {
      const src = randomCropSource(set, [1, 0], spec, 3, seed);
      expect(Array.from(src.y)).toEqual([1, 1, 1, 0, 0, 0]);
      const starts: number[][] = [];
      for (let e = 1; e <= 3; e++) {
        src.beginEpoch(e);
        const out = new Float32Array(6 * 64 * 16);
        src.fill([0, 1, 2, 3, 4, 5], 0, 6, out);
        const epoch: number[] = [];
        for (let i = 0; i < 6; i++) {
          const first = Math.round((out[i * 64 * 16]! + 80) / STEP);
          epoch.push(first);
          expect(first).toBeGreaterThanOrEqual(0);
          expect(first).toBeLessThanOrEqual(40 - 16);
          // Every band holds the consecutive frames first … first + 15.
          for (let b = 0; b < 64; b += 21) for (let t = 0; t < 16; t++) expect(Math.round((out[i * 1024 + b * 16 + t]! + 80) / STEP)).toBe(first + t);
        }
        starts.push(epoch);
      }
      return starts;
    };
    const a = draw(5);
    expect(draw(5)).toEqual(a);
    expect(new Set(a.map((e) => e.join(','))).size).toBeGreaterThan(1);
  });
});

describe('SpecAugment masks', () => {
  it('zero whole-band runs of frames (time masks) and whole-frame runs of bands (frequency masks), no wider than asked', () => {
    const set = constantSet(2, 40, () => 100);
    const spec = { ...spectrogramSpecFor(set, [0, 1, 2, 3], 16), scaler: { kind: 'zscore' as const, mean: new Array(64).fill(0), std: new Array(64).fill(1) } };
    const check = (masks: { timeMasks: number; maxTimeFrames: number; freqMasks: number; maxBands: number }, axis: 'time' | 'freq') => {
      const src = randomCropSource(set, [0, 1, 2, 3], spec, 4, 9, masks);
      src.beginEpoch(1);
      const out = new Float32Array(16 * 64 * 16);
      src.fill(Array.from({ length: 16 }, (_, i) => i), 0, 16, out);
      let masked = 0;
      for (let i = 0; i < 16; i++) {
        const zero = (b: number, t: number) => out[i * 1024 + b * 16 + t] === 0;
        // The cells left are the crop's value, −80 + 100 · 80/255 dB, z-scored with mean 0, std 1.
        for (let b = 0; b < 64; b++) for (let t = 0; t < 16; t++) if (!zero(b, t)) expect(out[i * 1024 + b * 16 + t]).toBeCloseTo(-80 + 100 * STEP, 4);
        const lines = axis === 'time' ? Array.from({ length: 16 }, (_, t) => Array.from({ length: 64 }, (_, b) => zero(b, t))) : Array.from({ length: 64 }, (_, b) => Array.from({ length: 16 }, (_, t) => zero(b, t)));
        // A masked line is masked across the whole other axis; one mask → one contiguous run.
        for (const l of lines) expect(l.every((z) => z === l[0])).toBe(true);
        const run = lines.map((l) => l[0]);
        const idx = run.flatMap((z, j) => (z ? [j] : []));
        if (idx.length) expect(idx.at(-1)! - idx[0]! + 1).toBe(idx.length);
        expect(idx.length).toBeLessThanOrEqual(axis === 'time' ? masks.maxTimeFrames : masks.maxBands);
        masked += idx.length;
      }
      expect(masked).toBeGreaterThan(0);
    };
    check({ timeMasks: 1, maxTimeFrames: 6, freqMasks: 0, maxBands: 0 }, 'time');
    check({ timeMasks: 0, maxTimeFrames: 0, freqMasks: 1, maxBands: 10 }, 'freq');
    expect(() => randomCropSource(set, [0], spec, 1, 0, { timeMasks: 1, maxTimeFrames: 17, freqMasks: 0, maxBands: 0 })).toThrow(/no wider than a crop/);
  });
});

describe('testing on another labelled set (new data)', () => {
  it('matches genres by name, leaves out (and lists) unknown genres, the model’s own tracks and tracks shorter than a crop, refuses other log-mel settings', async () => {
    const own = constantSet(2, 40, (i) => 10 + i);
    const spec = spectrogramSpecFor(own, [0, 1, 2, 3], 16);
    const net = await buildNetwork('toronto-cnn', { inputShape: [64, 16, 1], nClasses: 2, seed: 0 });
    // The other set lists its genres in another order and has one the model never saw.
    const other = constantSet(2, 40, (i) => 100 + i);
    other.genres = ['c', 'b', 'a'];
    const mel = other.tracks[0]!.mel;
    other.tracks = [
      { trackId: 'b.00100', label: 1, mel }, // genre b → model's index 1
      { trackId: 'a.00100', label: 2, mel }, // genre a → model's index 0
      { trackId: 'c.00100', label: 0, mel }, // genre c: unknown to the model
      { trackId: own.tracks[0]!.trackId, label: 2, mel }, // a track of the model's own set: not new
      { trackId: 'a.00101', label: 2, mel: { ...mel, nFrames: 10, bytes: mel.bytes.slice(0, 64 * 10) } }, // 10 frames < one 16-frame crop
    ];
    const r = testOnOtherSet(net, spec, other, new Set(own.tracks.map((t) => t.trackId)));
    expect(r.test.trackIds).toEqual(['b.00100', 'a.00100']);
    expect(Array.from(r.test.yTrue)).toEqual([1, 0]);
    expect(r.unknownGenre).toEqual(['c.00100']);
    expect(r.notNew).toEqual([own.tracks[0]!.trackId]);
    expect(r.tooShort).toEqual(['a.00101']);
    // 40 frames → 2 crops of 16 per track.
    expect(r.test.segmentEvaluation?.n).toBe(4);
    expect(() => testOnOtherSet(net, spec, { ...other, params: { ...other.params, nBands: 128 } }, new Set())).toThrow(/nBands \(128 vs 64\)/);
    expect(() => testOnOtherSet(net, spec, { ...other, tracks: other.tracks.slice(2) }, new Set(own.tracks.map((t) => t.trackId)))).toThrow(/None of the 3 evaluation tracks/);
    net.dispose();
  });
});

describe('training a CNN on a spectrogram set', () => {
  it('never shows a crop of a test track to the network while training', async () => {
    // Track i is constant at byte 10 + 20·i: the z-scored value of a training crop names its track.
    const set = constantSet(5, 40, (i) => 10 + 20 * i);
    const table = trackTable(set);
    const split = stratifiedTrackSplit(table, 0.4, 3);
    const seen: number[] = [];
    const kind = MODEL_KINDS['toronto-cnn'] as { loadBuilder: () => Promise<NetworkBuilder> };
    const original = kind.loadBuilder;
    kind.loadBuilder = async () => {
      const build = await original();
      return (o) => {
        const net = build(o);
        const forward = net.forward.bind(net);
        net.forward = (x, training, seed) => {
          if (training) seen.push(...(x.reshape([x.shape[0]!, -1]).slice([0, 0], [-1, 1]).dataSync() as Float32Array));
          return forward(x, training, seed);
        };
        return net;
      };
    };
    try {
      const c = await trainSpectrogramClassifier(set, { kind: 'toronto-cnn', seed: 1, epochs: 2, batchSize: 4, cnn: { cropFrames: 16, cropsPerTrack: 2 } }, split);
      const spec = c.spec as import('./inputSpec').SpectrogramInputSpec;
      const trackOfValue = (v: number) => (Math.round((v * spec.scaler.std[0]! + spec.scaler.mean[0]! + 80) / STEP) - 10) / 20;
      const trained = new Set(seen.map(trackOfValue));
      // 2 epochs × 6 training tracks × 2 crops were seen, all of training tracks, all of them.
      expect(seen).toHaveLength(2 * 6 * 2);
      expect([...trained].sort((a, b) => a - b)).toEqual(Array.from(split.train).sort((a, b) => a - b));
      for (const t of split.test) expect(trained.has(t)).toBe(false);
      expect(c.test.trackIds.sort()).toEqual(Array.from(split.test, (t) => set.tracks[t]!.trackId).sort());
      c.dispose();
    } finally {
      kind.loadBuilder = original;
    }
  }, 60_000);

  it('learns two synthetic styles; a track is the mean of its non-overlapping crops; saved and loaded it predicts the same; no tensor is left', async () => {
    const set = await synthSet(6, 2);
    const before = tf.memory().numTensors;
    const split = stratifiedTrackSplit(trackTable(set), 1 / 3, 0);
    const c = await trainSpectrogramClassifier(set, { kind: 'toronto-cnn', seed: 0, epochs: 6, cnn: { cropFrames: 32 } }, split);
    // 2 s → 1 + ⌊44100 / 512⌋ = 87 frames → ⌊87 / 32⌋ = 2 crops per test track.
    expect(c.test.trackIds).toHaveLength(4);
    expect(c.test.segmentEvaluation?.n).toBe(8);
    expect(c.test.evaluation.accuracy).toBe(1);
    // The track answer is the mean of its crops' probabilities, recomputed here from the crops.
    const spec = c.spec as import('./inputSpec').SpectrogramInputSpec;
    const crops = nonOverlappingCrops(set, Array.from(split.test), spec);
    const p = predictProbabilities(c.network, crops);
    Array.from(split.test).forEach((t, j) => {
      const rows = Array.from(crops.trackOfCrop).flatMap((tt, i) => (tt === t ? [i] : []));
      expect(rows).toHaveLength(2);
      for (let k = 0; k < 2; k++) expect(c.test.trackProbabilities[j * 2 + k]).toBeCloseTo((p[rows[0]! * 2 + k]! + p[rows[1]! * 2 + k]!) / 2, 5);
    });
    // Export, import, load: same probabilities on the same crops.
    expect(await expectReloadPredictsSame(c, crops, p)).toBe('toronto-cnn');
    c.dispose();
    expect(tf.memory().numTensors).toBe(before);
  }, 120_000);

  it('trains the APS360 ANN baseline (spectrogram-ann) through the same machinery: learns, saves, loads, predicts the same', async () => {
    const set = await synthSet(6, 2);
    const before = tf.memory().numTensors;
    const split = stratifiedTrackSplit(trackTable(set), 1 / 3, 0);
    const c = await trainSpectrogramClassifier(set, { kind: 'spectrogram-ann', seed: 0, epochs: 6, cnn: { cropFrames: 32 } }, split);
    expect(c.kind).toBe('spectrogram-ann');
    // Two very different synthetic styles: a dense layer on the flattened crop separates them.
    expect(c.test.evaluation.accuracy).toBe(1);
    const spec = c.spec as import('./inputSpec').SpectrogramInputSpec;
    const crops = nonOverlappingCrops(set, Array.from(split.test), spec);
    const p = predictProbabilities(c.network, crops);
    expect(await expectReloadPredictsSame(c, crops, p)).toBe('spectrogram-ann');
    c.dispose();
    expect(tf.memory().numTensors).toBe(before);
  }, 120_000);

  it('cross-validates by track through the same machinery as the feature models, with per-crop accuracy', async () => {
    const set = constantSet(3, 40, (i) => (i < 3 ? 40 : 200) + i);
    const opts = { kind: 'toronto-cnn' as const, seed: 0, epochs: 1, folds: 3, cnn: { cropFrames: 16, cropsPerTrack: 1 } };
    // Default: over the training tracks of the 80/20 split (one track per genre held out, unused).
    const cv = await crossValidateClassifier(set, opts);
    expect(cv.tracks).toBe(4);
    expect(cv.runs.map((r) => r.tracks).sort()).toEqual([1, 1, 2]);
    // Over all six tracks (an explicit split with no test side): each fold tests 2 tracks, 2 crops each.
    const all = await crossValidateClassifier(set, opts, allTracksSplit(trackTable(set)));
    expect(all.tracks).toBe(6);
    expect(all.runs.map((r) => r.tracks)).toEqual([2, 2, 2]);
    expect(all.meanCropAccuracy).toBeDefined();
  }, 60_000);

  it('trains ensembles of CNNs on the same test tracks through trainEnsemble', async () => {
    const set = constantSet(3, 40, (i) => (i < 3 ? 40 : 200) + i);
    const split = stratifiedTrackSplit(trackTable(set), 1 / 3, 2);
    const r = await trainEnsemble(set, { kind: 'toronto-cnn', seed: 0, epochs: 1, members: 2, cnn: { cropFrames: 16, cropsPerTrack: 1 } }, split);
    expect(r.members).toHaveLength(2);
    expect(r.trackIds.sort()).toEqual(Array.from(split.test, (t) => set.tracks[t]!.trackId).sort());
    // 2 test tracks × ⌊40 / 16⌋ = 2 crops: crop accuracy is a multiple of 1/4.
    for (const m of r.members) expect((m.cropAccuracy as number) * 4).toBeCloseTo(Math.round((m.cropAccuracy as number) * 4), 9);
    expect(r.genres).toEqual(['a', 'b']);
  }, 60_000);
});
