/**
 * What each worker answers, as transport APIs (see wire.ts): request, result, progress and events
 * per request kind. Everything here is structured-clone safe.
 */
import type { Dataset } from '../core/data/dataset';
import type { TableOptions } from '../core/data/parse';
import type { LogMel, LogMelOptions } from '../core/features/logMel';
import type { MeydaComparison } from '../core/features/meydaCompare';
import type { JobRequest, JobResult } from '../core/jobs';
import type { CrossValidationOptions, CrossValidationResult, CrossValidationRun } from '../core/models/crossValidate';
import type { EnsembleOptions, EnsembleResult, MemberSummary } from '../core/models/ensemble';
import type { SaliencyMethod } from '../core/models/classifyAudio';
import type { SavedModel } from '../core/models/saved';
import type { BackendChoice, BackendName } from '../core/models/tfBackend';
import type { EpochMetrics, TrainProgress } from '../core/models/loop';
import type { PresetResult } from '../core/presets/types';
import type { Endpoint } from './wire';
import type { TaskApi } from './workerPool';

/** A dropped table, parsed (and saved to IndexedDB) in the worker; progress by bytes read. */
export type ParseApi = {
  parse: Endpoint<{ file: File; options: TableOptions }, { dataset: Dataset; /** Already stored in IndexedDB by the worker. */ saved: boolean }, { fraction: number; rows: number }>;
};

/**
 * A paper preset to run on a dataset the worker already holds; `evalDatasetId` names a second
 * spectrogram set it holds too (the Toronto new-data evaluation's other folder).
 */
export type PresetRequest = { datasetId: string; evalDatasetId?: string; presetId: string; seed: number; effort: 'full' | 'quick' };

/** A core job on a dataset the worker already holds (sent once by the transport). */
export type ComputeApi = {
  run: Endpoint<{ datasetId: string; job: JobRequest }, JobResult, number>;
  /** A preset that trains no tfjs network (k-NN, forests, the search): here, where Cancel terminates the worker at once. */
  preset: Endpoint<PresetRequest, PresetResult, PresetProgress>;
};

/** Buffers of a dataset to transfer instead of copy. */
export function datasetTransferables(ds: Dataset): ArrayBuffer[] {
  const out = [ds.values.buffer, ds.labels.buffer, ds.segmentIndex.buffer] as ArrayBuffer[];
  if (ds.split) out.push(ds.split.buffer as ArrayBuffer);
  return out;
}

export type ExtractRequest = {
  fileName: string;
  recipe: string;
  /** Raw WAV bytes (parsed in the worker), or … */
  bytes?: ArrayBuffer;
  /** … mono samples at 22 050 Hz already decoded by Web Audio, or … */
  samples?: Float32Array;
  /** … a clip of the synthetic demo corpus to make in the worker, or … */
  synth?: { style: string; seed: number; durationSec: number };
  /**
   * … the file itself, read and hashed (SHA-256) in the worker — the page spends no time on its
   * bytes. In mode 'features' the worker looks the features up in the feature cache by that hash
   * (a hit skips extraction) and caches what it extracts. A file that is not a RIFF WAV comes back
   * `needsDecode` (only the page has Web Audio): send its decoded `samples` with `cacheSha256`.
   */
  file?: Blob;
  /** With `samples` decoded from a file whose hash a `file` request returned: cache the features under it. */
  cacheSha256?: string;
  /**
   * 'meyda-compare': instead of a recipe's rows, Meyda vs librosa on this clip; 'log-mel': the
   * clip's log-mel matrix (core computeLogMel with `logMel`'s options; `recipe` is ignored);
   * 'hash': only the SHA-256 of `file` (nothing decoded).
   */
  mode?: 'features' | 'meyda-compare' | 'log-mel' | 'hash';
  logMel?: LogMelOptions;
};
export type ExtractResult = {
  featureNames: string[];
  rows: Float64Array[];
  segmentLengths: number[];
  /** Samples the worker analysed (0 when it decoded none: a cache hit, or a file left to the page to decode). */
  nSamples: number;
  /** SHA-256 (hex) of a `file` request's bytes. */
  sha256?: string;
  /** The features came from the feature cache (a `file` request). */
  cached?: boolean;
  /** A `file` request whose file is not a RIFF WAV and not cached: decode it on the page and send its samples. */
  needsDecode?: boolean;
  meyda?: MeydaComparison[];
  /** mode 'log-mel': band-major nBands × nFrames dB (transferred). */
  logMel?: Pick<LogMel, 'db' | 'nBands' | 'nFrames'>;
};
/** The extraction pool's workers: one file (or synthetic clip) per task. */
export type ExtractApi = TaskApi<ExtractRequest, ExtractResult>;

