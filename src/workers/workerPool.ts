/**
 * A small pool of identical workers (one per core by default) with a task queue, built from the
 * same `WorkerClient`s as every other worker: each client runs one task at a time, so a task's
 * timeout or cancel replaces only its own worker. A task is cancelled through the AbortSignal it
 * was given: queued, it leaves the queue; running, its worker (and only its) is terminated — a
 * task cannot be interrupted any other way mid-computation. So one batch's Cancel (an evaluation
 * set's build) leaves another's tasks (the training set's) running. `cancelAll` stops everything.
 * Idle workers are shut down after a while and started again on demand.
 */
import { CancelledError } from '../core/errors';
import { WorkerClient, type RunningJob, type WorkerLike } from './transport';
import type { Endpoint } from './wire';

/** The API of a pool's workers: one kind of task, with a progress fraction 0…1. */
export type TaskApi<Req, Res> = { task: Endpoint<Req, Res, number> };

interface Queued<Req, Res> {
  request: Req;
  transfer: Transferable[];
  onProgress?: (f: number) => void;
  signal?: AbortSignal;
  resolve(r: Res): void;
  reject(e: unknown): void;
  /** Set once a worker has the task. */
  running?: RunningJob<Res>;
}

export class WorkerPool<Req, Res> {
  private readonly clients: WorkerClient<TaskApi<Req, Res>>[] = [];
  private queue: Queued<Req, Res>[] = [];

  constructor(
    create: () => WorkerLike,
    readonly size = Math.max(1, Math.min(8, (globalThis.navigator?.hardwareConcurrency as number | undefined) ?? 2)),
    timeoutMs = 10 * 60_000,
    /** Extraction comes in batches; a minute between them keeps the workers (and Meyda's filterbanks) warm. */
    idleMs = 60_000,
    /** Named in timeout and crash messages; the app's one pool extracts features. */
    name = 'An extraction worker',
  ) {
    for (let i = 0; i < size; i++) this.clients.push(new WorkerClient(create, { name, cancel: 'terminate', timeoutMs, idleMs }));
  }

  /**
   * Run one task. Aborting `signal` cancels this task alone (CancelledError); give every task of a
   * batch the same signal to cancel the batch. A `first` task goes ahead of the queued ones: for
   * short tasks (a file's hash) that a batch waits on before it can queue the long one.
   */
  run(request: Req, transfer: Transferable[] = [], onProgress?: (f: number) => void, signal?: AbortSignal, first = false): Promise<Res> {
    return new Promise<Res>((resolve, reject) => {
      if (signal?.aborted) return reject(new CancelledError());
      const onAbort = () => this.cancelTask(task);
      // A batch's signal outlives its tasks: a settled task stops listening.
      const settled = <T>(f: (x: T) => void) => (x: T) => {
        signal?.removeEventListener('abort', onAbort);
        f(x);
      };
      const task: Queued<Req, Res> = { request, transfer, onProgress, signal, resolve: settled(resolve), reject: settled(reject) };
      signal?.addEventListener('abort', onAbort, { once: true });
      if (first) this.queue.unshift(task);
      else this.queue.push(task);
      this.pump();
    });
  }

  private cancelTask(task: Queued<Req, Res>): void {
    if (task.running) {
      // Terminates this task's worker only (the client rejects it with CancelledError); pump()
      // then gives the next queued task a fresh worker.
      task.running.cancel();
      return;
    }
    const at = this.queue.indexOf(task);
    if (at < 0) return; // already settled
    this.queue.splice(at, 1);
    task.reject(new CancelledError());
  }

  private pump(): void {
    for (const client of this.clients) {
      if (client.busy) continue;
      const task = this.queue.shift();
      if (!task) return;
      task.running = client.request('task', task.request, { transfer: task.transfer, onProgress: task.onProgress });
      task.running.promise.then(task.resolve, task.reject).finally(() => this.pump());
    }
  }

  cancelAll(): void {
    const queued = this.queue;
    this.queue = [];
    for (const c of this.clients) c.terminate();
    for (const t of queued) t.reject(new CancelledError());
  }
}
