/** Typed messages between the UI and the workers. Everything here is structured-clone safe. */
import type { Dataset } from '../core/data/dataset';
import type { TableOptions } from '../core/data/parse';
import type { ErrorInfo } from '../core/errors';
import type { JobRequest, JobResult } from '../core/jobs';

export type ParseRequest = { type: 'parse'; file: File; options: TableOptions };
export type ParseResponse =
  | { type: 'progress'; fraction: number; rows: number }
  | { type: 'done'; dataset: Dataset; /** Already stored in IndexedDB by the worker. */ saved: boolean }
  | { type: 'error'; error: ErrorInfo };

export type ComputeRequest = { type: 'set-dataset'; dataset: Dataset } | { type: 'run'; id: number; datasetId: string; job: JobRequest };
export type ComputeResponse =
  | { type: 'progress'; id: number; fraction: number }
  | { type: 'result'; id: number; result: JobResult }
  | { type: 'error'; id: number; error: ErrorInfo };

/** Buffers of a dataset to transfer instead of copy. */
export function datasetTransferables(ds: Dataset): ArrayBuffer[] {
  const out = [ds.values.buffer, ds.labels.buffer, ds.segmentIndex.buffer] as ArrayBuffer[];
  if (ds.split) out.push(ds.split.buffer as ArrayBuffer);
  return out;
}

export type ExtractRequest = {
  id: number;
  fileName: string;
  recipe: string;
  /** Raw WAV bytes (parsed in the worker), or … */
  bytes?: ArrayBuffer;
  /** … mono samples at 22 050 Hz already decoded by Web Audio, or … */
  samples?: Float32Array;
  /** … a clip of the synthetic demo corpus to make in the worker. */
  synth?: { style: string; seed: number; durationSec: number };
  /** 'meyda-compare': instead of a recipe's rows, Meyda vs librosa on this clip. */
  mode?: 'features' | 'meyda-compare';
};
export type ExtractResponse =
  | { type: 'progress'; id: number; fraction: number }
  | { type: 'done'; id: number; featureNames: string[]; rows: Float64Array[]; segmentLengths: number[]; nSamples: number; meyda?: import('../core/features/meydaCompare').MeydaComparison[] }
  | { type: 'error'; id: number; error: ErrorInfo };

export type TrainRequest =
  | {
      type: 'train';
      runId: number;
      dataset: import('../core/data/dataset').Dataset;
      options: Omit<import('../core/models/ensemble').EnsembleOptions, 'cancel' | 'onEpoch' | 'onProgress' | 'onMember' | 'keepMembers' | 'checkpoint'>;
      backend: import('../core/models/tfBackend').BackendName | 'auto';
    }
  | {
      /** Cross-validation on the split's training tracks (nothing is saved; the test tracks are not used). */
      type: 'cross-validate';
      runId: number;
      dataset: import('../core/data/dataset').Dataset;
      options: Omit<import('../core/models/crossValidate').CrossValidationOptions, 'cancel' | 'onEpoch' | 'onProgress' | 'onRun' | 'checkpoint'>;
      backend: import('../core/models/tfBackend').BackendName | 'auto';
    }
  | { type: 'cancel'; runId: number }
  | { type: 'backend'; backend: import('../core/models/tfBackend').BackendName | 'auto' }
  | {
      type: 'predict';
      runId: number;
      /** Cache key of the loaded model inside the worker (saved-model id + member index). */
      key: string;
      saved: import('../core/models/saved').SavedModel;
      x: Float32Array;
      sampleShape: number[];
      backend: import('../core/models/tfBackend').BackendName | 'auto';
    };

export type TrainResponse =
  | { type: 'backend'; choice: import('../core/models/tfBackend').BackendChoice }
  | { type: 'epoch'; runId: number; member: number; metrics: import('../core/models/loop').EpochMetrics }
  | { type: 'progress'; runId: number; member: number; progress: import('../core/models/loop').TrainProgress }
  | { type: 'member'; runId: number; summary: import('../core/models/ensemble').MemberSummary; saved: import('../core/models/saved').SavedModel }
  /** The best weights so far of the member in training (0-based `member`), tested and serialised. */
  | { type: 'checkpoint'; runId: number; member: number; epoch: number; epochs: number; saved: import('../core/models/saved').SavedModel; /** "teacher 2 of 4" while a distilled model's teachers train. */ teacherOf?: string }
  | { type: 'done'; runId: number; result: Omit<import('../core/models/ensemble').EnsembleResult, 'classifiers'>; saved: import('../core/models/saved').SavedModel[]; backend: string }
  | { type: 'cv-run'; runId: number; run: import('../core/models/crossValidate').CrossValidationRun; done: number; total: number }
  | { type: 'cv-done'; runId: number; result: import('../core/models/crossValidate').CrossValidationResult; backend: string }
  | { type: 'predicted'; runId: number; probabilities: Float32Array }
  | { type: 'error'; runId: number; error: ErrorInfo };
