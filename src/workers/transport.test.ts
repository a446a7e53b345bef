/**
 * The transport end to end in Node: a fake worker is a MessageChannel whose far port runs
 * `serve()` with test handlers, so real structured cloning, ordering and transfer apply.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Dataset } from '../core/data/dataset';
import { CancelledError, isLabError, LabError, throwIfCancelled } from '../core/errors';
import type { Handlers, ServeOptions } from './serve';
import { channelWorker, type ChannelWorker } from './testChannel';
import { WorkerClient, type ClientOptions } from './transport';
import { withTransfer, type Endpoint, type ToWorker } from './wire';
import { WorkerPool } from './workerPool';

type Echo = Endpoint<{ value: number; gate?: number }, number, number>;
type TestApi = {
  echo: Echo;
  /** What a WorkerPool asks for. */
  task: Echo;
  count: Endpoint<{ n: number }, number, number>;
  rows: Endpoint<{ datasetId: string }, number>;
  hang: Endpoint<Record<string, never>, never>;
  loop: Endpoint<Record<string, never>, never>;
  double: Endpoint<{ x: Float32Array }, Float32Array>;
  events: Endpoint<{ n: number }, string, number, string>;
};

/** Gates the test opens to let an `echo` request finish, in any order it likes. */
const gates = new Map<number, () => void>();
const gateOpened = new Map<number, Promise<void>>();
function gate(n: number): Promise<void> {
  let p = gateOpened.get(n);
  if (!p) {
    p = new Promise<void>((resolve) => gates.set(n, resolve));
    gateOpened.set(n, p);
  }
  return p;
}
/** Buffers the worker side returned, to check they left by transfer. */
const returned: Float32Array[] = [];

const echo: Handlers<TestApi>['echo'] = async ({ value, gate: g }, ctx) => {
  ctx.progress(value / 10);
  if (g !== undefined) await gate(g);
  return value;
};

const handlers: Handlers<TestApi> = {
  echo,
  task: echo,
  count: ({ n }, ctx) => {
    for (let i = 1; i <= n; i++) ctx.progress(i);
    return n;
  },
  rows: ({ datasetId }, ctx) => ctx.dataset(datasetId).nRows,
  hang: () => new Promise<never>(() => {}),
  loop: async (_req, ctx) => {
    for (;;) {
      await new Promise((r) => setImmediate(r));
      throwIfCancelled(ctx.cancel);
    }
  },
  double: ({ x }) => {
    const out = x.map((v) => v * 2);
    returned.push(out);
    return withTransfer(out, [out.buffer]);
  },
  events: ({ n }, ctx) => {
    for (let i = 0; i < n; i++) {
      ctx.progress(i);
      ctx.event(`e${i}`);
    }
    return 'done';
  },
};

type FakeWorker = ChannelWorker;

const open: MessagePort[] = [];

function fakeWorkers(serveOptions: ServeOptions = {}) {
  const made: FakeWorker[] = [];
  const create = (): FakeWorker => {
    const w = channelWorker<TestApi>(handlers, serveOptions);
    open.push(...w.ports);
    made.push(w);
    return w;
  };
  return { made, create };
}

function client(opts: Partial<ClientOptions> = {}, serveOptions: ServeOptions = {}) {
  const f = fakeWorkers(serveOptions);
  return { ...f, client: new WorkerClient<TestApi>(f.create, { name: 'The test worker', cancel: 'message', ...opts }) };
}

function dataset(id: string, nRows: number): Dataset {
  return {
    id,
    name: id,
    format: 'generic',
    featureNames: ['f'],
    nRows,
    values: new Float64Array(nRows),
    labels: new Int32Array(nRows),
    genres: ['a'],
    trackIds: Array.from({ length: nRows }, (_, i) => `t${i}`),
    segmentIndex: new Int32Array(nRows),
    rowKeys: Array.from({ length: nRows }, (_, i) => `r${i}`),
    meta: {},
  };
}

const datasetMessages = (w: FakeWorker) => w.received.filter((m) => m.t === 'dataset').map((m) => (m as Extract<ToWorker, { t: 'dataset' }>).dataset.id);

