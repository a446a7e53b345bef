/**
 * Log-mel spectrograms for display (Explore's spectrograms per genre, a CNN's view in Classify),
 * computed off the main thread by the extraction worker's 'log-mel' mode, on a worker of their
 * own: a batch extraction in the pool never delays a spectrogram, and cancelling one (a newer
 * request won) terminates only this worker.
 */
import { LabError } from '../core/errors';
import type { LogMel, LogMelOptions } from '../core/features/logMel';
import type { ExtractApi, ExtractRequest } from './protocol';
import { WorkerClient, type RunningJob } from './transport';

/** Kept warm between views; a spectrogram worker holds nothing but its code. */
const SPECTROGRAM_IDLE_MS = 60_000;

let client: WorkerClient<ExtractApi> | undefined;

/** What to compute a spectrogram of: WAV bytes, mono samples at 22 050 Hz, or a demo clip to synthesise. */
export type SpectrogramSource = Pick<ExtractRequest, 'fileName' | 'bytes' | 'samples' | 'synth'>;

/** The log-mel matrix of one clip (bytes and samples are transferred: pass copies you still need). */
export function logMelInWorker(source: SpectrogramSource, options: LogMelOptions = {}): RunningJob<Pick<LogMel, 'db' | 'nBands' | 'nFrames'> & { nSamples: number }> {
  client ??= new WorkerClient<ExtractApi>(() => new Worker(new URL('./extract.worker.ts', import.meta.url), { type: 'module' }), {
    name: 'The spectrogram worker',
    cancel: 'terminate',
    idleMs: SPECTROGRAM_IDLE_MS,
  });
  const transfer = [source.bytes, source.samples?.buffer].filter((b): b is ArrayBuffer => b instanceof ArrayBuffer);
  const job = client.request('task', { ...source, recipe: 'log-mel', mode: 'log-mel', logMel: options }, { transfer });
  return {
    promise: job.promise.then((r) => {
      if (!r.logMel) throw new LabError('internal', 'The spectrogram worker returned no log-mel matrix.');
      return { ...r.logMel, nSamples: r.nSamples };
    }),
    cancel: job.cancel,
  };
}
