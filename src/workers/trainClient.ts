/**
 * Main-thread side of the training worker, on the transport: one long-lived worker (the tfjs
 * backend and loaded models live there), progress and event callbacks, cancel by message (the
 * run stops within a batch and returns its best weights so far). The dataset (or spectrogram set)
 * is sent once and named by id in later training and cross-validation requests.
 */
import type { CrossValidationResult, CrossValidationRun } from '../core/models/crossValidate';
import type { MemberSummary } from '../core/models/ensemble';
import type { SaliencyMethod } from '../core/models/classifyAudio';
import type { SavedModel } from '../core/models/saved';
import type { BackendChoice, BackendName } from '../core/models/tfBackend';
import type { EpochMetrics, TrainProgress } from '../core/models/loop';
import type { PresetResult } from '../core/presets/types';
import type { CrossValidateOptions, PresetProgress, PresetRequest, TrainApi, TrainNotice, TrainOptions, TrainOutcome } from './protocol';
import { WorkerClient, type RunningJob } from './transport';
import type { HeldData } from './wire';

export type { TrainOutcome } from './protocol';

/**
 * Shut the training worker down only after 15 idle minutes: restarting it re-measures the tfjs
 * backends (seconds; a first WebGL batch compiles shaders for ~30 s here) and reloads every model
 * Classify used, while an hour-long idle worker still holds the backend's memory and the datasets.
 */
const TRAIN_IDLE_MS = 15 * 60_000;

let client: WorkerClient<TrainApi, TrainNotice> | undefined;
let backendListener: ((c: BackendChoice) => void) | undefined;

function getClient(): WorkerClient<TrainApi, TrainNotice> {
  if (!client) {
    client = new WorkerClient<TrainApi, TrainNotice>(() => new Worker(new URL('./train.worker.ts', import.meta.url), { type: 'module' }), {
      name: 'The training worker',
      cancel: 'message',
      idleMs: TRAIN_IDLE_MS,
      // The table in use and the one before it (cross-validate one, train on the other).
      datasetSlots: 2,
    });
    client.onNotice((n) => backendListener?.(n.choice));
  }
  return client;
}

export function onBackendChosen(fn: (c: BackendChoice) => void): void {
  backendListener = fn;
}

/** Choose (or re-choose) the backend now, so the page can show it before training. */
export function requestBackend(backend: BackendName | 'auto'): void {
  // The choice arrives through onBackendChosen. A failure here is not lost: the next training or
  // prediction asks for the same backend and reports the error in its own cell.
  getClient()
    .request('backend', { backend })
    .promise.catch(() => undefined);
}

export interface TrainCallbacks {
  onEpoch(member: number, m: EpochMetrics): void;
  onProgress(member: number, p: TrainProgress): void;
  onMember(s: MemberSummary, saved: SavedModel): void;
  /** The best weights so far of member `member` (0-based), after `epoch` of `epochs`. */
  onCheckpoint?(member: number, epoch: number, epochs: number, saved: SavedModel, teacherOf?: string): void;
}

/** Train or cross-validate: the dataset or spectrogram set goes to the worker once (then by id); progress is per member or run. */
function runOnDataset<K extends 'train' | 'cross-validate'>(
  kind: K,
  dataset: HeldData,
  options: TrainApi[K]['request']['options'],
  backend: BackendName | 'auto',
  onProgress: (member: number, p: TrainProgress) => void,
  onEvent: (e: TrainApi[K]['event']) => void,
): RunningJob<TrainApi[K]['result']> {
  const request = { datasetId: dataset.id, options, backend } as TrainApi[K]['request'];
  return getClient().request(kind, request, { datasets: [dataset], onProgress: (p) => onProgress(p.member, p.progress), onEvent });
}

export function trainInWorker(dataset: HeldData, options: TrainOptions, backend: BackendName | 'auto', cb: TrainCallbacks): { promise: Promise<TrainOutcome>; cancel(): void } {
  return runOnDataset('train', dataset, options, backend, (m, p) => cb.onProgress(m, p), (e) => {
    if (e.type === 'epoch') cb.onEpoch(e.member, e.metrics);
    else if (e.type === 'member') cb.onMember(e.summary, e.saved);
    else cb.onCheckpoint?.(e.member, e.epoch, e.epochs, e.saved, e.teacherOf);
  });
}

export interface CrossValidateCallbacks {
  onEpoch(run: number, m: EpochMetrics): void;
  onProgress(run: number, p: TrainProgress): void;
  onRun(r: CrossValidationRun, done: number, total: number): void;
}

/** Cross-validation on the training tracks, in the worker (same transport and cancel as training). */
export function crossValidateInWorker(
  dataset: HeldData,
  options: CrossValidateOptions,
  backend: BackendName | 'auto',
  cb: CrossValidateCallbacks,
): { promise: Promise<{ result: CrossValidationResult; backend: string }>; cancel(): void } {
  return runOnDataset('cross-validate', dataset, options, backend, (m, p) => cb.onProgress(m, p), (e) => {
    if (e.type === 'epoch') cb.onEpoch(e.member, e.metrics);
    else cb.onRun(e.run, e.done, e.total);
  });
}

/** Probabilities of a saved model (member) for prepared inputs, computed in the worker. */
export function predictInWorker(key: string, saved: SavedModel, x: Float32Array, sampleShape: number[], backend: BackendName | 'auto'): Promise<Float32Array> {
  return getClient().request('predict', { key, saved, x, sampleShape, backend }).promise;
}

/**
 * Run a paper preset that trains tfjs networks on `dataset` (a table, or a spectrogram set for the
 * audio presets) in the training worker (progress and cancel as for training); `evalSet`, a second
 * spectrogram set to evaluate on, travels with it (the worker's two dataset slots hold both).
 */
export function runPresetInWorker(
  dataset: HeldData,
  request: Omit<PresetRequest, 'datasetId' | 'evalDatasetId'>,
  backend: BackendName | 'auto',
  onProgress: (p: PresetProgress) => void,
  evalSet?: HeldData,
): RunningJob<PresetResult> {
  const datasets = evalSet ? [dataset, evalSet] : [dataset];
  return getClient().request('preset', { datasetId: dataset.id, ...(evalSet ? { evalDatasetId: evalSet.id } : {}), ...request, backend }, { datasets, onProgress });
}

/**
 * Saliency (Grad-CAM or occlusion) of a saved spectrogram model (all its members, averaged) for
 * class `classIndex` over every crop of `x`, in the worker; cancel stops it between crops.
 */
export function saliencyInWorker(
  members: { key: string; saved: SavedModel }[],
  x: Float64Array,
  sampleShape: number[],
  classIndex: number,
  method: SaliencyMethod,
  patch: { patchBands: number; patchFrames: number },
  backend: BackendName | 'auto',
  onProgress?: (fraction: number) => void,
): RunningJob<Float32Array> {
  return getClient().request('saliency', { members, x, sampleShape, classIndex, method, patch, backend }, { onProgress });
}
