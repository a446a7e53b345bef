/**
 * The one message format between the page and every worker (parse, compute, extract, train).
 * `transport.ts` is the page's side, `serve.ts` the worker's; each worker's requests are described
 * once as an API type (protocol.ts), so both sides are checked by the compiler against it.
 * Everything here is structured-clone safe.
 */
import type { Dataset } from '../core/data/dataset';
import type { SpectrogramSet } from '../core/data/spectrogramSet';
import type { ErrorInfo } from '../core/errors';

/**
 * What the page sends a worker once and later names by id: a feature table, or a spectrogram set
 * (the CNN's data) with an id the page gave it.
 */
export type HeldData = Dataset | (SpectrogramSet & { id: string });

/**
 * One kind of request: what goes in, what comes back, what it reports while it runs. `progress`
 * is throttled (only the latest matters); `event` messages are delivered one by one, in order
 * (an epoch's metrics, a finished ensemble member).
 */
export interface Endpoint<Req = unknown, Res = unknown, Progress = never, Event = never> {
  request: Req;
  result: Res;
  progress: Progress;
  event: Event;
}

/** A worker's requests by name. (A type alias, not an interface, so it fits the index signature.) */
export type WorkerApi = Record<string, Endpoint<any, any, any, any>>;

/** Page → worker. */
export type ToWorker =
  | {
      t: 'request';
      id: number;
      kind: string;
      request: unknown;
      /** Datasets the request uses, already sent in a `dataset` message; pinned for its whole run. */
      datasetIds: string[];
    }
  /** Cooperative cancel: flips the request's CancelToken. */
  | { t: 'cancel'; id: number }
  /** Keep this dataset (or spectrogram set) for later requests (by id) and forget the `evict` ones: the page decides, so it always knows what the worker holds. */
  | { t: 'dataset'; dataset: HeldData; evict: string[] };

/** Worker → page. */
export type FromWorker =
  | { t: 'progress'; id: number; value: unknown }
  | { t: 'event'; id: number; value: unknown }
  | { t: 'result'; id: number; value: unknown }
  | { t: 'error'; id: number; error: ErrorInfo }
  /** Not tied to a request (the training worker's chosen tfjs backend). */
  | { t: 'notice'; value: unknown };

/** A value with the buffers to transfer (not copy) along with it. */
export class Transfer<T> {
  constructor(
    readonly value: T,
    readonly transfer: Transferable[],
  ) {}
}

/** Return this from a handler (or pass it to `ctx.event`) to move big arrays instead of copying them. */
export function withTransfer<T>(value: T, transfer: Transferable[]): Transfer<T> {
  return new Transfer(value, transfer);
}

/** At most this often a request's progress is posted (≤ 10 a second), plus its last report. */
export const PROGRESS_INTERVAL_MS = 100;
