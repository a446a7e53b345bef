/**
 * Main-thread side of the training worker: one long-lived worker (the tfjs backend and loaded
 * models live there), runs identified by id, progress callbacks, cancel by message.
 */
import type { Dataset } from '../core/data/dataset';
import { fromErrorInfo } from '../core/errors';
import type { CrossValidationResult, CrossValidationRun } from '../core/models/crossValidate';
import type { EnsembleResult, MemberSummary } from '../core/models/ensemble';
import type { SavedModel } from '../core/models/saved';
import type { BackendChoice, BackendName } from '../core/models/tfBackend';
import type { EpochMetrics, TrainProgress } from '../core/models/loop';
import type { TrainRequest, TrainResponse } from './protocol';

let worker: Worker | undefined;
let nextRun = 1;
const listeners = new Set<(m: TrainResponse) => void>();
let backendListener: ((c: BackendChoice) => void) | undefined;

function getWorker(): Worker {
  if (!worker) {
    worker = new Worker(new URL('./train.worker.ts', import.meta.url), { type: 'module' });
    worker.onmessage = (ev: MessageEvent<TrainResponse>) => {
      if (ev.data.type === 'backend') backendListener?.(ev.data.choice);
      for (const l of listeners) l(ev.data);
    };
  }
  return worker;
}

export function onBackendChosen(fn: (c: BackendChoice) => void): void {
  backendListener = fn;
}

/** Choose (or re-choose) the backend now, so the page can show it before training. */
export function requestBackend(backend: BackendName | 'auto'): void {
  getWorker().postMessage({ type: 'backend', backend } satisfies TrainRequest);
}

export interface TrainCallbacks {
  onEpoch(member: number, m: EpochMetrics): void;
  onProgress(member: number, p: TrainProgress): void;
  onMember(s: MemberSummary, saved: SavedModel): void;
  /** The best weights so far of member `member` (0-based), after `epoch` of `epochs`. */
  onCheckpoint?(member: number, epoch: number, epochs: number, saved: SavedModel, teacherOf?: string): void;
}

export interface TrainOutcome {
  result: Omit<EnsembleResult, 'classifiers'>;
  saved: SavedModel[];
  backend: string;
}

/**
 * Posts a run request and routes the worker's messages for it: `onMessage` returns `{ done }` when
 * the run has finished; an error message rejects. Cancel asks the worker to stop that run.
 */
function runInWorker<T>(request: (runId: number) => TrainRequest, onMessage: (m: TrainResponse) => { done: T } | void): { promise: Promise<T>; cancel(): void } {
  const w = getWorker();
  const runId = nextRun++;
  const promise = new Promise<T>((resolve, reject) => {
    const l = (m: TrainResponse) => {
      if (!('runId' in m) || m.runId !== runId) return;
      if (m.type === 'error') {
        listeners.delete(l);
        reject(fromErrorInfo(m.error));
        return;
      }
      const out = onMessage(m);
      if (out) {
        listeners.delete(l);
        resolve(out.done);
      }
    };
    listeners.add(l);
    w.postMessage(request(runId));
  });
  return { promise, cancel: () => w.postMessage({ type: 'cancel', runId } satisfies TrainRequest) };
}

export function trainInWorker(
  dataset: Dataset,
  options: Extract<TrainRequest, { type: 'train' }>['options'],
  backend: BackendName | 'auto',
  cb: TrainCallbacks,
): { promise: Promise<TrainOutcome>; cancel(): void } {
  return runInWorker<TrainOutcome>(
    (runId) => ({ type: 'train', runId, dataset, options, backend }),
    (m) => {
      if (m.type === 'epoch') cb.onEpoch(m.member, m.metrics);
      else if (m.type === 'progress') cb.onProgress(m.member, m.progress);
      else if (m.type === 'member') cb.onMember(m.summary, m.saved);
      else if (m.type === 'checkpoint') cb.onCheckpoint?.(m.member, m.epoch, m.epochs, m.saved, m.teacherOf);
      else if (m.type === 'done') return { done: { result: m.result, saved: m.saved, backend: m.backend } };
    },
  );
}

export interface CrossValidateCallbacks {
  onEpoch(run: number, m: EpochMetrics): void;
  onProgress(run: number, p: TrainProgress): void;
  onRun(r: CrossValidationRun, done: number, total: number): void;
}

/** Cross-validation on the training tracks, in the worker (same run ids and cancel as training). */
export function crossValidateInWorker(
  dataset: Dataset,
  options: Extract<TrainRequest, { type: 'cross-validate' }>['options'],
  backend: BackendName | 'auto',
  cb: CrossValidateCallbacks,
): { promise: Promise<{ result: CrossValidationResult; backend: string }>; cancel(): void } {
  return runInWorker<{ result: CrossValidationResult; backend: string }>(
    (runId) => ({ type: 'cross-validate', runId, dataset, options, backend }),
    (m) => {
      if (m.type === 'epoch') cb.onEpoch(m.member, m.metrics);
      else if (m.type === 'progress') cb.onProgress(m.member, m.progress);
      else if (m.type === 'cv-run') cb.onRun(m.run, m.done, m.total);
      else if (m.type === 'cv-done') return { done: { result: m.result, backend: m.backend } };
    },
  );
}

/** Probabilities of a saved model (member) for prepared inputs, computed in the worker. */
export function predictInWorker(key: string, saved: SavedModel, x: Float32Array, sampleShape: number[], backend: BackendName | 'auto'): Promise<Float32Array> {
  return runInWorker<Float32Array>(
    (runId) => ({ type: 'predict', runId, key, saved, x, sampleShape, backend }),
    (m) => (m.type === 'predicted' ? { done: m.probabilities } : undefined),
  ).promise;
}
