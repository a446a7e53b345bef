/**
 * Training a CNN on a spectrogram set (the feature-row models' counterpart is classifier.ts):
 * split by track (split.ts over the set's one-row-per-track table), a per-band z-score fitted on
 * the training tracks' frames only, random crops drawn afresh every epoch (time-shift
 * augmentation, `cropsPerTrack` per track per epoch) with optional SpecAugment-style masks, and a
 * test in which every test track is decided by the mean probability over its non-overlapping
 * crops. Crops are made batch by batch from the quantised matrices (a {@link SampleSource}), so
 * memory is the set plus one batch, not every crop of every epoch.
 */
import { LabError } from '../errors';
import { deriveSeed } from '../random';
import { resolveSplit, type Split } from '../data/split';
import { trackTable, type SpectrogramSet } from '../data/spectrogramSet';
import { evaluatePredictions } from '../eval/metrics';
import { loopOptions, type ClassifierOptions, type TrainedClassifier } from './classifier';
import { holdOutTracks } from './inputs';
import { sampleShapeOf, type SpectrogramInputSpec } from './inputSpec';
import { DEFAULT_CROP_FRAMES, DEFAULT_CROPS_PER_TRACK, nonOverlappingCrops, randomCropSource, spectrogramSpecFor, type SpectrogramTrainOptions } from './spectrogramCrops';
import { trainNetwork, type EpochMetrics } from './loop';
import type { Network } from './network';
import { argmaxRows, predictProbabilities, type TestResult } from './predict';
import { buildNetwork, neuralKind } from './registry';
import { resolveTrainingSettings } from './settings';

// The crop functions live in spectrogramCrops.ts (no tfjs); re-exported for the CLI and tests.
export { cropFramesForSeconds, DEFAULT_CROP_FRAMES, DEFAULT_CROPS_PER_TRACK, nonOverlappingCrops, randomCropSource, spectrogramSpecFor } from './spectrogramCrops';
export type { SpecAugmentOptions, SpectrogramTrainOptions } from './spectrogramCrops';

export interface SpectrogramClassifierOptions extends ClassifierOptions {
  cnn?: SpectrogramTrainOptions;
}

/**
 * Test on whole tracks: each track's non-overlapping crops are predicted (a few tracks at a time,
 * so memory stays small), the mean crop probability decides the track. `evaluation` is per track,
 * `segmentEvaluation` per crop. Tracks shorter than one crop cannot be tested and are left out.
 */
export function testSpectrogramTracks(set: SpectrogramSet, network: Network, spec: SpectrogramInputSpec, tracks: readonly number[]): TestResult {
  const k = spec.genres.length;
  const usable = tracks.filter((t) => set.tracks[t]!.mel.nFrames >= spec.spectrogram.cropFrames);
  const trackProbabilities = new Float32Array(usable.length * k);
  const cropTrue: number[] = [];
  const cropPred: number[] = [];
  const chunk = 8;
  for (let s = 0; s < usable.length; s += chunk) {
    const part = usable.slice(s, s + chunk);
    const crops = nonOverlappingCrops(set, part, spec);
    const probs = predictProbabilities(network, crops, 64);
    argmaxRows(probs, k).forEach((p, i) => {
      cropPred.push(p);
      cropTrue.push(crops.y[i] as number);
    });
    part.forEach((t, j) => {
      let count = 0;
      for (let i = 0; i < crops.trackOfCrop.length; i++) {
        if (crops.trackOfCrop[i] !== t) continue;
        count++;
        for (let c = 0; c < k; c++) trackProbabilities[(s + j) * k + c]! += probs[i * k + c] as number;
      }
      for (let c = 0; c < k; c++) trackProbabilities[(s + j) * k + c]! /= count;
    });
  }
  const yTrue = Int32Array.from(usable, (t) => set.tracks[t]!.label);
  const yPred = argmaxRows(trackProbabilities, k);
  return {
    trackIds: usable.map((t) => set.tracks[t]!.trackId),
    yTrue,
    yPred,
    trackProbabilities,
    evaluation: evaluatePredictions(yTrue, yPred, spec.genres),
    segmentEvaluation: evaluatePredictions(cropTrue, cropPred, spec.genres),
  };
}

/** A trained spectrogram model tested on another labelled set (the Toronto report's "new data"). */
export interface OtherSetTest {
  /** Per track of the other set that could be tested (genre known to the model, not a training track, long enough). */
  test: TestResult;
  /** Tracks left out because the model was not trained on their genre. */
  unknownGenre: string[];
  /** Tracks left out because a track of the same id is in the model's own set (not new data). */
  notNew: string[];
  /** Tracks of known genres left out because they are shorter than one crop (nothing is dropped unsaid). */
  tooShort: string[];
}

const LOG_MEL_KEYS = ['sampleRateHz', 'nFft', 'hopSamples', 'padMode', 'nBands', 'ref', 'topDb'] as const;

/**
 * Test a spectrogram model on a second labelled set: its tracks are matched to the model's genres
 * by name (tracks of other genres are left out and listed), tracks whose id is in `ownTrackIds`
 * (the set the model came from) are left out as not new, and each remaining track is decided by
 * the mean probability of its non-overlapping crops, as in {@link testSpectrogramTracks}. A set
 * made with other log-mel parameters is a 'spec-mismatch' LabError, not a silently wrong answer.
 */
