/**
 * Crops of a spectrogram set, without tfjs (the page's main thread draws a preview batch with them,
 * and spectrogramTrain.ts trains from them): the InputSpec of a run (log-mel parameters, crop
 * length, per-band z-score fitted on training tracks), random crops drawn afresh every epoch with
 * optional SpecAugment-style masks, and every non-overlapping crop of a track for testing.
 */
import { LabError } from '../errors';
import { createRng, deriveSeed, randomInt, shuffleInPlace } from '../random';
import { fitBandScaler, nonOverlappingCropStarts, writeCrop, type SpectrogramSet } from '../data/spectrogramSet';
import type { SampleSource, TensorData } from './batches';
import { bandNames, INPUT_SPEC_VERSION, sampleShapeOf, SPECTROGRAM_RECIPE, SPECTROGRAM_RECIPE_VERSION, type SpectrogramInputSpec } from './inputSpec';

/** SpecAugment-style masks (Park et al. 2019) on z-scored training crops: masked cells are set to 0, the training mean. */
export interface SpecAugmentOptions {
  /** Time masks per crop and the widest one in frames. */
  timeMasks: number;
  maxTimeFrames: number;
  /** Frequency masks per crop and the widest one in bands. */
  freqMasks: number;
  maxBands: number;
}

/** What a CNN run adds to the common options. */
export interface SpectrogramTrainOptions {
  /** Frames per crop; default 128 (≈ 2.97 s at hop 512, 22 050 Hz). */
  cropFrames?: number;
  /** Random crops per training track per epoch; default 4. */
  cropsPerTrack?: number;
  /** Small VGG widths; default 'laptop'. */
  channels?: 'laptop' | 'desktop';
  residual?: boolean;
  specAugment?: SpecAugmentOptions;
  /** Linear learning-rate warm-up over this many epochs (then the schedule: constant or cosine); default 0. */
  warmupEpochs?: number;
}

export const DEFAULT_CROP_FRAMES = 128;
export const DEFAULT_CROPS_PER_TRACK = 4;

// Defined with the sets (the presets and the page use it without the crop code); re-exported here.
export { cropFramesForSeconds } from '../data/spectrogramSet';

/** The InputSpec of a CNN trained on `trainTracks` of `set`: its log-mel parameters, crop length and per-band scaler. */
export function spectrogramSpecFor(set: SpectrogramSet, trainTracks: ArrayLike<number>, cropFrames: number): SpectrogramInputSpec {
  const scaler = fitBandScaler(set, trainTracks);
  return {
    version: INPUT_SPEC_VERSION,
    input: 'spectrogram-crops',
    recipe: SPECTROGRAM_RECIPE,
    recipeVersion: SPECTROGRAM_RECIPE_VERSION,
    featureNames: bandNames(set.params.nBands),
    scaler: { kind: 'zscore', mean: scaler.mean, std: scaler.std },
    genres: [...set.genres],
    steps: 1,
    spectrogram: { ...set.params, cropFrames },
  };
}

function checkMasks(m: SpecAugmentOptions | undefined, spec: SpectrogramInputSpec): void {
  if (!m) return;
  const ok = (v: number) => Number.isInteger(v) && v >= 0;
  if (!(ok(m.timeMasks) && ok(m.maxTimeFrames) && ok(m.freqMasks) && ok(m.maxBands)) || m.maxTimeFrames > spec.spectrogram.cropFrames || m.maxBands > spec.spectrogram.nBands)
    throw new LabError('bad-argument', `SpecAugment masks must be whole numbers no wider than a crop (${spec.spectrogram.nBands} bands × ${spec.spectrogram.cropFrames} frames).`);
}

/**
 * Random crops of the given tracks: sample i is a crop of track `tracks[⌊i / cropsPerTrack⌋]`,
 * starting at a frame drawn uniformly from [0, frames − C] at the start of every epoch (seeded).
 */
