/**
 * Classifying one audio file with a saved model: check the model can read features computed from
 * audio at all (known recipe, same version, every feature it needs is one the recipe emits), build
 * its inputs from the file's segment rows, and turn its output probabilities into a per-segment
 * (or per-sequence) timeline plus a track-level answer.
 *
 * The same functions read the rows of a loaded feature table (see {@link tableRowsOfTrack}), so the
 * notebook and the CLI can put "what the model says from our audio features" next to "what it says
 * from the published table row" with one code path.
 */
import { groupByTrack, type Dataset } from '../data/dataset';
import { nextTick } from '../yield';
import { LabError, throwIfCancelled, type CancelToken } from '../errors';
import { RECIPES } from '../features/recipes';
import type { FeatureRecipe } from '../features/spec';
import { nonOverlappingCropStarts } from '../data/spectrogramSet';
import { computeLogMel, type LogMel, type LogMelBands, type LogMelOptions } from '../features/logMel';
import type { Classifier } from './classifiers';
import { isSequenceInput, isSpectrogramInput, sampleShapeOf, scalerAffine, SPECTROGRAM_RECIPE, type InputSpec, type SpectrogramInputSpec } from './inputSpec';

/** Feature rows of one track, one per segment in segment order. */
export interface SegmentRows {
  /** Column names of every row, e.g. a recipe's featureNames or a table's. */
  featureNames: readonly string[];
  rows: readonly Float64Array[];
  /** Samples per segment, when known (whole-clip recipes: the clip's length). */
  segmentLengths?: readonly number[];
}

/** One classified unit: a segment (segment models) or a group of `steps` consecutive segments. */
export interface PredictionUnit {
  /** Segment indices [first, last] covered by this unit. */
  firstSegment: number;
  lastSegment: number;
  startSec: number;
  /** null when the segment length is unknown (a whole-clip table row without a length). */
  endSec: number | null;
}

/** Model inputs for one track, with where each sample lies in time. */
export interface ClassifyInputs {
  /** Row-major nUnits × sampleShape, z-scored with the model's scaler (float64: k-NN distances
   * use it as is; tfjs callers convert with Float32Array.from). */
  x: Float64Array;
  sampleShape: number[];
  units: PredictionUnit[];
  /** Trailing segments that did not fill a whole sequence (sequence models), left out. */
  unusedSegments: number;
}

export interface AudioPrediction {
  genres: string[];
  /** Per unit: time range, probabilities (model label order) and the predicted genre. */
  units: (PredictionUnit & { probabilities: number[]; genre: string })[];
  /** Mean probability per genre over the units. */
  meanProbabilities: number[];
  /** Genre with the highest mean probability. */
  meanGenre: string;
  /** Units voting for each genre. */
  votes: number[];
  /** Majority vote over the units; ties go to the higher summed probability, then label order. */
  voteGenre: string;
}

/**
 * The recipe a model's features come from, or a 'spec-mismatch' LabError saying why audio cannot
 * be turned into this model's inputs (unknown or missing recipe, other recipe version, features
 * the recipe does not emit).
 */
export function recipeForModel(meta: Pick<InputSpec, 'recipe' | 'recipeVersion' | 'featureNames'>): FeatureRecipe {
  if (meta.recipe === SPECTROGRAM_RECIPE)
    throw new LabError('spec-mismatch', 'This model reads log-mel spectrogram crops, not feature rows: classify audio with it through its spectrogram (classifySpectrogramClip).', { recipe: meta.recipe });
  if (!meta.recipe)
    throw new LabError('spec-mismatch', 'This model was trained on a table whose feature recipe is unknown, so the lab cannot compute its features from audio.', { recipe: null });
  const spec = (RECIPES as Record<string, FeatureRecipe | undefined>)[meta.recipe];
  if (!spec)
    throw new LabError('spec-mismatch', `This model was trained on "${meta.recipe}" features, which is not a recipe the lab can compute from audio (known: ${Object.keys(RECIPES).join(', ')}).`, { recipe: meta.recipe });
  if (meta.recipeVersion != null && meta.recipeVersion !== String(spec.version))
    throw new LabError('spec-mismatch', `This model was trained on ${spec.id} v${meta.recipeVersion} features; this lab computes ${spec.id} v${spec.version}.`, { recipe: spec.id, model: meta.recipeVersion, lab: spec.version });
  const missing = meta.featureNames.filter((f) => !spec.featureNames.includes(f));
  if (missing.length)
    throw new LabError('spec-mismatch', `The ${spec.id} recipe does not compute ${missing.length} feature(s) this model needs: ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ', …' : ''}.`, { recipe: spec.id, missing });
  return spec;
}

