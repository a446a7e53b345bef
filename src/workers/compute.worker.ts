/// <reference lib="webworker" />
/** Runs core jobs (k-NN, search, forest, PCA, ...) off the main thread. */
import type { Dataset } from '../core/data/dataset';
import { LabError, toErrorInfo } from '../core/errors';
import { runJob } from '../core/jobs';
import type { ComputeRequest, ComputeResponse } from './protocol';

declare const self: DedicatedWorkerGlobalScope;
const post = (m: ComputeResponse) => self.postMessage(m);
let dataset: Dataset | undefined;

self.onmessage = (ev: MessageEvent<ComputeRequest>) => {
  const msg = ev.data;
  if (msg.type === 'set-dataset') {
    dataset = msg.dataset;
    return;
  }
  const { id, job, datasetId } = msg;
  try {
    if (!dataset || dataset.id !== datasetId) throw new LabError('internal', 'The worker does not have the current dataset.');
    let last = 0;
    const result = runJob(dataset, job, {
      onProgress: (fraction) => {
        const now = performance.now();
        if (now - last > 50 || fraction >= 1) {
          last = now;
          post({ type: 'progress', id, fraction });
        }
      },
    });
    post({ type: 'result', id, result });
  } catch (e) {
    post({ type: 'error', id, error: toErrorInfo(e) });
  }
};