export function randomCropSource(set: SpectrogramSet, tracks: readonly number[], spec: SpectrogramInputSpec, cropsPerTrack: number, seed: number, masks?: SpecAugmentOptions): SampleSource {
  if (!(Number.isInteger(cropsPerTrack) && cropsPerTrack >= 1)) throw new LabError('bad-argument', `Crops per track must be a positive integer, got ${cropsPerTrack}`);
  checkMasks(masks, spec);
  const C = spec.spectrogram.cropFrames;
  const B = spec.spectrogram.nBands;
  const n = tracks.length * cropsPerTrack;
  const trackOf = Int32Array.from({ length: n }, (_, i) => tracks[Math.floor(i / cropsPerTrack)] as number);
  const starts = new Int32Array(n);
  const rng = createRng(deriveSeed(seed, 3000));
  const per = B * C;
  return {
    sampleShape: sampleShapeOf(spec),
    y: Int32Array.from(trackOf, (t) => set.tracks[t]!.label),
    beginEpoch: () => {
      for (let i = 0; i < n; i++) starts[i] = randomInt(rng, set.tracks[trackOf[i] as number]!.mel.nFrames - C + 1);
    },
    fill: (idx, from, to, out) => {
      for (let j = 0; j < to - from; j++) {
        const i = idx[from + j] as number;
        writeCrop(set.tracks[trackOf[i] as number]!.mel, starts[i] as number, C, spec.scaler, out, j * per);
        if (!masks) continue;
        for (let m = 0; m < masks.timeMasks; m++) {
          const w = randomInt(rng, masks.maxTimeFrames + 1);
          const t0 = randomInt(rng, C - w + 1);
          for (let b = 0; b < B; b++) out.fill(0, j * per + b * C + t0, j * per + b * C + t0 + w);
        }
        for (let m = 0; m < masks.freqMasks; m++) {
          const w = randomInt(rng, masks.maxBands + 1);
          const b0 = randomInt(rng, B - w + 1);
          out.fill(0, j * per + b0 * C, j * per + (b0 + w) * C);
        }
      }
    },
  };
}

/** Every non-overlapping crop of the given tracks as TensorData, with the track of each crop. */
export function nonOverlappingCrops(set: SpectrogramSet, tracks: readonly number[], spec: SpectrogramInputSpec): TensorData & { trackOfCrop: Int32Array } {
  const C = spec.spectrogram.cropFrames;
  const per = spec.spectrogram.nBands * C;
  const starts = tracks.map((t) => nonOverlappingCropStarts(set.tracks[t]!.mel.nFrames, C));
  const n = starts.reduce((a, s) => a + s.length, 0);
  const x = new Float32Array(n * per);
  const y = new Int32Array(n);
  const trackOfCrop = new Int32Array(n);
  let i = 0;
  tracks.forEach((t, k) => {
    for (const s of starts[k] as number[]) {
      writeCrop(set.tracks[t]!.mel, s, C, spec.scaler, x, i * per);
      y[i] = set.tracks[t]!.label;
      trackOfCrop[i++] = t;
    }
  });
  return { x, y, sampleShape: sampleShapeOf(spec), trackOfCrop };
}

/** One batch of training crops as the network would see it (z-scored, masked), to look at. */
export interface CropBatchPreview {
  /** `crops` × nBands × cropFrames, band-major per crop (the CNN's sample layout). */
  x: Float32Array;
  nBands: number;
  cropFrames: number;
  /** Genre and track of each crop. */
  genres: string[];
  trackIds: string[];
}

/**
 * A batch of `size` crops drawn the way training draws them: the split's training tracks, the
 * per-band z-score fitted on them, random starts and (optionally) SpecAugment masks, samples in a
 * seeded random order. What a student checks before a long run: are the crops the right length,
 * do the genres look different, do the masks cover too much?
 */
export function previewCropBatch(
  set: SpectrogramSet,
  trainTracks: readonly number[],
  o: { cropFrames: number; cropsPerTrack: number; seed: number; size: number; specAugment?: SpecAugmentOptions },
): CropBatchPreview {
  const tracks = trainTracks.filter((t) => set.tracks[t]!.mel.nFrames >= o.cropFrames);
  if (tracks.length === 0) throw new LabError('audio-too-short', `No training track is as long as one crop (${o.cropFrames} frames); use shorter crops.`);
  const spec = spectrogramSpecFor(set, tracks, o.cropFrames);
  const source = randomCropSource(set, tracks, spec, o.cropsPerTrack, o.seed, o.specAugment);
  source.beginEpoch(1);
  const order = Array.from({ length: source.y.length }, (_, i) => i);
  shuffleInPlace(order, createRng(deriveSeed(o.seed, 3001)));
  const n = Math.min(o.size, order.length);
  const per = spec.spectrogram.nBands * o.cropFrames;
  const x = new Float32Array(n * per);
  source.fill(order, 0, n, x);
  const trackOf = (i: number) => tracks[Math.floor(order[i]! / o.cropsPerTrack)] as number;
  return {
    x,
    nBands: spec.spectrogram.nBands,
    cropFrames: o.cropFrames,
    genres: Array.from({ length: n }, (_, i) => set.genres[set.tracks[trackOf(i)]!.label] as string),
    trackIds: Array.from({ length: n }, (_, i) => set.tracks[trackOf(i)]!.trackId),
  };
}
