/**
 * The Classify cell's actions: decode one audio file for display and playback, extract its
 * features once per recipe the saved models need (worker pool, cached), run every saved model on
 * them in the training worker, and — when the loaded table has this track — run the model on the
 * table's row(s) too, so the student sees whether our features give the published table's answer.
 * The cell's state is the store's `classify` slice (src/state/classify.ts). The dropped file and the results are saved to
 * IndexedDB (the file as a Blob) so a reload shows them again; a run cut short by the reload is
 * started again from the saved file.
 */
import { computeEnvelope } from '../core/audio/envelope';
import { AUDIO_FILE_RE, inferTrackName } from '../core/audio/naming';
import { LabError, toErrorInfo, type ErrorInfo } from '../core/errors';
import type { RecipeId } from '../core/features/spec';
import {
  buildClassifyInputs,
  checkClipForSpectrogram,
  CLIP_SALIENCY_PATCH,
  logMelOptionsOf,
  recipeForModel,
  spectrogramCropInputs,
  summarizePrediction,
  tableRowsOfTrack,
  type AudioPrediction,
  type ClassifyInputs,
  type SaliencyMethod,
  type SegmentRows,
} from '../core/models/classifyAudio';
import { looksLikeWav } from '../core/audio/wav';
import { quantiseLogMel } from '../core/features/logMel';
import { isSpectrogramInput, type SpectrogramInputSpec } from '../core/models/inputSpec';
import type { RunningJob } from '../workers/transport';
import { logMelInWorker } from '../workers/spectrogramClient';
import { ensembleClassifier, fitKnnWithNeighbours, rowsExceptTracks, type Classifier } from '../core/models/classifiers';
import { describeNeighbours, occlusionEffects } from '../core/models/explain';
import { loadCellValue, saveCellValue } from '../storage/cells';
import { getModelEntry, type ModelEntry } from '../storage/models';
import { withShortClipWarning } from '../core/models/shortClip';
import { predictInWorker, saliencyInWorker } from '../workers/trainClient';
import { decodeForDisplay, extractFileFeatures } from './audioImportActions';
import { INITIAL_CLASSIFY, setClassify, type ClassifyState, type FeatureComparison, type ModelClassification, type SaliencyState, type SpectrogramView, type WhyAnswer } from '../state/classify';
import { labStore } from './store';

const SR = 22050;
const ENVELOPE_BINS = 1200;


/** What the cell saves: the file itself and the state without its object URL. */
interface SavedClassify {
  file: Blob;
  name: string;
  type: string;
  lastModified: number;
  state: Omit<ClassifyState, 'audioUrl'>;
}

/** Files above this are classified but not kept across reloads (IndexedDB quota). */
const MAX_SAVED_BYTES = 200 * 1024 * 1024;

function persist(file: File, state: ClassifyState): void {
  if (file.size > MAX_SAVED_BYTES) return;
  const { audioUrl: _url, ...rest } = state;
  const saved: SavedClassify = { file, name: file.name, type: file.type, lastModified: file.lastModified, state: rest };
  void saveCellValue('classify', saved).catch(() => undefined);
}

/**
 * Put back the file and results saved before the reload; a run the reload interrupted is run again.
 * Call once at start-up, after the saved models are listed.
 */
export async function restoreClassify(): Promise<void> {
  let saved: SavedClassify | undefined;
  try {
    saved = await loadCellValue<SavedClassify>('classify');
  } catch {
    return;
  }
  if (!saved || lastFile || labStore.getState().classify.status !== 'idle') return;
  const file = new File([saved.file], saved.name, { type: saved.type, lastModified: saved.lastModified });
  if (saved.state.status === 'done' || saved.state.status === 'error') {
    lastFile = file;
    // A saliency run the reload stopped is not running any more (computed again below if shown).
    const results = saved.state.results.map((r) => (r.saliency?.status === 'running' ? { ...r, saliency: undefined } : r));
    setClassify(labStore, { ...saved.state, results, audioUrl: saved.state.envelope ? URL.createObjectURL(file) : undefined });
    // A saliency map the reload cut short is computed again (the overlay was asked for).
    const shown = saved.state.overlayModelId;
    if (shown && saved.state.results.find((r) => r.modelId === shown)?.saliency?.status !== 'done') void computeSaliency(shown);
  } else await classifyAudioFile(file);
}

