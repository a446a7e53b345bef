/**
 * Main-thread side of the parse and compute workers, on the transport. Each cell gets its own
 * compute worker (a long search in one cell never delays a histogram in another); cancelling
 * terminates the worker, which stops the job at once, and the next job starts a fresh one (the
 * transport sends it the dataset again).
 */
import type { Dataset } from '../core/data/dataset';
import type { TableOptions } from '../core/data/parse';
import type { JobRequest, JobResult } from '../core/jobs';
import type { ProjectContent, ProjectFile } from '../core/project/archive';
import type { SpectrogramSet } from '../core/data/spectrogramSet';
import type { SpectrogramStorageMode } from '../core/project/spectrograms';
import type { PresetResult } from '../core/presets/types';
import type { ComputeApi, ParseApi, PresetProgress, PresetRequest, ProjectApi } from './protocol';
import { WorkerClient, type RunningJob } from './transport';

export type { RunningJob } from './transport';

/**
 * A cell's worker holds a copy of the dataset; after five minutes without a job it is shut down
 * to give that memory back (the next job starts it and sends the dataset again).
 */
const COMPUTE_IDLE_MS = 5 * 60_000;
/** The parse worker keeps nothing once a table is parsed (the dataset is transferred out). */
const PARSE_IDLE_MS = 30_000;

const computeClients = new Map<string, WorkerClient<ComputeApi>>();

function computeClient(channel: string): WorkerClient<ComputeApi> {
  let c = computeClients.get(channel);
  if (!c) {
    c = new WorkerClient<ComputeApi>(() => new Worker(new URL('./compute.worker.ts', import.meta.url), { type: 'module' }), {
      name: `The ${channel} cell's worker`,
      cancel: 'terminate',
      idleMs: COMPUTE_IDLE_MS,
      datasetSlots: 1,
    });
    computeClients.set(channel, c);
  }
  return c;
}

/** Run a core job on the channel's worker. */
export function runComputeJob(channel: string, dataset: Dataset, job: JobRequest, onProgress?: (f: number) => void): RunningJob<JobResult> {
  return computeClient(channel).request('run', { datasetId: dataset.id, job }, { datasets: [dataset], onProgress });
}

/** Run a preset that trains no tfjs network on a compute worker of its own (Cancel terminates it). */
export function runPresetOnComputeWorker(dataset: Dataset, request: Omit<PresetRequest, 'datasetId'>, onProgress: (p: PresetProgress) => void): RunningJob<PresetResult> {
  return computeClient(`preset ${request.presetId}`).request('preset', { datasetId: dataset.id, ...request }, { datasets: [dataset], onProgress });
}

let parseClient: WorkerClient<ParseApi> | undefined;

/** Parse a dropped table in a worker, streaming, with progress. */
export function parseTableFile(file: File, options: TableOptions, onProgress: (fraction: number, rows: number) => void, onSaved?: (id: string) => void): RunningJob<Dataset> {
  parseClient ??= new WorkerClient<ParseApi>(() => new Worker(new URL('./parse.worker.ts', import.meta.url), { type: 'module' }), {
    name: 'The table parser',
    // Papa's chunk loop does not read messages between chunks: only terminating stops it.
    cancel: 'terminate',
    idleMs: PARSE_IDLE_MS,
  });
  const job = parseClient.request('parse', { file, options }, { onProgress: (p) => onProgress(p.fraction, p.rows) });
  return {
    promise: job.promise.then(({ dataset, saved }) => {
      if (saved) onSaved?.(dataset.id);
      return dataset;
    }),
    cancel: job.cancel,
  };
}

let projectClient: WorkerClient<ProjectApi> | undefined;

/** The project-file worker (zip + SHA-256 + validation); cancelling terminates it. */
function projectWorker(): WorkerClient<ProjectApi> {
  projectClient ??= new WorkerClient<ProjectApi>(() => new Worker(new URL('./project.worker.ts', import.meta.url), { type: 'module' }), {
    name: 'The project file worker',
    cancel: 'terminate',
    idleMs: PARSE_IDLE_MS,
  });
  return projectClient;
}

/** Build a project file's bytes in the worker. */
export function writeProjectFile(
  content: ProjectContent,
  appVersion: string,
  onProgress?: (f: number) => void,
  spectrograms?: { set: SpectrogramSet; mode: SpectrogramStorageMode },
): RunningJob<ArrayBuffer> {
  return projectWorker().request('write', { content, appVersion, ...(spectrograms ? { spectrograms } : {}) }, { onProgress });
}

/** Read and validate a project file in the worker (its bytes are moved there). */
export function readProjectFile(bytes: ArrayBuffer, onProgress?: (f: number) => void): RunningJob<ProjectFile> {
  return projectWorker().request('read', { bytes }, { onProgress, transfer: [bytes] });
}
