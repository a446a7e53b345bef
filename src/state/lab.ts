/**
 * The lab's state: the loaded dataset, each cell's parameters, and each cell's last run.
 * Plain serialisable data only (it is saved to IndexedDB); built on zustand/vanilla so it runs
 * in Node tests. Cells read it with selectors and change it only through the actions here.
 */
import { createStore } from 'zustand/vanilla';
import type { Dataset } from '../core/data/dataset';
import { contrastingGenres, defaultFeatures, NTNU_TASK2_GENRES, resolveFeatures } from '../core/data/featureNames';
import type { SplitChoice } from '../core/data/split';
import type { ErrorInfo } from '../core/errors';
import type { JobResult } from '../core/jobs';
import type { ScalingKind } from '../core/data/scale';
import { MODEL_KINDS, type ClassicKindId, type NeuralKindId } from '../core/models/registry';
import type { KnnWeights } from '../core/models/knn';
import type { PredictionList } from '../core/eval/predictions';
import type { CompareRow } from '../core/eval/tables';
import type { SpectrogramSetSummary } from '../core/data/spectrogramSet';
import type { LogMelBands } from '../core/features/logMel';
import { DEFAULT_CROP_FRAMES, DEFAULT_CROPS_PER_TRACK, type SpectrogramTrainOptions } from '../core/models/spectrogramCrops';
import type { PresetResult } from '../core/presets/types';
import { INITIAL_CLASSIFY, type ClassifySlice } from './classify';
import type { MelViewsSlice } from './melViews';
import type { ModelsSlice } from './models';
import { INITIAL_LECTURE, type LectureSlice } from './lecture';

export type CellKey = 'knn' | 'logistic' | 'classic' | 'histograms' | 'correlation' | 'pca' | 'importance' | 'search' | 'mrmr';

export interface CellRun {
  status: 'idle' | 'running' | 'done' | 'error' | 'cancelled';
  progress: number;
  error?: ErrorInfo;
  result?: JobResult;
  /** The dataset the result was computed on. */
  datasetId?: string;
  elapsedMs?: number;
}

export interface AudioImportState {
  status: 'idle' | 'running' | 'done' | 'cancelled' | 'error';
  recipe: string;
  total: number;
  done: number;
  /** Fraction of the current batch, counting partly done files. */
  progress: number;
  startedAt: number;
  etaSec?: number;
  failed: { file: string; reason: string }[];
  error?: ErrorInfo;
  fromCache: number;
}

export type SplitParam = 'auto' | 'predefined' | 'random' | 'kfold';

export interface Params {
  knn: { features: string[]; k: number; weights: KnnWeights; split: SplitParam; seed: number; standardize: boolean; normalized: boolean };
  logistic: { features: string[]; C: number; split: SplitParam; seed: number; normalized: boolean };
  classic: ClassicParams;
  explore: { features: string[]; genres: string[] };
  /** Explore's mel spectrograms: the genres shown side by side. */
  melSpectrograms: { genres: string[] };
  importance: { nTrees: number; seed: number; permutationRepeats: number; split: SplitParam };
  search: { base: string[]; choose: number; k: number; weights: KnnWeights; split: SplitParam; seed: number; metric: 'macroF1' | 'accuracy' };
  mrmr: { nBins: number; top: number };
  train: TrainParams;
  /** The Paper presets cell: one seed and effort for every preset (the CLI's --seed and --quick). */
  presets: { seed: number; effort: 'full' | 'quick' };
}

/** A paper preset's last run (the Paper presets cell), kept across reloads and dataset changes: its result says what data it used. */
export interface PresetRun {
  status: 'running' | 'done' | 'error' | 'cancelled';
  progress: number;
  /** What it is doing now ("LSTM model 3 of 10, epoch 12 of 40"). */
  label?: string;
  error?: ErrorInfo;
  result?: PresetResult;
  elapsedMs?: number;
}