export function testOnOtherSet(network: Network, spec: SpectrogramInputSpec, other: SpectrogramSet, ownTrackIds: ReadonlySet<string>): OtherSetTest {
  const differs = LOG_MEL_KEYS.filter((k) => other.params[k] !== spec.spectrogram[k]);
  if (differs.length)
    throw new LabError('spec-mismatch', `The evaluation audio's spectrograms differ from the model's in ${differs.map((k) => `${k} (${String(other.params[k])} vs ${String(spec.spectrogram[k])})`).join(', ')}: build both sets with the same settings.`);
  const unknownGenre: string[] = [];
  const notNew: string[] = [];
  const tooShort: string[] = [];
  const tracks: SpectrogramSet['tracks'] = [];
  for (const t of other.tracks) {
    const label = spec.genres.indexOf(other.genres[t.label] as string);
    if (label < 0) unknownGenre.push(t.trackId);
    else if (ownTrackIds.has(t.trackId)) notNew.push(t.trackId);
    else if (t.mel.nFrames < spec.spectrogram.cropFrames) tooShort.push(t.trackId);
    else tracks.push({ ...t, label });
  }
  if (!tracks.length)
    throw new LabError(
      'bad-argument',
      `None of the ${other.tracks.length} evaluation tracks can be tested: ${unknownGenre.length} are of genres the model does not know (it knows ${spec.genres.join(', ')}), ${notNew.length} are tracks it was made from, ${tooShort.length} are shorter than one crop (${spec.spectrogram.cropFrames} frames).`,
    );
  const relabelled: SpectrogramSet = { ...other, genres: [...spec.genres], tracks };
  return { test: testSpectrogramTracks(relabelled, network, spec, tracks.map((_, i) => i)), unknownGenre, notNew, tooShort };
}

/**
 * Train one CNN of `opts.kind` on `set` and test it per track. An explicit `split` (row = track
 * index, e.g. a cross-validation fold) wins over `opts.split`; validation (curves, early stopping)
 * holds out a share of the training tracks, never test tracks.
 */
export async function trainSpectrogramClassifier(set: SpectrogramSet, opts: SpectrogramClassifierOptions, split?: Split): Promise<TrainedClassifier> {
  const kind = neuralKind(opts.kind);
  if (kind.input !== 'spectrogram-crops') throw new LabError('bad-argument', `${kind.id} reads feature rows, not spectrograms: train it on a feature table.`);
  if (opts.distill?.teachers) throw new LabError('bad-argument', 'Distillation is not available for the CNNs yet; train without --distill.');
  const t0 = performance.now();
  const table = trackTable(set);
  const sp = split ?? resolveSplit(table, opts.split);
  let trainRows: ArrayLike<number> = sp.train;
  let valRows: ArrayLike<number> = [];
  if (opts.validationFraction) ({ train: trainRows, validation: valRows } = holdOutTracks(table, sp.train, opts.validationFraction, deriveSeed(opts.seed, 2000)));
  const cropFrames = opts.cnn?.cropFrames ?? DEFAULT_CROP_FRAMES;
  const long = (rows: ArrayLike<number>) => Array.from(rows).filter((t) => set.tracks[t]!.mel.nFrames >= cropFrames);
  const train = long(trainRows);
  const validation = long(valRows);
  const dropped = trainRows.length + valRows.length + sp.test.length - train.length - validation.length - long(sp.test).length;
  if (train.length === 0) throw new LabError('audio-too-short', `No training track is as long as one crop (${cropFrames} frames); use shorter crops.`);
  const spec = spectrogramSpecFor(set, train, cropFrames);
  const settings = resolveTrainingSettings(opts);
  const network = await buildNetwork(opts.kind, { inputShape: sampleShapeOf(spec), nClasses: set.genres.length, seed: opts.seed, dropout: settings.dropout, channels: opts.cnn?.channels, residual: opts.cnn?.residual });
  const testTracks = Array.from(sp.test);
  const splitInfo: TrainedClassifier['split'] = { description: sp.description, trainRows: train.length, testRows: sp.test.length, validationTracks: validation.length, droppedTracks: dropped };
  const made = (train: TrainedClassifier['train'], dispose: () => void): TrainedClassifier => ({
    kind: kind.id,
    network,
    spec,
    train,
    test: testSpectrogramTracks(set, network, spec, testTracks),
    split: splitInfo,
    seed: opts.seed,
    dispose,
  });
  const cp = opts.checkpoint;
  const save =
    cp &&
    ((epoch: number, history: readonly EpochMetrics[]) => {
      const done = history.slice();
      const trainMs = performance.now() - t0;
      return cp.save(made({ history: done, epochsRun: done.length, weightsFromEpoch: epoch, stoppedEarly: false, cancelled: false, trainMs, meanEpochMs: done.reduce((a, h) => a + h.epochMs, 0) / done.length }, () => undefined));
    });
  try {
    const source = randomCropSource(set, train, spec, opts.cnn?.cropsPerTrack ?? DEFAULT_CROPS_PER_TRACK, opts.seed, opts.cnn?.specAugment);
    const val = validation.length ? nonOverlappingCrops(set, validation, spec) : undefined;
    const result = await trainNetwork(network, source, { ...loopOptions(opts, settings, val, cp && save && { everyMs: cp.everyMs, save }), warmupEpochs: opts.cnn?.warmupEpochs });
    return made(result, () => network.dispose());
  } catch (e) {
    network.dispose();
    throw e;
  }
}
