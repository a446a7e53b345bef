/**
 * The page's side of the transport: one `WorkerClient` per worker, typed by that worker's API.
 * It gives every request an id and a promise, routes progress and events to the request's own
 * callbacks, sends each dataset to the worker once (requests then name it by id), cancels by
 * message or by terminating the worker, times requests out with a typed error, and shuts the
 * worker down when it has been idle for a while. A terminated worker is started again on the next
 * request, and the datasets that request needs are sent again, so callers never see the restart.
 */
import { CancelledError, fromErrorInfo, LabError } from '../core/errors';
import type { FromWorker, HeldData, ToWorker, WorkerApi } from './wire';

/** What the transport needs of a Worker (a MessagePort-based fake in unit tests). */
export interface WorkerLike {
  postMessage(message: unknown, transfer: Transferable[]): void;
  addEventListener(type: 'message', listener: (ev: MessageEvent) => void): void;
  addEventListener(type: 'error', listener: (ev: ErrorEvent) => void): void;
  terminate(): void;
}

/** A request in flight. */
export interface RunningJob<T> {
  promise: Promise<T>;
  cancel(): void;
}

export interface ClientOptions {
  /** Named in error messages ("The training worker did not answer …"). */
  name: string;
  /**
   * 'message': the handler checks its CancelToken and settles itself (training keeps its best
   * weights so far). 'terminate': the job cannot be interrupted (a synchronous loop), so the worker
   * is terminated — every request on it is rejected — and respawned on the next request.
   */
  cancel: 'message' | 'terminate';
  /** Terminate the worker after this long with nothing pending (default: never). */
  idleMs?: number;
  /** Default time limit of a request (default: none). */
  timeoutMs?: number;
  /** How many datasets the worker keeps for later requests (default 1); the oldest is evicted. */
  datasetSlots?: number;
}

export interface RequestOptions<Progress, Event> {
  /** Buffers to move to the worker instead of copying; they are detached here afterwards. */
  transfer?: Transferable[];
  onProgress?: (value: Progress) => void;
  onEvent?: (value: Event) => void;
  /** Datasets (or spectrogram sets) the request refers to by id; each is posted only if the worker does not hold it yet. */
  datasets?: HeldData[];
  /** Overrides the client's default time limit. */
  timeoutMs?: number;
}

interface Pending {
  resolve(value: unknown): void;
  reject(e: unknown): void;
  onProgress?: (value: unknown) => void;
  onEvent?: (value: unknown) => void;
  timer?: ReturnType<typeof setTimeout>;
}

export class WorkerClient<A extends WorkerApi, Notice = never> {
  private worker: WorkerLike | undefined;
  /** Dataset ids the current worker holds, least recently used first. */
  private held: string[] = [];
  private readonly pending = new Map<number, Pending>();
  private readonly noticeListeners = new Set<(n: Notice) => void>();
  private idleTimer: ReturnType<typeof setTimeout> | undefined;
  private nextId = 1;
  /** Workers started so far (a restart after cancel, timeout or idle shutdown counts). */
  spawned = 0;

  constructor(
    private readonly create: () => WorkerLike,
    private readonly options: ClientOptions,
  ) {}

  /** True while any request is in flight. */
  get busy(): boolean {
    return this.pending.size > 0;
  }

  /** Messages of the worker that belong to no request. Returns an unsubscribe function. */
  onNotice(fn: (n: Notice) => void): () => void {
    this.noticeListeners.add(fn);
    return () => this.noticeListeners.delete(fn);
  }

  request<K extends keyof A & string>(kind: K, request: A[K]['request'], opts: RequestOptions<A[K]['progress'], A[K]['event']> = {}): RunningJob<A[K]['result']> {
    const id = this.nextId++;
    const promise = new Promise<A[K]['result']>((resolve, reject) => {
      const p: Pending = { resolve, reject, onProgress: opts.onProgress, onEvent: opts.onEvent };
      this.pending.set(id, p);
      this.clearIdle();
      try {
        const w = this.ensureWorker();
        for (const ds of opts.datasets ?? []) this.sendDataset(w, ds);
        const timeoutMs = opts.timeoutMs ?? this.options.timeoutMs;
        if (timeoutMs !== undefined && Number.isFinite(timeoutMs)) p.timer = setTimeout(() => this.timeOut(id, timeoutMs), timeoutMs);
        const msg: ToWorker = { t: 'request', id, kind, request, datasetIds: (opts.datasets ?? []).map((d) => d.id) };
        w.postMessage(msg, opts.transfer ?? []);
      } catch (e) {
        // postMessage throws at once for what cannot be cloned (a function, a detached buffer).
        this.settle(id)?.reject(new LabError('internal', `${this.options.name} could not be sent the request: ${e instanceof Error ? e.message : String(e)}`));
      }
    });
    return { promise, cancel: () => this.cancel(id) };
  }

