/**
 * Main-thread side of the workers. Each cell gets its own compute worker (a long search in one
 * cell never delays a histogram in another); cancelling terminates the worker, which stops the job
 * at once, and the next job starts a fresh one.
 */
import type { Dataset } from '../core/data/dataset';
import type { TableOptions } from '../core/data/parse';
import { CancelledError, fromErrorInfo } from '../core/errors';
import type { JobRequest, JobResult } from '../core/jobs';
import type { ComputeRequest, ComputeResponse, ParseRequest, ParseResponse } from './protocol';

export interface RunningJob<T> {
  promise: Promise<T>;
  cancel(): void;
}

interface Slot {
  worker: Worker;
  datasetId?: string;
}
const slots = new Map<string, Slot>();
let nextId = 1;

function slotFor(channel: string): Slot {
  let s = slots.get(channel);
  if (!s) {
    s = { worker: new Worker(new URL('./compute.worker.ts', import.meta.url), { type: 'module' }) };
    slots.set(channel, s);
  }
  return s;
}

/** Run a core job on the channel's worker. */
export function runComputeJob(channel: string, dataset: Dataset, job: JobRequest, onProgress?: (f: number) => void): RunningJob<JobResult> {
  const slot = slotFor(channel);
  if (slot.datasetId !== dataset.id) {
    slot.worker.postMessage({ type: 'set-dataset', dataset } satisfies ComputeRequest);
    slot.datasetId = dataset.id;
  }
  const id = nextId++;
  let rejectFn: (e: unknown) => void = () => {};
  const promise = new Promise<JobResult>((resolve, reject) => {
    rejectFn = reject;
    const onMessage = (ev: MessageEvent<ComputeResponse>) => {
      const m = ev.data;
      if (m.id !== id) return;
      if (m.type === 'progress') onProgress?.(m.fraction);
      else {
        slot.worker.removeEventListener('message', onMessage);
        if (m.type === 'result') resolve(m.result);
        else reject(fromErrorInfo(m.error));
      }
    };
    slot.worker.addEventListener('message', onMessage);
    slot.worker.addEventListener('error', (e) => reject(new Error(e.message || 'Worker failed')), { once: true });
    slot.worker.postMessage({ type: 'run', id, datasetId: dataset.id, job } satisfies ComputeRequest);
  });
  return {
    promise,
    cancel() {
      slot.worker.terminate();
      slots.delete(channel);
      rejectFn(new CancelledError());
    },
  };
}

/** Parse a dropped table in a worker, streaming, with progress. */
export function parseTableFile(file: File, options: TableOptions, onProgress: (fraction: number, rows: number) => void, onSaved?: (id: string) => void): RunningJob<Dataset> {
  const worker = new Worker(new URL('./parse.worker.ts', import.meta.url), { type: 'module' });
  let rejectFn: (e: unknown) => void = () => {};
  const promise = new Promise<Dataset>((resolve, reject) => {
    rejectFn = reject;
    worker.onmessage = (ev: MessageEvent<ParseResponse>) => {
      const m = ev.data;
      if (m.type === 'progress') onProgress(m.fraction, m.rows);
      else {
        worker.terminate();
        if (m.type === 'done') {
          if (m.saved) onSaved?.(m.dataset.id);
          resolve(m.dataset);
        } else reject(fromErrorInfo(m.error));
      }
    };
    worker.onerror = (e) => {
      worker.terminate();
      reject(new Error(e.message || 'The parser failed'));
    };
    worker.postMessage({ type: 'parse', file, options } satisfies ParseRequest);
  });
  return {
    promise,
    cancel() {
      worker.terminate();
      rejectFn(new CancelledError());
    },
  };
}