let generation = 0;
/** The last file, kept for "Classify again" after the saved models change. */
let lastFile: File | undefined;

/** The file on display (for panels that analyse it further). */
export function currentClassifyFile(): File | undefined {
  return lastFile;
}

function set(gen: number, patch: Partial<ClassifyState>): void {
  if (gen === generation) setClassify(labStore, patch);
}

/**
 * A saved model as a Classifier whose members predict in the training worker (where the tfjs
 * backend lives and loaded models are cached); an ensemble votes by mean probability.
 */
function savedModelClassifier(entry: ModelEntry): Classifier {
  return ensembleClassifier(
    entry.members.map((member, i) => ({
      kind: member.metadata.kind,
      spec: member.metadata.input,
      predict: async (inputs) =>
        Float64Array.from(await predictInWorker(`${entry.id}:${i}`, member, Float32Array.from(inputs.x), [...inputs.sampleShape], labStore.getState().params.train.backend)),
      dispose: () => undefined,
    })),
  );
}

/** A classifier's answers for one track's segment rows: per unit and for the whole track. */
async function classifyRows(model: Classifier, rows: SegmentRows): Promise<{ prediction: AudioPrediction; unused: number; inputs: ClassifyInputs }> {
  const inputs = buildClassifyInputs(model.spec, rows);
  const p = await model.predict(inputs);
  return { prediction: summarizePrediction(model.spec.genres, inputs.units, p), unused: inputs.unusedSegments, inputs };
}

/** The features that moved `model`'s answer most (occlusion); a model that reads no feature values says why not. */
async function explainByOcclusion(model: Classifier, inputs: ClassifyInputs, genre: string): Promise<WhyAnswer> {
  try {
    return { kind: 'occlusion', genre, ...(await occlusionEffects(model, inputs, model.spec.genres.indexOf(genre))) };
  } catch (e) {
    return { kind: 'unavailable', reason: toErrorInfo(e).message };
  }
}

/** Start from an empty cell (releasing the shown file's object URL); any run in progress stops. */
function resetState(): void {
  generation++;
  for (const job of saliencyJobs.values()) job.cancel();
  saliencyJobs.clear();
  cropInputs.clear();
  const url = labStore.getState().classify.audioUrl;
  if (url) URL.revokeObjectURL(url);
  setClassify(labStore, INITIAL_CLASSIFY);
}

/** Classify one dropped or picked file with every saved model. */
export async function classifyAudioFile(file: File): Promise<void> {
  const gen = ++generation; // a run still going for an earlier file stops at its next step
  const before = labStore.getState().classify;
  const hadResult = before.status === 'done' && before.fileName !== undefined;
  setClassify(labStore, { status: 'decoding', progress: 0, progressLabel: `Decoding ${file.name}…`, error: undefined });
  let bytes: ArrayBuffer;
  let samples: Float32Array;
  try {
    if (!AUDIO_FILE_RE.test(file.name)) throw new LabError('unsupported-audio', `${file.name} is not an audio file the lab reads — drop a WAV, MP3, FLAC or OGG file.`);
    if (file.size === 0) throw new LabError('corrupt-audio', `${file.name} is empty (0 bytes).`);
    bytes = await file.arrayBuffer();
    samples = await decodeForDisplay(bytes, file.name);
    if (samples.length === 0) throw new LabError('corrupt-audio', `${file.name} decodes to no samples.`);
  } catch (e) {
    if (gen !== generation) return;
    const err = toErrorInfo(e);
    // Bad input: say so in this cell; the file classified before (if any) stays on display.
    if (hadResult) setClassify(labStore, { status: 'done', progressLabel: undefined, error: { ...err, message: `${err.message} Still showing ${before.fileName}.` } });
    else {
      resetState();
      setClassify(labStore, { status: 'error', fileName: file.name, error: err });
    }
    return;
  }
  if (gen !== generation) return;
  const { trackId } = inferTrackName(file.name);
  resetState();
  const run = generation;
  lastFile = file;
  setClassify(labStore, { status: 'extracting', fileName: file.name, trackId, progress: 0, audioUrl: URL.createObjectURL(file), durationSec: samples.length / SR, envelope: computeEnvelope(samples, ENVELOPE_BINS) });
  // Saved now so a reload mid-run starts it again; saved again when done.
  persist(file, labStore.getState().classify);
  await classifyDecoded(run, file, bytes, trackId, samples);
  if (run === generation) persist(file, labStore.getState().classify);
}

