import { describe, expect, it, vi } from 'vitest';
import { CancelledError } from '../core/errors';
import { runPoolBatch } from './audioImportActions';

/** A task the test finishes by hand, to hold several in flight at once. */
function held() {
  const open: (() => void)[] = [];
  let inFlight = 0;
  let most = 0;
  const started: number[] = [];
  const work = (t: number, _p: (f: number) => void, signal: AbortSignal) =>
    new Promise<{ value: number; cached: boolean }>((resolve, reject) => {
      started.push(t);
      most = Math.max(most, ++inFlight);
      signal.addEventListener('abort', () => {
        inFlight--;
        reject(new CancelledError());
      });
      open.push(() => {
        inFlight--;
        resolve({ value: t * 10, cached: false });
      });
    });
  return { work, open, started, most: () => most };
}

describe('runPoolBatch', () => {
  it('keeps at most `concurrency` tasks in flight, starts them in order and returns every value in task order', async () => {
    const h = held();
    const tasks = Array.from({ length: 10 }, (_, i) => i);
    const run = runPoolBatch(tasks, String, h.work, () => {}, () => true, new AbortController().signal, 3);
    // Each finished task lets exactly one more start.
    for (let finished = 0; finished < tasks.length; finished++) {
      await vi.waitFor(() => expect(h.started.length).toBe(Math.min(tasks.length, finished + 3)));
      h.open.shift()!();
    }
    const out = await run;
    expect(h.most()).toBe(3);
    expect(h.started).toEqual(tasks);
    expect(out?.values).toEqual(tasks.map((t) => t * 10));
    expect(out?.failed).toEqual([]);
  });

  it('after its signal is aborted, starts none of the remaining tasks', async () => {
    const h = held();
    const abort = new AbortController();
    const tasks = Array.from({ length: 8 }, (_, i) => i);
    const run = runPoolBatch(tasks, String, h.work, () => {}, () => true, abort.signal, 2);
    await vi.waitFor(() => expect(h.started).toEqual([0, 1]));
    abort.abort();
    const out = await run;
    expect(h.started).toEqual([0, 1]);
    // Cancelled tasks are neither values nor failures.
    expect(out).toEqual({ values: [], failed: [] });
  });
});