afterEach(() => {
  vi.useRealTimers();
  for (const p of open.splice(0)) p.close();
  gates.clear();
  gateOpened.clear();
});

describe('WorkerClient over a MessageChannel', () => {
  it('routes each reply and its progress to the request that asked, with several in flight', async () => {
    const { client: c } = client();
    const seen = new Map<number, number[]>();
    const jobs = [1, 2, 3].map((v) => c.request('echo', { value: v, gate: v }, { onProgress: (p) => seen.set(v, [...(seen.get(v) ?? []), p]) }));
    const order: number[] = [];
    jobs.forEach((j) => void j.promise.then((r) => order.push(r)));
    // Finish them in reverse order of asking.
    for (const g of [3, 2, 1]) {
      await vi.waitFor(() => expect(gates.has(g)).toBe(true));
      gates.get(g)!();
      await jobs[g - 1]!.promise;
    }
    expect(await Promise.all(jobs.map((j) => j.promise))).toEqual([1, 2, 3]);
    expect(order).toEqual([3, 2, 1]);
    expect(Object.fromEntries(seen)).toEqual({ 1: [0.1], 2: [0.2], 3: [0.3] });
  });

  it('throttles progress: 1000 reports in a tight loop arrive as a handful, the last one included', async () => {
    const { client: c } = client();
    const got: number[] = [];
    expect(await c.request('count', { n: 1000 }, { onProgress: (p) => got.push(p) }).promise).toBe(1000);
    expect(got.length).toBeGreaterThanOrEqual(2);
    expect(got.length).toBeLessThanOrEqual(6);
    expect(got[0]).toBe(1); // the leading edge
    expect(got.at(-1)).toBe(1000); // the final report is never dropped
  });

  it('sends at most one progress message per 100 ms of the worker clock', async () => {
    // Reports every 10 ms for 10 s: sent at t = 0, 100, …, 9900 (100 messages), then the held
    // last report (t = 9990) on completion: 101.
    let t = 0;
    const { client: c } = client({}, { now: () => (t += 10) - 10 });
    const got: number[] = [];
    await c.request('count', { n: 1000 }, { onProgress: (p) => got.push(p) }).promise;
    expect(got.length).toBe(101);
    expect(got.slice(0, 3)).toEqual([1, 11, 21]);
    expect(got.at(-1)).toBe(1000);
  });

  it('delivers every event, in order, after the progress reported before it', async () => {
    const { client: c } = client();
    const log: string[] = [];
    await c.request('events', { n: 3 }, { onProgress: (p) => log.push(`p${p}`), onEvent: (e) => log.push(e) }).promise;
    expect(log).toEqual(['p0', 'e0', 'p1', 'e1', 'p2', 'e2']);
  });

  it('cancel by message stops a cooperative handler and rejects with CancelledError', async () => {
    const { client: c, made } = client({ cancel: 'message' });
    const job = c.request('loop', {});
    await vi.waitFor(() => expect(made[0]?.received.length).toBe(1));
    job.cancel();
    await expect(job.promise).rejects.toBeInstanceOf(CancelledError);
    expect(made[0]!.terminated).toBe(false); // the worker (and what it holds) lives on
    expect(await c.request('echo', { value: 7 }).promise).toBe(7);
    expect(c.spawned).toBe(1);
  });

  it('cancel by terminate rejects every pending request and the next request respawns', async () => {
    const { client: c, made } = client({ cancel: 'terminate' });
    const a = c.request('hang', {});
    const b = c.request('hang', {});
    a.cancel();
    await expect(a.promise).rejects.toBeInstanceOf(CancelledError);
    await expect(b.promise).rejects.toMatchObject({ code: 'cancelled' });
    expect(made[0]!.terminated).toBe(true);
    expect(c.busy).toBe(false);
    expect(await c.request('echo', { value: 5 }).promise).toBe(5);
    expect(made.length).toBe(2);
  });

  it('a worker that crashes rejects what is pending with a typed error and is replaced', async () => {
    const { client: c, made } = client();
    const job = c.request('hang', {});
    // What a Worker fires on an uncaught exception in its script.
    const crash = Object.assign(new Event('error'), { message: 'Uncaught TypeError: boom' });
    made[0]!.ports[0]!.dispatchEvent(crash);
    await expect(job.promise).rejects.toMatchObject({ code: 'internal', message: expect.stringContaining('boom') });
    expect(made[0]!.terminated).toBe(true);
    expect(await c.request('echo', { value: 8 }).promise).toBe(8);
    expect(made.length).toBe(2);
  });

  it('a request past its timeout rejects with the typed timeout error and the worker is replaced', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const { client: c, made } = client({ timeoutMs: 5000 });
    const job = c.request('hang', {});
    const failed = job.promise.catch((e: unknown) => e);
    vi.advanceTimersByTime(4999);
    expect(made[0]!.terminated).toBe(false);
    vi.advanceTimersByTime(1);
    const e = await failed;
    expect(isLabError(e) && e.code).toBe('timeout');
    expect((e as LabError).detail).toEqual({ timeoutMs: 5000 });
    expect(made[0]!.terminated).toBe(true);
    expect(await c.request('echo', { value: 3 }).promise).toBe(3);
    expect(made.length).toBe(2);
  });

  it('shuts an idle worker down after idleMs and respawns it on the next request', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const { client: c, made } = client({ idleMs: 60_000 });
    expect(await c.request('echo', { value: 1 }).promise).toBe(1);
    vi.advanceTimersByTime(59_999);
    expect(made[0]!.terminated).toBe(false);
    // A request in the meantime restarts the idle clock.
    expect(await c.request('echo', { value: 2 }).promise).toBe(2);
    vi.advanceTimersByTime(59_999);
    expect(made[0]!.terminated).toBe(false);
    vi.advanceTimersByTime(1);
    expect(made[0]!.terminated).toBe(true);
    expect(await c.request('echo', { value: 4 }).promise).toBe(4);
    expect(made.length).toBe(2);
    expect(made[1]!.terminated).toBe(false);
  });

  it('does not shut a worker down while a request is pending', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const { client: c, made } = client({ idleMs: 1000 });
    await c.request('echo', { value: 1 }).promise;
    const slow = c.request('echo', { value: 2, gate: 9 });
    vi.advanceTimersByTime(10_000);
    expect(made[0]!.terminated).toBe(false);
    await vi.waitFor(() => expect(gates.has(9)).toBe(true));
    gates.get(9)!();
    expect(await slow.promise).toBe(2);
  });

  it('posts a dataset once for two requests, and again to a respawned worker', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const { client: c, made } = client({ idleMs: 1000 });
    const ds = dataset('ds-a', 7);
    expect(await c.request('rows', { datasetId: ds.id }, { datasets: [ds] }).promise).toBe(7);
    expect(await c.request('rows', { datasetId: ds.id }, { datasets: [ds] }).promise).toBe(7);
    expect(datasetMessages(made[0]!)).toEqual(['ds-a']);
    expect(made[0]!.received.filter((m) => m.t === 'request').length).toBe(2);
    vi.advanceTimersByTime(1000); // idle shutdown
    expect(await c.request('rows', { datasetId: ds.id }, { datasets: [ds] }).promise).toBe(7);
    expect(made.length).toBe(2);
    expect(datasetMessages(made[1]!)).toEqual(['ds-a']);
  });

  it('keeps datasetSlots datasets in the worker and sends an evicted one again', async () => {
    const { client: c, made } = client({ datasetSlots: 2 });
    const [a, b, d] = [dataset('a', 1), dataset('b', 2), dataset('d', 3)];
    for (const ds of [a, b, a, d, a, b]) expect(await c.request('rows', { datasetId: ds.id }, { datasets: [ds] }).promise).toBe(ds.nRows);
    // a, b sent; a reused (b is now the oldest); d evicts b; a reused; b sent again evicting d.
    expect(datasetMessages(made[0]!)).toEqual(['a', 'b', 'd', 'b']);
    const evicts = made[0]!.received.filter((m) => m.t === 'dataset').map((m) => (m as Extract<ToWorker, { t: 'dataset' }>).evict);
    expect(evicts).toEqual([[], [], ['b'], ['d']]);
  });

  it('a request naming a dataset it did not send fails with a typed error', async () => {
    const { client: c } = client();
    await expect(c.request('rows', { datasetId: 'nowhere' }).promise).rejects.toMatchObject({ code: 'internal', message: expect.stringContaining('nowhere') });
  });

  it('transfers buffers both ways', async () => {
    const { client: c } = client();
    const x = new Float32Array([1, 2, 3]);
    const job = c.request('double', { x }, { transfer: [x.buffer] });
    expect(x.byteLength).toBe(0); // moved to the worker, not copied
    const y = await job.promise;
    expect(Array.from(y)).toEqual([2, 4, 6]);
    expect(returned.at(-1)!.byteLength).toBe(0); // moved back, not copied
  });
});