async function classifyDecoded(gen: number, file: File, bytes: ArrayBuffer, trackId: string, samples: Float32Array): Promise<void> {
  try {
    // Which models can read audio at all, and which recipes (or spectrograms) they need.
    const summaries = labStore.getState().models;
    set(gen, { modelCount: summaries.length });
    const entries: { entry: ModelEntry; model: Classifier; spec?: RecipeId; spectrogram?: SpectrogramInputSpec; error?: ErrorInfo }[] = [];
    for (const s of summaries) {
      const entry = await getModelEntry(s.id);
      if (!entry || entry.members.length === 0) continue;
      const model = savedModelClassifier(entry);
      try {
        if (isSpectrogramInput(model.spec)) entries.push({ entry, model, spectrogram: model.spec });
        else entries.push({ entry, model, spec: recipeForModel(model.spec).id });
      } catch (e) {
        entries.push({ entry, model, error: toErrorInfo(e) });
      }
    }
    const mels = await clipSpectrograms(gen, file, bytes, samples, entries.flatMap((e) => (e.spectrogram ? [e.spectrogram] : [])));
    if (gen !== generation) return;
    // A k-NN on the loaded table (the k-NN cell's settings) classifies too, when the table's recipe
    // can be computed from audio: no training needed to try a recording.
    const ds0 = labStore.getState().dataset;
    const knnParams = labStore.getState().params.knn;
    let knnRecipe: RecipeId | undefined;
    let knnError: ErrorInfo | undefined;
    if (ds0) {
      const features = knnParams.features.length ? knnParams.features : ds0.featureNames;
      try {
        knnRecipe = recipeForModel({ recipe: ds0.meta.recipe ?? null, recipeVersion: null, featureNames: features }).id;
      } catch (e) {
        knnError = toErrorInfo(e);
      }
    }
    const recipes = [...new Set([...entries.flatMap((e) => (e.spec ? [e.spec] : [])), ...(knnRecipe ? [knnRecipe] : [])])];
    const extracted = new Map<RecipeId, SegmentRows | ErrorInfo>();
    for (const [i, r] of recipes.entries()) {
      set(gen, { status: 'extracting', progressLabel: `Extracting ${r} features (${i + 1}/${recipes.length})…`, progress: i / recipes.length });
      try {
        const f = await extractFileFeatures(file, r, (p) => set(gen, { progress: (i + p) / recipes.length }), bytes);
        extracted.set(r, { featureNames: f.featureNames, rows: f.rows, segmentLengths: f.segmentLengths });
      } catch (e) {
        extracted.set(r, toErrorInfo(e));
      }
      if (gen !== generation) return;
    }

    // The loaded table's rows of this track, if any.
    const ds = labStore.getState().dataset;
    const table = ds ? tableRowsOfTrack(ds, trackId) : undefined;
    set(gen, { status: 'classifying', progress: 1, progressLabel: 'Classifying…', tableName: table && ds ? ds.name : undefined, features: compareFeatures(recipes, extracted, table, ds?.meta.recipe) });

    const results: ModelClassification[] = [];
    if (ds) {
      const features = knnParams.features.length ? knnParams.features : ds.featureNames;
      const base: ModelClassification = {
        modelId: 'knn-table',
        name: `k-NN on ${ds.name} (k ${knnParams.k}, ${knnParams.weights} weights, ${features.length} feature${features.length === 1 ? '' : 's'} from the k-NN cell; this track left out)`,
        kind: 'knn',
        input: 'feature-rows',
        recipe: ds.meta.recipe ?? null,
        members: 1,
      };
      const feats = knnRecipe ? extracted.get(knnRecipe) : undefined;
      if (knnError || !feats || !('rows' in feats)) results.push({ ...base, incompatible: knnError ?? (feats as ErrorInfo | undefined) ?? { code: 'internal', message: 'No features were extracted.' } });
      else {
        try {
          const knn = fitKnnWithNeighbours(ds, rowsExceptTracks(ds, new Set([trackId])), { k: knnParams.k, weights: knnParams.weights, features });
          const a = await classifyRows(knn, feats);
          const r: ModelClassification = { ...base, fromAudio: withShortClipWarning(a.prediction, knn.spec, labStore.getState().classify.durationSec), why: { kind: 'neighbours', units: describeNeighbours(ds, knn.neighbours(a.inputs)) } };
          if (table) {
            r.tableGenre = table.genre;
            r.fromTable = (await classifyRows(knn, table)).prediction;
          }
          results.push(r);
        } catch (e) {
          results.push({ ...base, incompatible: toErrorInfo(e) });
        }
      }
      set(gen, { results: [...results] });
    }
    for (const { entry, model, spec, spectrogram, error } of entries) {
      const meta = model.spec;
      const base: ModelClassification = { modelId: entry.id, name: entry.name, kind: model.kind, input: meta.input, recipe: meta.recipe, members: entry.members.length };
      if (spectrogram) {
        results.push(await classifySpectrogram(gen, entry.id, model, spectrogram, mels, base));
        set(gen, { results: [...results] });
        continue;
      }
      const feats = spec ? extracted.get(spec) : undefined;
      if (error || !feats || !('rows' in feats)) {
        results.push({ ...base, incompatible: error ?? (feats as ErrorInfo | undefined) ?? { code: 'internal', message: 'No features were extracted.' } });
        continue;
      }
      try {
        const a = await classifyRows(model, feats);
        const r: ModelClassification = { ...base, fromAudio: withShortClipWarning(a.prediction, meta, labStore.getState().classify.durationSec), unusedSegments: a.unused, why: await explainByOcclusion(model, a.inputs, a.prediction.voteGenre) };
        if (table && ds) {
          r.tableGenre = table.genre;
          if ((ds.meta.recipe ?? null) !== meta.recipe) r.tableNote = `${ds.name} holds ${ds.meta.recipe ?? 'unknown-recipe'} features; this model reads ${meta.recipe}.`;
          else {
            try {
              r.fromTable = (await classifyRows(model, table)).prediction;
            } catch (e) {
              r.tableNote = toErrorInfo(e).message;
            }
          }
        }
        results.push(r);
      } catch (e) {
        results.push({ ...base, incompatible: toErrorInfo(e) });
      }
      set(gen, { results: [...results] });
    }
    set(gen, { status: 'done', results, progressLabel: undefined });
  } catch (e) {
    set(gen, { status: 'error', error: toErrorInfo(e), progressLabel: undefined });
  }
}