/** The Classic models cell: one registry kind at a time, each kind's settings kept while another is shown. */
export interface ClassicParams {
  model: ClassicKindId;
  features: string[];
  /** Per kind, the values the user set (strings as typed for gamma); missing = the kind's defaults. */
  settings: Partial<Record<ClassicKindId, Record<string, number | string>>>;
  scaling: ScalingKind;
  split: SplitParam;
  seed: number;
  normalized: boolean;
}

/** A neural kind of the model registry. */
export type ModelKindParam = NeuralKindId;

export interface TrainParams {
  kind: ModelKindParam;
  /** all features, the chosen list, or the top-k of the MRMR ranking */
  featureMode: 'all' | 'chosen' | 'mrmr';
  features: string[];
  topK: number;
  /** Sequence length; 0 = from the table (10 s → 3, 5 s → 6, 3 s → 10). */
  steps: number;
  /** 0 = the model's default. */
  epochs: number;
  batchSize: number;
  learningRate: number;
  /** Regularisation; set to the model's defaults when the model changes. */
  dropout: number;
  labelSmoothing: number;
  /** Mixup α (0 = off). */
  mixup: number;
  schedule: 'constant' | 'cosine';
  /** Knowledge distillation: teachers trained first for each model (0 = off). */
  distill: number;
  ensemble: number;
  /** Cross-validation on the training tracks: folds, and trainings per fold (seeds seed, seed + 1, …). */
  cvFolds: number;
  cvRepeats: number;
  seed: number;
  validationFraction: number;
  earlyStopping: boolean;
  patience: number;
  backend: 'auto' | 'webgl' | 'wasm' | 'cpu';
  split: SplitParam;
  /** The spectrogram CNNs' options (read only when a spectrogram kind is chosen). */
  cnn: CnnParams;
}

/** What a CNN run adds to the Train cell's settings; defaults are core's (spectrogramCrops.ts). */
export interface CnnParams {
  /** Mel bands of the next spectrogram set built (a set's own bands are in its summary). */
  nBands: LogMelBands;
  /** Small VGG widths: laptop 8-16-32-64, desktop/GPU 16-32-64-128. */
  channels: 'laptop' | 'desktop';
  residual: boolean;
  cropFrames: number;
  cropsPerTrack: number;
  /** Linear learning-rate warm-up epochs before the schedule (constant or cosine). */
  warmupEpochs: number;
  /** SpecAugment: masks per crop (0 = off) and the widest mask, in frames and bands. */
  timeMasks: number;
  maxTimeFrames: number;
  freqMasks: number;
  maxBands: number;
}

/** The cell's CNN settings as core's training options (SpecAugment off when no mask is asked for). */
export function cnnTrainOptions(c: CnnParams): Required<Pick<SpectrogramTrainOptions, 'cropFrames' | 'cropsPerTrack' | 'channels' | 'residual'>> & SpectrogramTrainOptions {
  return {
    cropFrames: c.cropFrames,
    cropsPerTrack: c.cropsPerTrack,
    channels: c.channels,
    residual: c.residual,
    warmupEpochs: c.warmupEpochs > 0 ? c.warmupEpochs : undefined,
    specAugment: c.timeMasks > 0 || c.freqMasks > 0 ? { timeMasks: c.timeMasks, maxTimeFrames: c.maxTimeFrames, freqMasks: c.freqMasks, maxBands: c.maxBands } : undefined,
  };
}

export const DEFAULT_CNN_PARAMS: CnnParams = {
  nBands: 128,
  channels: 'laptop',
  residual: false,
  cropFrames: DEFAULT_CROP_FRAMES,
  cropsPerTrack: DEFAULT_CROPS_PER_TRACK,
  warmupEpochs: 0,
  timeMasks: 0,
  maxTimeFrames: 16,
  freqMasks: 0,
  maxBands: 8,
};

/**
 * Predictions kept per Compare entry, which IndexedDB saves (up to 200 entries). Entries list
 * test tracks when segments are voted, so GTZAN's tables need ≤ 200 (its 1 000 tracks at 20 %);
 * only big generic tables are cut, and the cell says so.
 */