type Backend = BackendName | 'auto';
export type TrainOptions = Omit<EnsembleOptions, 'cancel' | 'onEpoch' | 'onProgress' | 'onMember' | 'keepMembers' | 'checkpoint'>;
export type CrossValidateOptions = Omit<CrossValidationOptions, 'cancel' | 'onEpoch' | 'onProgress' | 'onRun' | 'checkpoint'>;
/** A preset's overall progress, with what it is doing ("LSTM model 3 of 10, epoch 12 of 40"). */
export type PresetProgress = { fraction: number; label: string };
/** Batch progress of ensemble member (or cross-validation run) `member`. */
export type MemberProgress = { member: number; progress: TrainProgress };
type EpochEvent = { type: 'epoch'; member: number; metrics: EpochMetrics };

export type TrainEvent =
  | EpochEvent
  | { type: 'member'; summary: MemberSummary; saved: SavedModel }
  /** The best weights so far of the member in training (0-based `member`), tested and serialised. */
  | { type: 'checkpoint'; member: number; epoch: number; epochs: number; saved: SavedModel; /** "teacher 2 of 4" while a distilled model's teachers train. */ teacherOf?: string };
export type CrossValidateEvent = EpochEvent | { type: 'cv-run'; run: CrossValidationRun; done: number; total: number };

export interface TrainOutcome {
  result: Omit<EnsembleResult, 'classifiers'>;
  saved: SavedModel[];
  backend: string;
}

/** The training worker: neural training, cross-validation and prediction (cancel by message). */
export type TrainApi = {
  /** Choose (or re-choose) the tfjs backend now. */
  backend: Endpoint<{ backend: Backend }, BackendChoice>;
  train: Endpoint<{ datasetId: string; options: TrainOptions; backend: Backend }, TrainOutcome, MemberProgress, TrainEvent>;
  /** Cross-validation on the split's training tracks (nothing is saved; the test tracks are not used). */
  /** A preset that trains tfjs networks (they live here); the others run on a compute worker. */
  preset: Endpoint<PresetRequest & { backend: Backend }, PresetResult, PresetProgress>;
  'cross-validate': Endpoint<{ datasetId: string; options: CrossValidateOptions; backend: Backend }, { result: CrossValidationResult; backend: string }, MemberProgress, CrossValidateEvent>;
  predict: Endpoint<
    {
      /** Cache key of the loaded model inside the worker (saved-model id + member index). */
      key: string;
      saved: SavedModel;
      x: Float32Array;
      sampleShape: number[];
      backend: Backend;
    },
    Float32Array
  >;
  /**
   * Saliency of a spectrogram model for class `classIndex` over every crop in `x` by `method`
   * (core gradCamOverCrops or occlusionOverCrops; `patch` is occlusion's): bands × (crops ·
   * cropFrames), band-major. An ensemble's members are averaged. Progress: the fraction of crops done.
   */
  saliency: Endpoint<
    { members: { key: string; saved: SavedModel }[]; x: Float64Array; sampleShape: number[]; classIndex: number; method: SaliencyMethod; patch: { patchBands: number; patchFrames: number }; backend: Backend },
    Float32Array,
    number
  >;
};
/** Sent whenever the training worker (re)chooses its backend, whichever request caused it. */
export type TrainNotice = { type: 'backend'; choice: BackendChoice };

/** Building and reading `.genrelab` project files (zip, hashes, validation) off the main thread. */
export type ProjectApi = {
  /** `spectrograms`: the current set and how to keep it (its manifest's matrix hashes are computed here, off the page). */
  write: Endpoint<
    {
      content: import('../core/project/archive').ProjectContent;
      appVersion: string;
      spectrograms?: { set: import('../core/data/spectrogramSet').SpectrogramSet; mode: import('../core/project/spectrograms').SpectrogramStorageMode };
    },
    ArrayBuffer,
    number
  >;
  /** Throws a `bad-project` LabError for a file that is not a whole project this lab can read. */
  read: Endpoint<{ bytes: ArrayBuffer }, import('../core/project/archive').ProjectFile, number>;
};