/** Classify the last file again (e.g. with newly trained models). */
export async function reclassify(): Promise<void> {
  if (lastFile) await classifyAudioFile(lastFile);
}

/** First-segment feature values from the audio next to the table's, per recipe. */
function compareFeatures(recipes: RecipeId[], extracted: Map<RecipeId, SegmentRows | ErrorInfo>, table: SegmentRows | undefined, tableRecipe: string | undefined): FeatureComparison[] {
  const out: FeatureComparison[] = [];
  for (const r of recipes) {
    const f = extracted.get(r);
    if (!f || !('rows' in f) || !f.rows[0]) continue;
    const first = f.rows[0];
    const t = table && tableRecipe === r ? table.rows[0] : undefined;
    out.push({
      recipe: r,
      rows: f.featureNames.map((name, j) => {
        const audio = first[j] as number;
        const ti = t && table ? table.featureNames.indexOf(name) : -1;
        const tv = t && ti >= 0 ? (t[ti] as number) : undefined;
        return { name, audio, table: tv, relDiff: tv === undefined ? undefined : Math.abs(audio - tv) / Math.max(Math.abs(tv), 1e-12) };
      }),
    });
  }
  return out;
}

/** Which log-mel matrix a spectrogram model reads: its settings, as a key. */
function spectrogramKey(spec: SpectrogramInputSpec): string {
  return JSON.stringify(logMelOptionsOf(spec));
}