export const MAX_SAVED_PREDICTIONS = 1000;

/** One finished run in the Compare cell (classic or neural). */
export interface CompareEntry extends CompareRow {
  id: string;
  createdAt: string;
  features: string[];
  genres: string[];
  confusion: number[][];
  /** The test samples behind `confusion` (at most {@link MAX_SAVED_PREDICTIONS}; older entries have none). */
  predictions?: PredictionList;
  /**
   * Neural runs: members' accuracies, their mean and std, and the saved model's id. For a
   * cross-validation, the runs (each a fold, `fold` 0-based).
   */
  members?: { accuracy: number; macroF1: number; seed: number; fold?: number }[];
  memberMean?: number;
  memberStd?: number;
  /** Ensembles: both votes on the test tracks. */
  votes?: { majority: { accuracy: number; macroF1: number }; meanProbability: { accuracy: number; macroF1: number } };
  modelId?: string;
  /**
   * Set for a cross-validation on the training tracks: `accuracy`/`macroF1` are the runs' means,
   * `confusion` is summed over all runs, no model is saved.
   */
  cv?: { folds: number; repeats: number; tracks: number };
  /** CNN runs: accuracy over single crops (the headline `accuracy` is per track: the mean over its crops decides). */
  cropAccuracy?: number;
}

export interface TrainingState {
  status: 'running' | 'done' | 'error' | 'cancelled';
  runId: number;
  /** A cross-validation (members = runs) rather than a training that saves models. */
  mode?: 'train' | 'cv';
  members: number;
  member: number;
  /** Epoch metrics per member, for the live curves. */
  epochs: import('../core/models/loop').EpochMetrics[][];
  progress?: import('../core/models/loop').TrainProgress;
  summaries: import('../core/models/ensemble').MemberSummary[];
  /** The latest checkpoint of the member in training (kept if the page reloads). */
  checkpoint?: { member: number; epoch: number };
  error?: ErrorInfo;
  /** Compare entry of the finished run. */
  resultId?: string;
}

/** Saving or opening a `.genrelab` project (the outline's Project control). */
export interface ProjectJobState {
  status: 'saving' | 'opening' | 'done' | 'error' | 'cancelled';
  progress: number;
  /** What was done ("Opened x.genrelab: 3 Compare rows, 1 model"). */
  message?: string;
  error?: ErrorInfo;
}

/** The service worker's state: whether the lab opens without a network. */
export type OfflineStatus = 'unsupported' | 'dev' | 'installing' | 'ready' | 'error';

export interface PendingLabel {
  fileName: string;
  columns: string[];
  candidates: string[];
}

export interface LabState extends ModelsSlice, ClassifySlice, LectureSlice, MelViewsSlice {
  dataset?: Dataset;
  datasetStatus: 'empty' | 'loading' | 'ready';
  loadProgress: number;
  loadingName?: string;
  dataError?: ErrorInfo;
  /** A generic table waiting for the user to pick its label column. */
  pendingLabel?: PendingLabel;
  params: Params;
  runs: Partial<Record<CellKey, CellRun>>;
  /** True once IndexedDB has been read (so the UI does not flash "no data"). */
  restored: boolean;
  /** Building a dataset from audio files (Data cell). */
  audioImport?: AudioImportState;
  /** Finished runs for the Compare cell (saved across reloads). */
  compare: CompareEntry[];
  /** Paper presets' runs by preset id (finished ones saved across reloads). */
  presetRuns: Record<string, PresetRun>;
  /** The training run in progress or last finished (not saved). */
  training?: TrainingState;
  /** Said once after a reload interrupted a training run (what was kept of it). */
  trainingNotice?: string;
  /** The tfjs backend the training worker chose, with its measurements. */
  backend?: import('../core/models/tfBackend').BackendChoice;
  /** The last project save or open (not saved). */
  project?: ProjectJobState;
  /** Offline readiness (not saved: the service worker says it on every open). */
  offline?: OfflineStatus;
  /** The current spectrogram set (its matrices live in IndexedDB and the app; this is what the UI says). */
  spectrograms?: SpectrogramSetSummary;
  /** Building a spectrogram set: progress, ETA, failed files (the same shape as an audio import). */
  spectrogramBuild?: AudioImportState;
  /** A second labelled folder's spectrogram set, to evaluate a model on (the Toronto new-data evaluation). */
  evalSpectrograms?: SpectrogramSetSummary;
  /** Building the evaluation set (progress, ETA, failed files). */
  evalSpectrogramBuild?: AudioImportState;
  /** The browser's answer on storage when the last set was built: was persistence granted, how much was free. */
  spectrogramStorage?: { persisted: boolean; freeBytes?: number; neededBytes: number };
}

