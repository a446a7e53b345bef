/**
 * `lab extract`'s files through `jobs` worker_threads workers (or this thread when jobs is 1),
 * each running extractAudioFile — the same code either way, so the rows are bit-identical. A
 * worker takes the next file as soon as it is free; outcomes are returned in the order of the
 * files given, whatever order the workers finish in. Aborting terminates every worker (a file
 * in the middle of its FFTs cannot be interrupted any other way) and rejects with CancelledError.
 */
import { Worker } from 'node:worker_threads';
import { failedFile, type FailedFile } from '../core/audio/batch';
import { CancelledError, LabError } from '../core/errors';
import type { RecipeId } from '../core/features/spec';
import type { ExtractedClip } from '../core/features/toDataset';
import { extractAudioFile } from './extractFile';

/** What the pool sends a worker: one file. */
export interface PoolRequest {
  id: number;
  path: string;
  recipe: RecipeId;
}

/** What a worker answers: it has loaded, or one file's clip or failure. */
export type PoolReply = { type: 'ready' } | { type: 'done'; id: number; clip: ExtractedClip } | { type: 'failed'; id: number; failed: FailedFile };

/** One file's result: its clip, or why it could not be used. */
export type FileOutcome = { clip: ExtractedClip; failed?: undefined } | { clip?: undefined; failed: FailedFile };

export interface ExtractFilesOptions {
  /** Worker threads; 1 (the default) extracts in this thread, with no worker to start. */
  jobs?: number;
  /** Called as each file finishes (completion order), with the number of files finished so far. */
  onFile?: (file: string, outcome: FileOutcome, done: number) => void;
  /** Abort to stop: the promise rejects with CancelledError once the workers are gone. */
  signal?: AbortSignal;
}

// workerBoot.mjs loads the TypeScript entry through tsx, so this works under `npm run lab`
// (tsx), vitest and plain node alike.
const BOOT_URL = new URL('./workerBoot.mjs', import.meta.url);
const ENTRY_URL = new URL('./extract.worker.ts', import.meta.url).href;

/** Extract every file; outcomes in the order of `files`. */
export async function extractFiles(files: readonly string[], recipe: RecipeId, opts: ExtractFilesOptions = {}): Promise<FileOutcome[]> {
  const jobs = Math.min(opts.jobs ?? 1, files.length);
  return jobs <= 1 ? extractHere(files, recipe, opts) : extractInWorkers(files, recipe, jobs, opts);
}

async function extractHere(files: readonly string[], recipe: RecipeId, opts: ExtractFilesOptions): Promise<FileOutcome[]> {
  const outcomes: FileOutcome[] = [];
  for (const file of files) {
    // Extraction is synchronous and decoding settles in microtasks, so without a macrotask turn
    // here a SIGINT handler (the caller's abort) would never run until the last file was done.
    await new Promise((resolve) => setImmediate(resolve));
    if (opts.signal?.aborted) throw new CancelledError();
    let outcome: FileOutcome;
    try {
      outcome = { clip: await extractAudioFile(file, recipe) };
    } catch (e) {
      outcome = { failed: failedFile(file, e) };
    }
    outcomes.push(outcome);
    opts.onFile?.(file, outcome, outcomes.length);
  }
  return outcomes;
}

function extractInWorkers(files: readonly string[], recipe: RecipeId, jobs: number, opts: ExtractFilesOptions): Promise<FileOutcome[]> {
  return new Promise<FileOutcome[]>((resolve, reject) => {
    const outcomes: (FileOutcome | undefined)[] = new Array(files.length);
    const live = new Set<Worker>();
    let next = 0;
    let done = 0;
    let settled = false;

    const finish = (error?: unknown): void => {
      if (settled) return;
      settled = true;
      opts.signal?.removeEventListener('abort', onAbort);
      const all = [...live];
      live.clear();
      void Promise.all(all.map((w) => w.terminate())).then(() => (error === undefined ? resolve(outcomes as FileOutcome[]) : reject(error)));
    };
    const onAbort = (): void => finish(new CancelledError());

    const record = (i: number, outcome: FileOutcome): void => {
      outcomes[i] = outcome;
      done++;
      try {
        opts.onFile?.(files[i] as string, outcome, done);
      } catch (e) {
        finish(e);
        return;
      }
      if (done === files.length) finish();
    };

    const start = (): void => {
      const worker = new Worker(BOOT_URL, { workerData: { entry: ENTRY_URL } });
      live.add(worker);
      let ready = false;
      let current = -1;
      const feed = (): void => {
        if (settled) return;
        if (next >= files.length) {
          // Nothing left for this one: let it go now rather than idle until the last file is done.
          live.delete(worker);
          void worker.terminate();
          return;
        }
        current = next++;
        worker.postMessage({ id: current, path: files[current] as string, recipe } satisfies PoolRequest);
      };
      // A worker that dies before it is ready cannot run at all, and every other would fail the
      // same way: the run stops with that reason. One that dies later fails only the file it held.
      const lost = (why: string): void => {
        if (!live.delete(worker) || settled) return;
        if (!ready) {
          finish(new LabError('internal', `An extraction worker could not start (${why}). Run with --jobs 1 to extract in this process.`));
          return;
        }
        const held = current;
        current = -1;
        if (held >= 0) record(held, { failed: failedFile(files[held] as string, new LabError('internal', `The extraction worker stopped while reading this file (${why}).`)) });
        if (!settled && next < files.length) start();
      };
      worker.on('message', (m: PoolReply) => {
        if (settled) return;
        if (m.type === 'ready') {
          ready = true;
          feed();
          return;
        }
        if (m.id !== current) return;
        current = -1;
        record(m.id, m.type === 'done' ? { clip: m.clip } : { failed: m.failed });
        feed();
      });
      worker.on('error', (e) => lost(e.message));
      worker.on('exit', (code) => lost(`it exited with code ${code}`));
    };

    if (opts.signal?.aborted) {
      reject(new CancelledError());
      return;
    }
    opts.signal?.addEventListener('abort', onAbort);
    for (let k = 0; k < jobs; k++) start();
  });
}