/** Time range of segment k under a recipe: [k·stride, k·stride + length) / sr, in seconds. */
function segmentTimeSec(spec: FeatureRecipe, k: number, lengthSamples: number | undefined): { startSec: number; endSec: number | null } {
  const stride = spec.segmentStrideSamples ?? spec.segmentSamples ?? 0;
  const start = k * stride;
  const len = lengthSamples ?? spec.segmentSamples ?? undefined;
  return { startSec: start / spec.sampleRateHz, endSec: len === undefined ? null : (start + len) / spec.sampleRateHz };
}

/**
 * Inputs of a model for one track's segment rows: the model's features picked by name, z-scored
 * with its scaler; one sample per segment (segment models) or per group of `steps` consecutive
 * segments (sequence models; a trailing partial group is left out and counted).
 * Throws 'spec-mismatch' (see {@link recipeForModel}, or rows lacking a feature) and
 * 'audio-too-short' when there are fewer segments than one sample needs.
 */
export function buildClassifyInputs(meta: InputSpec, seg: SegmentRows): ClassifyInputs {
  const spec = recipeForModel(meta);
  const cols = meta.featureNames.map((f) => seg.featureNames.indexOf(f));
  const missing = meta.featureNames.filter((_, j) => (cols[j] as number) < 0);
  if (missing.length)
    throw new LabError('spec-mismatch', `The feature rows lack ${missing.length} feature(s) this model needs: ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ', …' : ''}.`, { missing });
  const sequence = isSequenceInput(meta);
  const steps = sequence ? meta.steps : 1;
  const n = seg.rows.length;
  const segSec = spec.segmentSamples === null ? null : spec.segmentSamples / spec.sampleRateHz;
  if (n < steps || n === 0) {
    const what = sequence ? `a sequence of ${steps} segments` : 'one segment';
    throw new LabError(
      'audio-too-short',
      `This model reads ${what}${segSec ? ` of ${segSec.toFixed(2)} s` : ''} (${spec.id}); this audio gives ${n} segment${n === 1 ? '' : 's'}${segSec ? ` (${(n * segSec).toFixed(2)} s usable)` : ''}.`,
      { segments: n, need: steps },
    );
  }
  const d = cols.length;
  const nUnits = Math.floor(n / steps);
  const scale = scalerAffine(meta.scaler);
  const x = new Float64Array(nUnits * steps * d);
  const units: PredictionUnit[] = [];
  for (let u = 0; u < nUnits; u++) {
    for (let s = 0; s < steps; s++) {
      const k = u * steps + s;
      const row = seg.rows[k] as Float64Array;
      if (row.length !== seg.featureNames.length)
        throw new LabError('ragged-rows', `Segment ${k} has ${row.length} values for ${seg.featureNames.length} feature names.`, { segment: k });
      for (let j = 0; j < d; j++) {
        const v = row[cols[j] as number] as number;
        if (!Number.isFinite(v)) throw new LabError('non-finite', `Segment ${k}: ${meta.featureNames[j]} is not a finite number.`, { segment: k, feature: meta.featureNames[j] });
        x[(u * steps + s) * d + j] = (v - (scale.mean[j] as number)) / (scale.std[j] as number);
      }
    }
    const first = u * steps;
    const last = first + steps - 1;
    const a = segmentTimeSec(spec, first, seg.segmentLengths?.[first]);
    const b = segmentTimeSec(spec, last, seg.segmentLengths?.[last]);
    units.push({ firstSegment: first, lastSegment: last, startSec: a.startSec, endSec: b.endSec });
  }
  return { x, sampleShape: sampleShapeOf(meta), units, unusedSegments: n - nUnits * steps };
}