export function splitChoice(split: SplitParam, seed = 0): SplitChoice {
  if (split === 'predefined') return { kind: 'predefined' };
  if (split === 'random') return { kind: 'random', testFraction: 0.2, seed };
  if (split === 'kfold') return { kind: 'kfold', k: 5, seed };
  return { kind: 'auto', testFraction: 0.2, seed };
}

export function defaultParams(ds?: Dataset): Params {
  const names = ds?.featureNames ?? [];
  const feats = defaultFeatures(names);
  const genres = ds ? resolveGenres(NTNU_TASK2_GENRES, ds.genres) : [];
  return {
    knn: { features: feats, k: 5, weights: 'distance', split: 'auto', seed: 0, standardize: true, normalized: false },
    logistic: { features: [...names], C: 1, split: 'auto', seed: 0, normalized: false },
    classic: { model: 'svm', features: [...names], settings: {}, scaling: 'zscore', split: 'auto', seed: 0, normalized: false },
    explore: { features: feats, genres },
    melSpectrograms: { genres: contrastingGenres(ds?.genres ?? []) },
    importance: { nTrees: 100, seed: 0, permutationRepeats: 5, split: 'auto' },
    search: { base: feats, choose: Math.max(1, feats.length - 1), k: 5, weights: 'distance', split: 'auto', seed: 0, metric: 'macroF1' },
    mrmr: { nBins: 10, top: 20 },
    presets: { seed: 0, effort: 'full' },
    train: {
      kind: 'mlp',
      featureMode: 'all',
      features: [...names],
      topK: 20,
      steps: 0,
      epochs: 0,
      batchSize: 32,
      learningRate: 0.001,
      dropout: MODEL_KINDS.mlp.defaults.dropout,
      labelSmoothing: MODEL_KINDS.mlp.defaults.labelSmoothing,
      mixup: MODEL_KINDS.mlp.defaults.mixup,
      schedule: MODEL_KINDS.mlp.defaults.schedule,
      distill: 0,
      ensemble: 1,
      cvFolds: 5,
      cvRepeats: 1,
      seed: 0,
      validationFraction: 0.1,
      earlyStopping: false,
      patience: 8,
      backend: 'auto',
      split: 'auto',
      cnn: DEFAULT_CNN_PARAMS,
    },
  };
}

function resolveGenres(wanted: readonly string[], genres: readonly string[]): string[] {
  const r = wanted.filter((g) => genres.includes(g));
  return r.length >= 2 ? r : genres.slice(0, 4);
}

/**
 * Keep the user's choices that still make sense for a new dataset (features it has), fall back
 * to defaults otherwise.
 */