  /** Stop everything: terminate the worker and reject what is pending (with CancelledError by default). */
  terminate(reason: () => LabError = () => new CancelledError()): void {
    this.retire(reason);
  }

  private cancel(id: number): void {
    if (!this.pending.has(id)) return;
    if (this.options.cancel === 'message') {
      this.worker?.postMessage({ t: 'cancel', id } satisfies ToWorker, []);
      return;
    }
    // The other requests on this worker die with it; they are told why.
    const cancelled = this.settle(id);
    this.retire(() => new CancelledError(`Stopped: another job on ${this.options.name.toLowerCase()} was cancelled. Run it again.`));
    cancelled?.reject(new CancelledError());
  }

  private timeOut(id: number, timeoutMs: number): void {
    const p = this.settle(id);
    if (!p) return;
    // A job past its limit may be stuck in a loop that never reads messages: replace the worker.
    this.retire(() => new LabError('internal', `${this.options.name} was restarted because another job timed out. Run this one again.`));
    p.reject(new LabError('timeout', `${this.options.name} did not finish within ${Math.round(timeoutMs / 1000)} s, so it was stopped. Try a smaller input, or run it again.`, { timeoutMs }));
  }

  private ensureWorker(): WorkerLike {
    if (this.worker) return this.worker;
    const w = this.create();
    this.spawned++;
    this.held = [];
    w.addEventListener('message', (ev) => this.onMessage(w, ev.data as FromWorker));
    w.addEventListener('error', (ev) => {
      if (w !== this.worker) return;
      this.retire(() => new LabError('internal', `${this.options.name} crashed (${ev.message || 'unknown error'}). Run the job again; if it keeps failing, reload the page.`));
    });
    this.worker = w;
    return w;
  }

  private sendDataset(w: WorkerLike, ds: HeldData): void {
    const at = this.held.indexOf(ds.id);
    if (at >= 0) {
      this.held.splice(at, 1);
      this.held.push(ds.id);
      return;
    }
    const slots = Math.max(1, this.options.datasetSlots ?? 1);
    const evict = this.held.splice(0, Math.max(0, this.held.length - slots + 1));
    // Copied, not transferred: the page keeps using its dataset.
    w.postMessage({ t: 'dataset', dataset: ds, evict } satisfies ToWorker, []);
    this.held.push(ds.id);
  }

  private onMessage(w: WorkerLike, m: FromWorker): void {
    if (w !== this.worker) return; // a retired worker's last words
    if (m.t === 'notice') {
      for (const fn of this.noticeListeners) fn(m.value as Notice);
      return;
    }
    const p = this.pending.get(m.id);
    if (!p) return;
    if (m.t === 'progress') p.onProgress?.(m.value);
    else if (m.t === 'event') p.onEvent?.(m.value);
    else if (m.t === 'result') this.settle(m.id)?.resolve(m.value);
    else this.settle(m.id)?.reject(fromErrorInfo(m.error));
  }

  /** Forget a pending request (returning it to be resolved or rejected) and start the idle clock if it was the last. */
  private settle(id: number): Pending | undefined {
    const p = this.pending.get(id);
    if (!p) return undefined;
    clearTimeout(p.timer);
    this.pending.delete(id);
    if (this.pending.size === 0) this.startIdle();
    return p;
  }

  private startIdle(): void {
    const idleMs = this.options.idleMs;
    this.clearIdle();
    if (!this.worker || idleMs === undefined || !Number.isFinite(idleMs)) return;
    this.idleTimer = setTimeout(() => {
      this.idleTimer = undefined;
      if (this.pending.size === 0) this.retire(() => new CancelledError());
    }, idleMs);
  }

  private clearIdle(): void {
    if (this.idleTimer !== undefined) clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
  }

  /** Terminate the worker and reject every pending request; the next request starts a new one. */
  private retire(reason: () => LabError): void {
    const w = this.worker;
    this.worker = undefined;
    this.held = [];
    this.clearIdle();
    w?.terminate();
    const pending = [...this.pending.values()];
    this.pending.clear();
    for (const p of pending) {
      clearTimeout(p.timer);
      p.reject(reason());
    }
  }
}