/**
 * Per-unit and track-level answers from the model's probabilities for {@link buildClassifyInputs}'
 * samples (nUnits × genres, model label order).
 */
export function summarizePrediction(genres: readonly string[], units: readonly PredictionUnit[], probabilities: ArrayLike<number>): AudioPrediction {
  const k = genres.length;
  if (probabilities.length !== units.length * k)
    throw new LabError('internal', `Expected ${units.length}×${k} probabilities, got ${probabilities.length}.`);
  if (units.length === 0) throw new LabError('internal', 'Nothing to summarise: no units.');
  const sum = new Array<number>(k).fill(0);
  const votes = new Array<number>(k).fill(0);
  const out = units.map((u, i) => {
    const p = Array.from({ length: k }, (_, c) => probabilities[i * k + c] as number);
    let best = 0;
    for (let c = 1; c < k; c++) if ((p[c] as number) > (p[best] as number)) best = c;
    votes[best]!++;
    for (let c = 0; c < k; c++) sum[c]! += p[c] as number;
    return { ...u, probabilities: p, genre: genres[best] as string };
  });
  let bestMean = 0;
  let bestVote = 0;
  for (let c = 1; c < k; c++) {
    if ((sum[c] as number) > (sum[bestMean] as number)) bestMean = c;
    if ((votes[c] as number) > (votes[bestVote] as number) || (votes[c] === votes[bestVote] && (sum[c] as number) > (sum[bestVote] as number))) bestVote = c;
  }
  return {
    genres: [...genres],
    units: out,
    meanProbabilities: sum.map((s) => s / units.length),
    meanGenre: genres[bestMean] as string,
    votes,
    voteGenre: genres[bestVote] as string,
  };
}

/**
 * Rows of a track in a loaded table, in segment order, as {@link SegmentRows} (undefined when the
 * table has no such track). Kaggle keys rows `metal.00000.au` / `metal.00000.3.wav`; the parser
 * stores the GTZAN track id `metal.00000`, which inferTrackName (core/audio/naming.ts) also gives for a file.
 */
export function tableRowsOfTrack(ds: Dataset, trackId: string): (SegmentRows & { rowIndices: number[]; genre: string }) | undefined {
  const idx: number[] = [];
  for (let r = 0; r < ds.nRows; r++) if (ds.trackIds[r] === trackId) idx.push(r);
  if (idx.length === 0) return undefined;
  const g = groupByTrack(ds, idx)[0];
  if (!g) return undefined;
  const d = ds.featureNames.length;
  const lengths = ds.meta.lengths;
  return {
    featureNames: ds.featureNames,
    rows: g.rows.map((r) => ds.values.slice(r * d, (r + 1) * d)),
    segmentLengths: lengths ? g.rows.map((r) => lengths[r] as number) : undefined,
    rowIndices: g.rows,
    genre: ds.genres[g.label] as string,
  };
}

/** Where each unit of a timeline sits, as percentages of the clip (for absolutely positioned spans). */
export function timelineSpans(units: readonly (PredictionUnit & { genre: string })[], durationSec: number): { leftPct: number; widthPct: number; genre: string; label: string }[] {
  const d = durationSec > 0 ? durationSec : 1;
  return units.map((u) => {
    const end = u.endSec ?? d;
    return {
      leftPct: Math.min(100, (u.startSec / d) * 100),
      widthPct: Math.max(0, Math.min(100, ((end - u.startSec) / d) * 100)),
      genre: u.genre,
      label: `${u.startSec.toFixed(1)}–${end.toFixed(1)} s: ${u.genre}`,
    };
  });
}

