/**
 * A small pool of identical workers (one per core by default) with a task queue: each task has
 * its own promise and progress; `cancelAll` terminates every worker at once (a task cannot be
 * interrupted any other way mid-computation) and rejects what is pending with CancelledError.
 * A task that runs longer than its timeout fails with a typed error and its worker is replaced.
 */
import { CancelledError, fromErrorInfo, LabError, type ErrorInfo } from '../core/errors';

interface Task<Req, Res> {
  id: number;
  request: Req;
  transfer: Transferable[];
  resolve(r: Res): void;
  reject(e: unknown): void;
  onProgress?: (f: number) => void;
}

type Reply<Res> = { type: 'progress'; id: number; fraction: number } | ({ type: 'done'; id: number } & Res) | { type: 'error'; id: number; error: ErrorInfo };

export class WorkerPool<Req extends { id: number }, Res> {
  private idle: Worker[] = [];
  private busy = new Map<Worker, { task: Task<Req, Res>; timer: ReturnType<typeof setTimeout> }>();
  private queue: Task<Req, Res>[] = [];
  private nextId = 1;
  private all: Worker[] = [];

  constructor(
    private readonly create: () => Worker,
    readonly size = Math.max(1, Math.min(8, (globalThis.navigator?.hardwareConcurrency as number | undefined) ?? 2)),
    private readonly timeoutMs = 10 * 60_000,
  ) {}

  run(request: Omit<Req, 'id'>, transfer: Transferable[] = [], onProgress?: (f: number) => void): Promise<Res> {
    return new Promise<Res>((resolve, reject) => {
      const id = this.nextId++;
      this.queue.push({ id, request: { ...request, id } as Req, transfer, resolve, reject, onProgress });
      this.pump();
    });
  }

  private spawn(): Worker {
    const w = this.create();
    this.all.push(w);
    w.onmessage = (ev: MessageEvent<Reply<Res>>) => {
      const m = ev.data;
      const entry = this.busy.get(w);
      if (!entry || entry.task.id !== m.id) return;
      if (m.type === 'progress') return entry.task.onProgress?.(m.fraction);
      clearTimeout(entry.timer);
      this.busy.delete(w);
      this.idle.push(w);
      if (m.type === 'done') entry.task.resolve(m as unknown as Res);
      else entry.task.reject(fromErrorInfo(m.error));
      this.pump();
    };
    w.onerror = (ev) => {
      const entry = this.busy.get(w);
      this.retire(w);
      entry?.task.reject(new LabError('internal', `A worker crashed: ${ev.message || 'unknown error'}`));
      this.pump();
    };
    return w;
  }

  private retire(w: Worker): void {
    const entry = this.busy.get(w);
    if (entry) clearTimeout(entry.timer);
    this.busy.delete(w);
    this.idle = this.idle.filter((x) => x !== w);
    this.all = this.all.filter((x) => x !== w);
    w.terminate();
  }

  private pump(): void {
    while (this.queue.length) {
      let w = this.idle.pop();
      if (!w) {
        if (this.all.length >= this.size) return;
        w = this.spawn();
      }
      const task = this.queue.shift()!;
      const worker = w;
      const timer = setTimeout(() => {
        this.retire(worker);
        task.reject(new LabError('internal', `Timed out after ${Math.round(this.timeoutMs / 1000)} s`));
        this.pump();
      }, this.timeoutMs);
      this.busy.set(worker, { task, timer });
      worker.postMessage(task.request, task.transfer);
    }
  }

  cancelAll(): void {
    const pending = [...this.queue, ...[...this.busy.values()].map((b) => b.task)];
    this.queue = [];
    for (const w of [...this.all]) this.retire(w);
    for (const t of pending) t.reject(new CancelledError());
  }
}
