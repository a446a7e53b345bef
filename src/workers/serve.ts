/**
 * The worker's side of the transport: routes requests by id to typed handlers, throttles their
 * progress (the only place that does), turns thrown errors into `ErrorInfo`, flips a request's
 * CancelToken on a cancel message, and keeps the datasets and spectrogram sets the page sent (by id).
 */
import type { Dataset } from '../core/data/dataset';
import { isSpectrogramSet } from '../core/data/spectrogramSet';
import { LabError, toErrorInfo, type CancelToken } from '../core/errors';
import { PROGRESS_INTERVAL_MS, Transfer, type Endpoint, type FromWorker, type HeldData, type ToWorker, type WorkerApi } from './wire';

/** Any endpoint (wire.ts's defaults say "no progress, no events", which would exclude them). */
type AnyEndpoint = Endpoint<unknown, unknown, unknown, unknown>;

/** What a handler can do besides returning its result. */
export interface HandlerContext<E extends AnyEndpoint> {
  /** Set when the page cancels this request by message; long loops check it. */
  readonly cancel: CancelToken;
  /** Report progress as often as convenient: at most one message per 100 ms leaves, plus the last. */
  progress(value: E['progress']): void;
  /** An event the page must see (every one, in order), optionally transferring buffers. */
  event(value: E['event'], transfer?: Transferable[]): void;
  /** A feature dataset the page sent with this request. */
  dataset(id: string): Dataset;
  /** A dataset or spectrogram set the page sent with this request (training takes either). */
  held(id: string): HeldData;
}

type Out<E extends AnyEndpoint> = E['result'] | Transfer<E['result']>;
export type Handlers<A extends WorkerApi> = {
  [K in keyof A]: (request: A[K]['request'], ctx: HandlerContext<A[K]>) => Out<A[K]> | Promise<Out<A[K]>>;
};

/** The part of a worker's global scope the transport uses (a MessagePort in tests). */
export interface WorkerScopeLike {
  postMessage(message: unknown, transfer: Transferable[]): void;
  addEventListener(type: 'message', listener: (ev: MessageEvent) => void): void;
}

export interface ServeOptions {
  scope?: WorkerScopeLike;
  /** Milliseconds between progress messages of one request. */
  progressIntervalMs?: number;
  /** Clock in ms (tests pass their own). */
  now?: () => number;
}

/**
 * Start answering requests. Returns `notify`, for messages that belong to no request (the
 * training worker announces the tfjs backend it chose this way).
 */
export function serve<A extends WorkerApi, Notice = never>(handlers: Handlers<A>, options: ServeOptions = {}): { notify(value: Notice): void } {
  const scope = options.scope ?? (globalThis as unknown as WorkerScopeLike);
  const intervalMs = options.progressIntervalMs ?? PROGRESS_INTERVAL_MS;
  const now = options.now ?? (() => performance.now());
  const post = (m: FromWorker, transfer: Transferable[] = []) => scope.postMessage(m, transfer);
  /** Held for later requests; the page evicts by message, so this stays as small as it wants. */
  const datasets = new Map<string, HeldData>();
  const tokens = new Map<number, { cancelled: boolean }>();

  async function run(m: Extract<ToWorker, { t: 'request' }>): Promise<void> {
    const token = { cancelled: false };
    tokens.set(m.id, token);
    // Pinned now, so a dataset evicted while this request awaits something is still its own.
    const pinned = new Map<string, HeldData | undefined>(m.datasetIds.map((id) => [id, datasets.get(id)]));
    const held = (id: string): HeldData => {
      const ds = pinned.get(id) ?? datasets.get(id);
      if (!ds) throw new LabError('internal', `The worker does not hold dataset ${id} (it was not sent with this request). This is a bug in the lab; reload the page.`);
      return ds;
    };
    const progress = throttle((value) => post({ t: 'progress', id: m.id, value }), intervalMs, now);
    const ctx: HandlerContext<AnyEndpoint> = {
      cancel: token,
      progress: progress.report,
      event(value, transfer = []) {
        progress.flush(); // progress reported before the event arrives before it
        post({ t: 'event', id: m.id, value }, transfer);
      },
      dataset(id) {
        const ds = held(id);
        if (isSpectrogramSet(ds)) throw new LabError('internal', `${id} is a spectrogram set; this request needs a feature table. This is a bug in the lab; reload the page.`);
        return ds;
      },
      held,
    };
    try {
      const handler = handlers[m.kind];
      if (!handler) throw new LabError('internal', `This worker has no "${m.kind}" request. This is a bug in the lab; reload the page.`);
      const out: unknown = await handler(m.request, ctx);
      progress.flush();
      if (out instanceof Transfer) post({ t: 'result', id: m.id, value: out.value }, out.transfer);
      else post({ t: 'result', id: m.id, value: out });
    } catch (e) {
      progress.flush();
      post({ t: 'error', id: m.id, error: toErrorInfo(e) });
    } finally {
      tokens.delete(m.id);
    }
  }

  scope.addEventListener('message', (ev: MessageEvent<ToWorker>) => {
    const m = ev.data;
    if (m.t === 'dataset') {
      for (const id of m.evict) datasets.delete(id);
      datasets.set(m.dataset.id, m.dataset);
    } else if (m.t === 'cancel') {
      const token = tokens.get(m.id);
      if (token) token.cancelled = true;
    } else void run(m);
  });
  return { notify: (value) => post({ t: 'notice', value }) };
}

/**
 * Leading-edge throttle that never loses the last value: a report within `intervalMs` of the last
 * message is held and sent when the interval ends, or at once by `flush` (before an event or the
 * result). A handler that reports once per batch of a fast loop thus sends ≤ 10 messages a second.
 */
function throttle(send: (value: unknown) => void, intervalMs: number, now: () => number): { report(value: unknown): void; flush(): void } {
  let last = -Infinity;
  let held: { value: unknown } | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const flush = () => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    if (!held) return;
    const { value } = held;
    held = undefined;
    last = now();
    send(value);
  };
  return {
    report(value) {
      const t = now();
      if (t - last >= intervalMs) {
        held = { value };
        flush();
        return;
      }
      held = { value };
      // Sync loops block this timer; they are covered by the leading edge and the final flush.
      timer ??= setTimeout(flush, intervalMs - (t - last));
    },
    flush,
  };
}