/** The log-mel options a spectrogram spec was trained with (for {@link computeLogMel}). */
export function logMelOptionsOf(spec: SpectrogramInputSpec): LogMelOptions {
  const p = spec.spectrogram;
  return { sampleRateHz: p.sampleRateHz, nBands: p.nBands as LogMelBands, padMode: p.padMode, ref: p.ref, topDb: p.topDb };
}

/**
 * Throws 'spec-mismatch' when the clip's rate is not the model's, and 'audio-too-short' (saying
 * both lengths) when `nSamples` give fewer frames than one crop. Cheap: call it before computing
 * the log-mel.
 */
export function checkClipForSpectrogram(spec: SpectrogramInputSpec, nSamples: number, sampleRateHz: number): void {
  const p = spec.spectrogram;
  if (sampleRateHz !== p.sampleRateHz)
    throw new LabError('spec-mismatch', `This model reads audio at ${p.sampleRateHz} Hz; the clip is at ${sampleRateHz} Hz (decode it at ${p.sampleRateHz} Hz first).`, { model: p.sampleRateHz, clip: sampleRateHz });
  const cropSec = (p.cropFrames * p.hopSamples) / p.sampleRateHz;
  // Centred framing gives 1 + ⌊len / hop⌋ frames (computeLogMel).
  const frames = nSamples === 0 ? 0 : 1 + Math.floor(nSamples / p.hopSamples);
  if (frames < p.cropFrames)
    throw new LabError(
      'audio-too-short',
      `This model reads crops of ${cropSec.toFixed(2)} s (${p.cropFrames} frames); the clip is ${(nSamples / sampleRateHz).toFixed(2)} s (${frames} frames). Use a clip of at least ${cropSec.toFixed(2)} s.`,
      { frames, need: p.cropFrames },
    );
}

/**
 * Inputs of a spectrogram model (CNN) from a clip's log-mel matrix made as the model's spec says
 * ({@link logMelOptionsOf}): non-overlapping crops of `cropFrames` frames (0, C, 2C, …; the tail
 * shorter than a crop is left out, as in training's test), each band z-scored with the model's
 * training statistics. Each unit is a crop, with its time span [i·C·hop, (i+1)·C·hop) / sr.
 * Split from {@link buildSpectrogramClassifyInputs} so the matrix can be computed elsewhere (a worker).
 */
export function spectrogramCropInputs(spec: SpectrogramInputSpec, m: Pick<LogMel, 'db' | 'nBands' | 'nFrames'>): ClassifyInputs {
  const p = spec.spectrogram;
  if (m.nBands !== p.nBands) throw new LabError('spec-mismatch', `This model reads ${p.nBands} mel bands; the spectrogram has ${m.nBands}.`, { model: p.nBands, clip: m.nBands });
  const starts = nonOverlappingCropStarts(m.nFrames, p.cropFrames);
  if (starts.length === 0) checkClipForSpectrogram(spec, (m.nFrames - 1) * p.hopSamples, p.sampleRateHz);
  const per = p.nBands * p.cropFrames;
  const x = new Float64Array(starts.length * per);
  starts.forEach((s, i) => {
    for (let b = 0; b < p.nBands; b++) {
      const mean = spec.scaler.mean[b] as number;
      const std = spec.scaler.std[b] as number;
      for (let t = 0; t < p.cropFrames; t++) x[i * per + b * p.cropFrames + t] = ((m.db[b * m.nFrames + s + t] as number) - mean) / std;
    }
  });
  const units = starts.map((s, i) => ({ firstSegment: i, lastSegment: i, startSec: (s * p.hopSamples) / p.sampleRateHz, endSec: ((s + p.cropFrames) * p.hopSamples) / p.sampleRateHz }));
  return { x, sampleShape: sampleShapeOf(spec), units, unusedSegments: 0 };
}