export function adaptParams(p: Params, ds: Dataset): Params {
  const d = defaultParams(ds);
  // A section whose features do not carry over to this table starts from its defaults whole.
  const keep = (list: string[]) => resolveFeatures(list, ds.featureNames);
  const knnF = keep(p.knn.features);
  const logF = keep(p.logistic.features);
  const classicF = p.classic ? keep(p.classic.features) : [];
  const expF = keep(p.explore.features);
  const base = keep(p.search.base);
  const genres = p.explore.genres.filter((g) => ds.genres.includes(g));
  return {
    knn: knnF.length ? { ...p.knn, features: knnF } : d.knn,
    logistic: logF.length ? { ...p.logistic, features: logF } : d.logistic,
    classic: classicF.length ? { ...d.classic, ...p.classic, features: classicF } : d.classic,
    explore: expF.length && genres.length ? { features: expF, genres } : d.explore,
    melSpectrograms: (() => {
      const kept = (p.melSpectrograms?.genres ?? []).filter((g) => ds.genres.includes(g));
      return kept.length ? { genres: kept } : d.melSpectrograms;
    })(),
    importance: p.importance,
    train: (() => {
      const t = p.train ?? d.train;
      const f = keep(t.features);
      return { ...d.train, ...t, cnn: { ...d.train.cnn, ...t.cnn }, features: f.length ? f : d.train.features };
    })(),
    search: base.length ? { ...p.search, base, choose: Math.min(p.search.choose, base.length) } : d.search,
    mrmr: p.mrmr,
    presets: p.presets ?? d.presets,
  };
}

export function createLabStore() {
  return createStore<LabState>()(() => ({
    datasetStatus: 'empty',
    loadProgress: 0,
    params: defaultParams(),
    runs: {},
    restored: false,
    models: [],
    classify: INITIAL_CLASSIFY,
    compare: [],
    lecture: INITIAL_LECTURE,
    presetRuns: {},
  }));
}

export type LabStore = ReturnType<typeof createLabStore>;

/** A dataset finished loading: it replaces the old one, results of the old one are cleared. */
export function setDataset(store: LabStore, ds: Dataset): void {
  const s = store.getState();
  store.setState({
    dataset: ds,
    datasetStatus: 'ready',
    loadProgress: 1,
    loadingName: undefined,
    dataError: undefined,
    pendingLabel: undefined,
    params: adaptParams(s.params, ds),
    runs: {},
  });
}

/** Loading failed: show the error, keep whatever was loaded before. */
export function setDataError(store: LabStore, error: ErrorInfo): void {
  const s = store.getState();
  const pendingLabel =
    error.code === 'no-label-column' && s.loadingName
      ? { fileName: s.loadingName, columns: (error.detail?.['columns'] as string[]) ?? [], candidates: (error.detail?.['candidates'] as string[]) ?? [] }
      : undefined;
  store.setState({ dataError: error, datasetStatus: s.dataset ? 'ready' : 'empty', loadProgress: 0, pendingLabel });
}

export function setParams<K extends keyof Params>(store: LabStore, key: K, patch: Partial<Params[K]>): void {
  const s = store.getState();
  store.setState({ params: { ...s.params, [key]: { ...s.params[key], ...patch } } });
}

export function setRun(store: LabStore, key: CellKey, run: Partial<CellRun>): void {
  const s = store.getState();
  const prev = s.runs[key] ?? { status: 'idle', progress: 0 };
  store.setState({ runs: { ...s.runs, [key]: { ...prev, ...run } } });
}

/** What is saved across reloads (everything but transient loading state). */
export function persistedPart(s: LabState): Pick<LabState, 'params' | 'runs' | 'compare' | 'presetRuns'> {
  const runs: LabState['runs'] = {};
  for (const [k, r] of Object.entries(s.runs) as [CellKey, CellRun][]) {
    // A run interrupted by the reload is not resumed; its last finished result is kept.
    if (r.status === 'done') runs[k] = r;
  }
  const presetRuns: LabState['presetRuns'] = {};
  for (const [k, r] of Object.entries(s.presetRuns)) if (r.result) presetRuns[k] = { status: 'done', progress: 1, result: r.result, elapsedMs: r.elapsedMs };
  return { params: s.params, runs, compare: s.compare, presetRuns };
}

export function setPresetRun(store: LabStore, id: string, run: PresetRun): void {
  store.setState({ presetRuns: { ...store.getState().presetRuns, [id]: run } });
}

/** Add a finished run to the Compare cell (newest first). */
export function addCompareEntry(store: LabStore, e: CompareEntry): void {
  store.setState({ compare: [e, ...store.getState().compare].slice(0, 200) });
}
