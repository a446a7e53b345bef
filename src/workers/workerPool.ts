/**
 * A small pool of identical workers (one per core by default) with a task queue, built from the
 * same `WorkerClient`s as every other worker: each client runs one task at a time, so a task's
 * timeout or cancel replaces only its own worker. `cancelAll` terminates every worker at once (a
 * task cannot be interrupted any other way mid-computation) and rejects what is pending with
 * CancelledError. Idle workers are shut down after a while and started again on demand.
 */
import { CancelledError } from '../core/errors';
import { WorkerClient, type WorkerLike } from './transport';
import type { Endpoint } from './wire';

/** The API of a pool's workers: one kind of task, with a progress fraction 0…1. */
export type TaskApi<Req, Res> = { task: Endpoint<Req, Res, number> };

interface Queued<Req, Res> {
  request: Req;
  transfer: Transferable[];
  onProgress?: (f: number) => void;
  resolve(r: Res): void;
  reject(e: unknown): void;
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

  run(request: Req, transfer: Transferable[] = [], onProgress?: (f: number) => void): Promise<Res> {
    return new Promise<Res>((resolve, reject) => {
      this.queue.push({ request, transfer, onProgress, resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    for (const client of this.clients) {
      if (client.busy) continue;
      const task = this.queue.shift();
      if (!task) return;
      client
        .request('task', task.request, { transfer: task.transfer, onProgress: task.onProgress })
        .promise.then(task.resolve, task.reject)
        .finally(() => this.pump());
    }
  }

  cancelAll(): void {
    const queued = this.queue;
    this.queue = [];
    for (const c of this.clients) c.terminate();
    for (const t of queued) t.reject(new CancelledError());
  }
}