/**
 * Inputs of a spectrogram model (CNN) for one clip: its log-mel matrix made exactly as the model's
 * spec says (sample rate, n_fft, hop, pad mode, bands, ref max, top_db), then
 * {@link spectrogramCropInputs}. A clip shorter than one crop is 'audio-too-short'.
 */
export function buildSpectrogramClassifyInputs(spec: SpectrogramInputSpec, samples: ArrayLike<number>, sampleRateHz: number): ClassifyInputs {
  checkClipForSpectrogram(spec, samples.length, sampleRateHz);
  return spectrogramCropInputs(spec, computeLogMel(samples, logMelOptionsOf(spec)));
}

/** A clip classified by a spectrogram model: per-crop genres and the track vote ({@link summarizePrediction}). */
export async function classifySpectrogramClip(model: Pick<Classifier, 'spec' | 'predict'>, samples: ArrayLike<number>, sampleRateHz: number): Promise<AudioPrediction> {
  const spec = model.spec;
  if (!isSpectrogramInput(spec)) throw new LabError('spec-mismatch', 'This model reads feature rows, not spectrograms: classify the clip through its feature recipe.');
  const inputs = buildSpectrogramClassifyInputs(spec, samples, sampleRateHz);
  return summarizePrediction(spec.genres, inputs.units, await model.predict(inputs));
}

export interface OcclusionOptions {
  /** Patch size in bands and frames; default 8 × 8. Patches tile the crop (the last ones may be smaller). */
  patchBands?: number;
  patchFrames?: number;
  /** What an occluded patch becomes: 'zero' (the training mean, in z-scored input; default) or 'crop-mean' (the crop's mean). */
  fill?: 'zero' | 'crop-mean';
  /** Occluded copies per predict call; default 32. */
  batch?: number;
}

/**
 * Occlusion saliency for "why this genre" (Zeiler & Fergus 2014): each patch of one z-scored crop
 * (`bands × frames`) is replaced by `fill` in turn, and the drop in the probability of `classIndex`
 * (p(original) − p(occluded)) is written to every cell of that patch. Returns a bands × frames
 * grid, band-major; positive where hiding the region lowers the class's probability.
 */
export async function occlusionMap(model: Pick<Classifier, 'predict'>, crop: ArrayLike<number>, nBands: number, nFrames: number, classIndex: number, o: OcclusionOptions = {}): Promise<Float32Array> {
  const pb = o.patchBands ?? 8;
  const pf = o.patchFrames ?? 8;
  if (crop.length !== nBands * nFrames) throw new LabError('bad-argument', `The crop has ${crop.length} values, not ${nBands} × ${nFrames}.`);
  if (!(pb >= 1 && pf >= 1)) throw new LabError('bad-argument', 'Occlusion patches must be at least 1 × 1.');
  const sampleShape = [nBands, nFrames, 1];
  const per = nBands * nFrames;
  let fillValue = 0;
  if (o.fill === 'crop-mean') {
    for (let i = 0; i < per; i++) fillValue += crop[i] as number;
    fillValue /= per;
  }
  const base = await model.predict({ x: Float64Array.from(crop), sampleShape });
  const k = base.length;
  if (!(classIndex >= 0 && classIndex < k)) throw new LabError('bad-argument', `Class ${classIndex} is not one of the model's ${k} outputs.`);
  const p0 = base[classIndex] as number;
  const patches: [number, number][] = [];
  for (let b = 0; b < nBands; b += pb) for (let t = 0; t < nFrames; t += pf) patches.push([b, t]);
  const out = new Float32Array(per);
  const batch = o.batch ?? 32;
  for (let s = 0; s < patches.length; s += batch) {
    const part = patches.slice(s, s + batch);
    const x = new Float64Array(part.length * per);
    part.forEach(([b0, t0], j) => {
      x.set(Array.from(crop), j * per);
      for (let b = b0; b < Math.min(nBands, b0 + pb); b++) x.fill(fillValue, j * per + b * nFrames + t0, j * per + b * nFrames + Math.min(nFrames, t0 + pf));
    });
    const probs = await model.predict({ x, sampleShape });
    part.forEach(([b0, t0], j) => {
      const drop = p0 - (probs[j * k + classIndex] as number);
      for (let b = b0; b < Math.min(nBands, b0 + pb); b++) out.fill(drop, b * nFrames + t0, b * nFrames + Math.min(nFrames, t0 + pf));
    });
  }
  return out;
}