type ClipMel = { db: Float32Array; nBands: number; nFrames: number } | ErrorInfo;

/**
 * The clip's log-mel matrix for each distinct spectrogram setting of the models, in the
 * spectrogram worker (WAV bytes parsed there with librosa's scaling, as the CLI reads them; other
 * formats as decoded here). A clip shorter than a model's crop is refused before any work, saying
 * both lengths. The matrices go into the state (as bytes) for the cell to draw.
 */
async function clipSpectrograms(gen: number, file: File, bytes: ArrayBuffer, samples: Float32Array, specs: SpectrogramInputSpec[]): Promise<Map<string, ClipMel>> {
  const out = new Map<string, ClipMel>();
  const views: Record<string, SpectrogramView> = {};
  for (const spec of specs) {
    const key = spectrogramKey(spec);
    if (out.has(key)) continue;
    set(gen, { status: 'extracting', progressLabel: 'Computing the log-mel spectrogram…', progress: 0 });
    try {
      checkClipForSpectrogram(spec, samples.length, SR);
      const source = looksLikeWav(new Uint8Array(bytes)) ? { fileName: file.name, bytes: bytes.slice(0) } : { fileName: file.name, samples: samples.slice() };
      const m = await logMelInWorker(source, logMelOptionsOf(spec)).promise;
      out.set(key, m);
      views[key] = { mel: quantiseLogMel(m), hopSamples: spec.spectrogram.hopSamples, sampleRateHz: spec.spectrogram.sampleRateHz };
    } catch (e) {
      out.set(key, toErrorInfo(e));
    }
    if (gen !== generation) return out;
  }
  if (Object.keys(views).length) set(gen, { spectrograms: views });
  return out;
}

/** The crops each spectrogram model read for the file on display (for its saliency, asked for later). */
const cropInputs = new Map<string, ClassifyInputs>();
const saliencyJobs = new Map<string, RunningJob<Float32Array>>();

/** A spectrogram model's answer: one unit per crop, the track's vote. */
async function classifySpectrogram(gen: number, modelId: string, model: Classifier, spec: SpectrogramInputSpec, mels: Map<string, ClipMel>, base: ModelClassification): Promise<ModelClassification> {
  const key = spectrogramKey(spec);
  const m = mels.get(key);
  if (!m || !('db' in m)) return { ...base, incompatible: m ?? { code: 'internal', message: 'No spectrogram was computed.' } };
  try {
    const inputs = spectrogramCropInputs(spec, m);
    const p = summarizePrediction(spec.genres, inputs.units, await model.predict(inputs));
    if (gen === generation) cropInputs.set(modelId, inputs);
    return { ...base, fromAudio: p, spectrogramKey: key };
  } catch (e) {
    return { ...base, incompatible: toErrorInfo(e) };
  }
}

function patchResult(gen: number, modelId: string, patch: Partial<ModelClassification>): void {
  if (gen !== generation) return;
  const results = labStore.getState().classify.results.map((r) => (r.modelId === modelId ? { ...r, ...patch } : r));
  setClassify(labStore, { results });
}

/**
 * Show or hide a spectrogram model's saliency overlay ("why this genre?"); the first time it is
 * shown (or shown after the method changed) it is computed in the training worker, with progress.
 */
