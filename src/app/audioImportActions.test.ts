import 'fake-indexeddb/auto';
import { createHash } from 'node:crypto';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { decodeWavToMono } from '../core/audio/prepare';
import { synthesizeClip } from '../core/audio/synth';
import { encodeWav16 } from '../core/audio/wav';
import { CancelledError } from '../core/errors';
import { extractRecipe } from '../core/features/recipes';
import { extractTask } from '../workers/extractTask';
import type { ExtractApi } from '../workers/protocol';
import { channelWorker, type ChannelWorker } from '../workers/testChannel';
import { contentHash, extractFileFeatures, extractionPool, runPoolBatch } from './audioImportActions';

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

  it('lists failed files in task order, whichever fails first', async () => {
    const gates: Record<number, () => void> = {};
    const work = (t: number) =>
      new Promise<{ value: number; cached: boolean }>((resolve, reject) => {
        gates[t] = () => (t === 1 ? resolve({ value: 10, cached: false }) : reject(new Error(`bad ${t}`)));
      });
    const reports: { file: string; reason: string }[][] = [];
    const run = runPoolBatch([0, 1, 2], (t) => `f${t}.wav`, work, (p) => p.failed && reports.push(p.failed), () => true, new AbortController().signal, 3);
    await vi.waitFor(() => expect(Object.keys(gates)).toHaveLength(3));
    gates[2]!(); // the later file fails first
    gates[1]!();
    gates[0]!();
    const out = await run;
    expect(out?.values).toEqual([10]);
    expect(out?.failed.map((f) => f.file)).toEqual(['f0.wav', 'f2.wav']);
    expect(reports.at(-1)?.map((f) => f.file)).toEqual(['f0.wav', 'f2.wav']);
  });
});

describe('extractFileFeatures', () => {
  // The app's pool, its workers a MessageChannel serving the real worker handler (a File crosses it as in the browser).
  const workers: ChannelWorker[] = [];
  vi.stubGlobal(
    'Worker',
    vi.fn(function () {
      const w = channelWorker<ExtractApi>({ task: extractTask });
      workers.push(w);
      return w;
    }),
  );
  afterAll(() => {
    extractionPool().cancelAll();
    for (const w of workers) for (const p of w.ports) p.close();
    vi.unstubAllGlobals();
  });

  it("sends the file to a worker: the page gets Node's SHA-256 of its bytes and the core extractor's rows, then the same rows from the cache", async () => {
    const wav = encodeWav16([synthesizeClip('synth-chorale', 5, 3.5, 22050)], 22050);
    const file = new File([wav as Uint8Array<ArrayBuffer>], 'chorale.00005.wav');
    const want = extractRecipe(decodeWavToMono(wav, file.name, 22050), 22050, 'kaggle3');
    const first = await extractFileFeatures(file, 'kaggle3');
    expect(first.sha256).toBe(createHash('sha256').update(wav).digest('hex'));
    expect(first.cached).toBe(false);
    expect(first.featureNames).toEqual(want.featureNames);
    expect(first.rows.map((r) => Array.from(r))).toEqual(want.segments.map((r) => Array.from(r)));
    const second = await extractFileFeatures(file, 'kaggle3');
    expect(second).toEqual({ ...first, cached: true });
  });

  it("contentHash (the spectrogram sets' cache key) is computed in a worker: Node's SHA-256, from a File or from bytes the caller keeps", async () => {
    const bytes = new TextEncoder().encode('abc').buffer;
    expect(await contentHash(new File([bytes], 'abc.wav'))).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(await contentHash(bytes)).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(bytes.byteLength).toBe(3); // still the caller's: copied, not moved
    expect(workers.length).toBeGreaterThan(0);
  });
});