/**
 * Patches for a whole clip's saliency: 16 × 16 of a 128 × 128 crop is 64 occluded copies per crop
 * (8 × 8 would be 256: ~4× the time for detail finer than the overlay shows at clip scale).
 */
export const CLIP_SALIENCY_PATCH = { patchBands: 16, patchFrames: 16 } as const;

export interface CropOcclusionOptions extends OcclusionOptions {
  /** Checked between crops: a cancelled run stops with CancelledError. */
  cancel?: CancelToken;
  /** After each crop: crops done and in all. */
  onCrop?: (done: number, total: number) => void;
}

/** How "why this genre?" is answered on a spectrogram: Grad-CAM (gradCam.ts, the default: one backward pass) or occlusion ({@link occlusionMap}). */
export type SaliencyMethod = 'grad-cam' | 'occlusion';
export const SALIENCY_METHODS: readonly SaliencyMethod[] = ['grad-cam', 'occlusion'];

/**
 * A saliency map of every crop of a spectrogram model's inputs ({@link spectrogramCropInputs}:
 * nCrops × bands × cropFrames), `mapOfCrop` giving one crop's bands × cropFrames map, laid side by
 * side as one band-major grid of bands × (nCrops · cropFrames) frames: frame f of the grid is frame
 * f of the clip's log-mel matrix (the crops start at 0, C, 2C, …), so it overlays the spectrogram.
 */
export async function saliencyOverCrops(inputs: Pick<ClassifyInputs, 'x' | 'sampleShape'>, mapOfCrop: (crop: ClassifyInputs['x']) => Promise<Float32Array>, o: Pick<CropOcclusionOptions, 'cancel' | 'onCrop'> = {}): Promise<Float32Array> {
  const [nBands, cropFrames] = inputs.sampleShape as [number, number];
  const per = nBands * cropFrames;
  const nCrops = Math.floor(inputs.x.length / per);
  const total = nCrops * cropFrames;
  const out = new Float32Array(nBands * total);
  for (let c = 0; c < nCrops; c++) {
    // A macrotask turn between crops, so a worker sees a cancel message (awaiting predict alone does not yield).
    await nextTick();
    throwIfCancelled(o.cancel);
    const m = await mapOfCrop(inputs.x.subarray(c * per, (c + 1) * per));
    for (let b = 0; b < nBands; b++) out.set(m.subarray(b * cropFrames, (b + 1) * cropFrames), b * total + c * cropFrames);
    o.onCrop?.(c + 1, nCrops);
  }
  return out;
}

/** Occlusion saliency ({@link occlusionMap}) of every crop, as {@link saliencyOverCrops} lays it out. */
export async function occlusionOverCrops(model: Pick<Classifier, 'predict'>, inputs: Pick<ClassifyInputs, 'x' | 'sampleShape'>, classIndex: number, o: CropOcclusionOptions = {}): Promise<Float32Array> {
  const [nBands, cropFrames] = inputs.sampleShape as [number, number];
  return saliencyOverCrops(inputs, (crop) => occlusionMap(model, crop, nBands, cropFrames, classIndex, o), o);
}