export async function toggleSaliency(modelId: string): Promise<void> {
  const st = labStore.getState().classify;
  if (st.overlayModelId === modelId) {
    setClassify(labStore, { overlayModelId: undefined });
    if (lastFile) persist(lastFile, labStore.getState().classify);
    return;
  }
  setClassify(labStore, { overlayModelId: modelId });
  const r = st.results.find((x) => x.modelId === modelId);
  if ((r?.saliency?.status === 'done' && methodOf(r.saliency) === chosenMethod()) || saliencyJobs.has(modelId)) return;
  await computeSaliency(modelId);
}

const chosenMethod = (): SaliencyMethod => labStore.getState().classify.saliencyMethod ?? 'grad-cam';
// Maps saved before Grad-CAM existed carry no method: they are occlusion maps.
const methodOf = (s: SaliencyState): SaliencyMethod => s.method ?? 'occlusion';

/** Choose how saliency is computed; the overlay on show is computed again the new way. */
export async function setSaliencyMethod(method: SaliencyMethod): Promise<void> {
  setClassify(labStore, { saliencyMethod: method });
  const shown = labStore.getState().classify.overlayModelId;
  const r = labStore.getState().classify.results.find((x) => x.modelId === shown);
  if (lastFile) persist(lastFile, labStore.getState().classify);
  if (!shown || !r?.saliency || methodOf(r.saliency) === method) return;
  const job = saliencyJobs.get(shown);
  if (job) {
    job.cancel();
    await job.promise.catch(() => undefined);
  }
  setClassify(labStore, { overlayModelId: shown });
  await computeSaliency(shown);
}

/** Stop computing a saliency map (the overlay stays off until asked for again). */
export function cancelSaliency(modelId: string): void {
  saliencyJobs.get(modelId)?.cancel();
}

async function computeSaliency(modelId: string): Promise<void> {
  const gen = generation;
  const r = labStore.getState().classify.results.find((x) => x.modelId === modelId);
  const entry = await getModelEntry(modelId);
  if (!r?.fromAudio || !entry || !isSpectrogramInput(entry.members[0]!.metadata.input)) return;
  const spec = entry.members[0]!.metadata.input;
  const genre = r.fromAudio.voteGenre;
  const method = chosenMethod();
  const running = (progress: number): SaliencyState => ({ status: 'running', genre, method, progress, nFrames: 0 });
  patchResult(gen, modelId, { saliency: running(0) });
  try {
    let inputs = cropInputs.get(modelId);
    if (!inputs) {
      // After a reload: the crops again, from the saved file, in the spectrogram worker.
      if (!lastFile) throw new LabError('bad-argument', 'The file is no longer available: drop it again.');
      const bytes = await lastFile.arrayBuffer();
      const source = looksLikeWav(new Uint8Array(bytes)) ? { fileName: lastFile.name, bytes } : { fileName: lastFile.name, samples: await decodeForDisplay(bytes, lastFile.name) };
      inputs = spectrogramCropInputs(spec, await logMelInWorker(source, logMelOptionsOf(spec)).promise);
      if (gen !== generation) return;
      cropInputs.set(modelId, inputs);
    }
    const members = entry.members.map((saved, i) => ({ key: `${entry.id}:${i}`, saved }));
    const job = saliencyInWorker(members, inputs.x, [...inputs.sampleShape], spec.genres.indexOf(genre), method, CLIP_SALIENCY_PATCH, labStore.getState().params.train.backend, (f) => patchResult(gen, modelId, { saliency: running(f) }));
    saliencyJobs.set(modelId, job);
    const map = await job.promise;
    patchResult(gen, modelId, { saliency: { status: 'done', genre, method, progress: 1, map, nFrames: inputs.units.length * spec.spectrogram.cropFrames } });
  } catch (e) {
    const error = toErrorInfo(e);
    patchResult(gen, modelId, { saliency: { status: error.code === 'cancelled' ? 'cancelled' : 'error', genre, method, progress: 0, nFrames: 0, error } });
    if (error.code === 'cancelled' && gen === generation) setClassify(labStore, { overlayModelId: undefined });
  } finally {
    if (saliencyJobs.get(modelId) && gen === generation) saliencyJobs.delete(modelId);
  }
  if (gen === generation && lastFile) persist(lastFile, labStore.getState().classify);
}