describe('WorkerPool on the transport', () => {
  function pool(size: number) {
    const made: FakeWorker[] = [];
    const create = () => {
      const w = fakeWorkers().create();
      made.push(w);
      return w;
    };
    return { made, pool: new WorkerPool<{ value: number; gate?: number }, number>(create, size) };
  }

  it('runs at most `size` tasks at once and the rest in turn', async () => {
    const { pool: p, made } = pool(2);
    const runs = [1, 2, 3].map((v) => p.run({ value: v, gate: 10 + v }));
    await vi.waitFor(() => expect(gates.has(11) && gates.has(12)).toBe(true));
    expect(made.length).toBe(2);
    expect(gates.has(13)).toBe(false);
    gates.get(11)!();
    await vi.waitFor(() => expect(gates.has(13)).toBe(true));
    gates.get(12)!();
    gates.get(13)!();
    expect(await Promise.all(runs)).toEqual([1, 2, 3]);
    expect(made.length).toBe(2);
  });

  it('aborting one job cancels only its tasks: the other job’s running and queued tasks finish', async () => {
    const { pool: p, made } = pool(2);
    const training = new AbortController();
    const evaluation = new AbortController();
    const trainRunning = p.run({ value: 1, gate: 31 }, [], undefined, training.signal);
    const evalRunning = p.run({ value: 2, gate: 32 }, [], undefined, evaluation.signal);
    const trainQueued = p.run({ value: 3 }, [], undefined, training.signal);
    const evalQueued = p.run({ value: 4, gate: 34 }, [], undefined, evaluation.signal);
    await vi.waitFor(() => expect(gates.has(31) && gates.has(32)).toBe(true));
    evaluation.abort();
    await expect(evalRunning).rejects.toBeInstanceOf(CancelledError);
    await expect(evalQueued).rejects.toBeInstanceOf(CancelledError);
    // Only the evaluation task's worker was terminated; the training worker still runs its task.
    expect(made.filter((w) => w.terminated)).toHaveLength(1);
    expect(made[0]!.terminated).toBe(false);
    gates.get(31)!();
    expect(await trainRunning).toBe(1);
    // The queued training task runs (on a worker started in place of the terminated one or the free one).
    expect(await trainQueued).toBe(3);
    expect(gates.has(34)).toBe(false); // the cancelled queued task never reached a worker
    // A task given an already aborted signal is refused at once.
    await expect(p.run({ value: 5 }, [], undefined, evaluation.signal)).rejects.toBeInstanceOf(CancelledError);
  });

  it('a task run `first` goes ahead of the queued ones', async () => {
    const { pool: p } = pool(1);
    const order: number[] = [];
    const run = (v: number, first = false) => p.run({ value: v, gate: v === 41 ? 41 : undefined }, [], undefined, undefined, first).then((x) => (order.push(x), x));
    const runs = [run(41), run(42), run(43), run(44, true)];
    await vi.waitFor(() => expect(gates.has(41)).toBe(true));
    gates.get(41)!();
    await Promise.all(runs);
    expect(order).toEqual([41, 44, 42, 43]);
  });

  it('cancelAll rejects running and queued tasks with CancelledError and terminates the workers', async () => {
    const { pool: p, made } = pool(1);
    const running = p.run({ value: 1, gate: 21 });
    const queued = p.run({ value: 2 });
    await vi.waitFor(() => expect(gates.has(21)).toBe(true));
    p.cancelAll();
    await expect(running).rejects.toBeInstanceOf(CancelledError);
    await expect(queued).rejects.toBeInstanceOf(CancelledError);
    expect(made[0]!.terminated).toBe(true);
  });
});
