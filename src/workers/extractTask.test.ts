/**
 * The extraction worker's handling of a dropped file, over a real MessageChannel (structured
 * cloning of the Blob and the rows, transfer) through the app's WorkerPool, with IndexedDB from
 * fake-indexeddb: the hash it returns is Node's SHA-256 of the bytes (with and without Web Crypto),
 * a cache entry under that hash's key skips extraction, a miss extracts what the core extractor
 * gives and caches it, and a non-WAV file is handed back for the page to decode.
 */
import 'fake-indexeddb/auto';
import { createHash } from 'node:crypto';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { decodeWavToMono } from '../core/audio/prepare';
import { synthesizeClip } from '../core/audio/synth';
import { encodeWav16 } from '../core/audio/wav';
import { extractRecipe, getRecipe } from '../core/features/recipes';
import { getCachedFeatures, putCachedFeatures } from '../storage/featureCache';
import { extractTask } from './extractTask';
import type { ExtractApi, ExtractRequest, ExtractResult } from './protocol';
import { channelWorker, type ChannelWorker } from './testChannel';
import { WorkerPool } from './workerPool';

const SR = 22050;
const RECIPE = 'kaggle3';
const workers: ChannelWorker[] = [];
const pool = new WorkerPool<ExtractRequest, ExtractResult>(() => {
  const w = channelWorker<ExtractApi>({ task: extractTask });
  workers.push(w);
  return w;
}, 1);
afterAll(() => {
  pool.cancelAll();
  for (const w of workers) for (const p of w.ports) p.close();
});
afterEach(() => vi.unstubAllGlobals());

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
/** The cache key, spelled out: 128 bits of the hash, the recipe id and its version. */
const keyOf = (hex: string) => `${hex.slice(0, 32)}:${RECIPE}:v${getRecipe(RECIPE).version}`;
const wavOf = (seed: number) => encodeWav16([synthesizeClip('synth-techno', seed, 6.5, SR)], SR);
const rowsOf = (r: { rows: Float64Array[] }) => r.rows.map((x) => Array.from(x));

describe('extraction worker, a dropped file', () => {
  it('hashes the file in the worker, extracts on a miss (the core extractor on the same bytes), caches it, and answers the next request from the cache', async () => {
    const wav = wavOf(1);
    const file = new Blob([wav as Uint8Array<ArrayBuffer>]);
    const progress: number[] = [];
    const first = await pool.run({ fileName: 'a.wav', recipe: RECIPE, file }, [], (f) => progress.push(f));
    expect(first.sha256).toBe(sha(wav));
    expect(first.cached).toBeFalsy();
    const want = extractRecipe(decodeWavToMono(wav, 'a.wav', SR), SR, RECIPE);
    expect(first.featureNames).toEqual(want.featureNames);
    expect(rowsOf(first)).toEqual(rowsOf({ rows: want.segments }));
    expect(first.rows.length).toBe(2);
    expect(progress.length).toBeGreaterThan(0);
    const stored = await getCachedFeatures(keyOf(sha(wav)));
    expect(stored && rowsOf(stored)).toEqual(rowsOf(first));

    const again: number[] = [];
    const second = await pool.run({ fileName: 'a-copy.wav', recipe: RECIPE, file: new Blob([wav as Uint8Array<ArrayBuffer>]) }, [], (f) => again.push(f));
    expect(second.cached).toBe(true);
    expect(second.sha256).toBe(sha(wav));
    expect(rowsOf(second)).toEqual(rowsOf(first));
    expect(again).toEqual([]); // no extraction ran
  });

  it('a cache entry under the hash + recipe key is returned as it is: a hit skips extraction', async () => {
    const wav = wavOf(2);
    const planted = { featureNames: ['x', 'y'], rows: [Float64Array.of(1, 2), Float64Array.of(3, 4)], segmentLengths: [10, 20] };
    await putCachedFeatures(keyOf(sha(wav)), planted);
    const r = await pool.run({ fileName: 'b.wav', recipe: RECIPE, file: new Blob([wav as Uint8Array<ArrayBuffer>]) });
    expect(r).toMatchObject({ cached: true, sha256: sha(wav), featureNames: ['x', 'y'], segmentLengths: [10, 20] });
    expect(rowsOf(r)).toEqual([[1, 2], [3, 4]]);
  });

  it('without Web Crypto (a page served over plain http) the worker gives the same hash', async () => {
    const wav = wavOf(3);
    vi.stubGlobal('crypto', undefined);
    const r = await pool.run({ fileName: 'c.wav', recipe: RECIPE, file: new Blob([wav as Uint8Array<ArrayBuffer>]) });
    expect(r.sha256).toBe(sha(wav));
  });

  it('a file that is not a RIFF WAV comes back to be decoded on the page; its samples are then cached under that hash', async () => {
    const fake = new TextEncoder().encode('ID3\u0004 not really an mp3, but not a WAV either');
    const r = await pool.run({ fileName: 'd.mp3', recipe: RECIPE, file: new Blob([fake]) });
    expect(r).toMatchObject({ needsDecode: true, sha256: sha(fake), rows: [] });
    expect(await getCachedFeatures(keyOf(sha(fake)))).toBeUndefined();
    const samples = synthesizeClip('synth-ambient', 4, 3.5, SR);
    const want = extractRecipe(samples, SR, RECIPE);
    const done = await pool.run({ fileName: 'd.mp3', recipe: RECIPE, samples: samples.slice(), cacheSha256: r.sha256 });
    expect(rowsOf(done)).toEqual(rowsOf({ rows: want.segments }));
    const stored = await getCachedFeatures(keyOf(sha(fake)));
    expect(stored && rowsOf(stored)).toEqual(rowsOf(done));
  });

  it("mode 'hash' gives only the file's SHA-256: nothing decoded, nothing cached", async () => {
    const wav = wavOf(6);
    const r = await pool.run({ fileName: 'f.wav', recipe: '', mode: 'hash', file: new Blob([wav as Uint8Array<ArrayBuffer>]) });
    expect(r).toEqual({ featureNames: [], rows: [], segmentLengths: [], nSamples: 0, sha256: sha(wav) });
    expect(await getCachedFeatures(keyOf(sha(wav)))).toBeUndefined();
  });

  it('an empty file is refused with its name', async () => {
    await expect(pool.run({ fileName: 'e.wav', recipe: RECIPE, file: new Blob([]) })).rejects.toThrow('e.wav: the file is empty (0 bytes).');
  });
});
