/// <reference lib="webworker" />
/** Runs core jobs (k-NN, search, forest, PCA, ...) off the main thread, on the dataset the page sent once. */
import { runJob } from '../core/jobs';
import { presetById } from '../core/presets/registry';
import type { ComputeApi } from './protocol';
import { serve } from './serve';

serve<ComputeApi>({
  // Synchronous: a cancel cannot reach it mid-job, so the page terminates this worker instead.
  run: ({ datasetId, job }, ctx) => runJob(ctx.dataset(datasetId), job, { onProgress: ctx.progress }),
  preset: ({ datasetId, presetId, seed, effort }, ctx) =>
    presetById(presetId).run({ dataset: ctx.dataset(datasetId), seed, effort }, { onProgress: (fraction, label) => ctx.progress({ fraction, label }) }),
});
