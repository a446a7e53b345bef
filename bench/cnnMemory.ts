/**
 * Memory of CNN training on a 1000-track spectrogram set (the issue's ≤ 400 MB goal for a worker):
 * 1000 GTZAN-sized matrices (128 bands × 1293 frames, uint8 as the set stores them; random bytes,
 * since only the sizes matter here), the small VGG ('laptop' or 'desktop'), 4 random crops per
 * track per epoch, batch 32, on wasm. Training is cancelled after a few batches (each batch's
 * crops are made on the fly, so later batches hold no more); then the parts are printed: the
 * process RSS at start, with the set, and its peak while training; the wasm heap (tensors,
 * XNNPACK buffers and the allocator's free space: it grows to the largest step's need and never
 * shrinks), the most tensor bytes live at once in it and the highest address they reached; the
 * set itself; Node's JS heap and ArrayBuffers at the peak.
 *
 *   npx tsx bench/cnnMemory.ts [tracks=1000] [batches=4] [laptop|desktop] [--json]
 */
import * as tf from '@tensorflow/tfjs';
import { createRng } from '../src/core/random';
import type { SpectrogramSet } from '../src/core/data/spectrogramSet';
import { buildVggCnn } from '../src/core/models/cnn';
import { trainNetwork } from '../src/core/models/loop';
import { randomCropSource, spectrogramSpecFor } from '../src/core/models/spectrogramTrain';
import { backendMemory } from '../src/core/models/tfBackend';
import { initNodeBackend } from '../src/node/tfNode';

const MB = 1024 * 1024;
const args = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const nTracks = Number(args[0] ?? 1000);
const nBatches = Number(args[1] ?? 4);
const size = (args[2] ?? 'laptop') as 'laptop' | 'desktop';
const json = process.argv.includes('--json');

/**
 * Count the backend's tensor allocations in the wasm heap (its JS-side _malloc/_free): the most
 * bytes live at once and the highest address reached. The heap's size minus that address is
 * what XNNPACK allocated for itself above the tensors (packed filters, indirection buffers).
 */
function trackWasmMallocs(): { livePeak: number; top: number } {
  const wasm = (tf.backend() as unknown as { wasm: { _malloc(n: number): number; _free(p: number): void } }).wasm;
  // Emscripten's _malloc/_free are stubs that replace themselves on their first call: call them once first.
  wasm._free(wasm._malloc(8));
  const [malloc, free] = [wasm._malloc.bind(wasm), wasm._free.bind(wasm)];
  const sizes = new Map<number, number>();
  const r = { livePeak: 0, top: 0 };
  let live = 0;
  wasm._malloc = (n) => {
    const p = malloc(n);
    sizes.set(p, n);
    live += n;
    r.livePeak = Math.max(r.livePeak, live);
    r.top = Math.max(r.top, (p >>> 0) + n);
    return p;
  };
  wasm._free = (p) => {
    live -= sizes.get(p) ?? 0;
    sizes.delete(p);
    free(p);
  };
  return r;
}

async function main(): Promise<void> {
  await initNodeBackend('wasm');
  const heapUse = trackWasmMallocs();
  const startUsage = process.memoryUsage();
  const base = startUsage.rss;
  const heapStart = backendMemory().wasmHeapBytes ?? 0;
  const rng = createRng(1);
  const nBands = 128;
  const nFrames = 1293;
  const set: SpectrogramSet = {
    kind: 'spectrograms',
    name: 'synthetic sizes',
    genres: Array.from({ length: 10 }, (_, g) => `g${g}`),
    tracks: Array.from({ length: nTracks }, (_, i) => {
      const bytes = new Uint8Array(nBands * nFrames);
      for (let j = 0; j < bytes.length; j++) bytes[j] = Math.floor(rng() * 256);
      return { trackId: `g${i % 10}.${String(i).padStart(5, '0')}`, label: i % 10, mel: { bytes, maxDb: 0, rangeDb: 80, nBands, nFrames } };
    }),
    params: { sampleRateHz: 22050, nFft: 2048, hopSamples: 512, padMode: 'constant', nBands, ref: 'max', topDb: 80 },
    failed: [],
  };
  const afterSet = process.memoryUsage().rss;
  const train = Array.from({ length: nTracks }, (_, i) => i);
  const spec = spectrogramSpecFor(set, train, 128);
  const net = buildVggCnn({ nBands, nFrames: 128, nClasses: 10, seed: 0, size });
  let peak = process.memoryUsage().rss;
  let atPeak = process.memoryUsage();
  const cancel = { cancelled: false };
  const t0 = performance.now();
  try {
    await trainNetwork(net, randomCropSource(set, train, spec, 4, 0), {
      epochs: 1,
      batchSize: 32,
      seed: 0,
      cancel,
      onProgress: (p) => {
        const m = process.memoryUsage();
        if (m.rss > peak) [peak, atPeak] = [m.rss, m];
        if (p.batch >= nBatches) cancel.cancelled = true;
      },
    });
  } catch {
    // Cancelled before the first epoch ended: expected.
  }
  const ms = (performance.now() - t0) / nBatches;
  net.dispose();
  const mem = backendMemory();
  const r = {
    tracks: nTracks,
    size,
    setMB: (nTracks * nBands * nFrames) / MB,
    rssStartMB: base / MB,
    rssWithSetMB: afterSet / MB,
    rssPeakTrainingMB: peak / MB,
    wasmHeapStartMB: heapStart / MB,
    wasmHeapPeakMB: (mem.wasmHeapBytes ?? 0) / MB,
    tensorMBAfter: mem.tensorBytes / MB,
    tensorLivePeakMB: heapUse.livePeak / MB,
    tensorTopAddressMB: heapUse.top / MB,
    msPerBatch: ms,
    // Node's own view at the peak: the JS heap (objects, garbage not yet collected) and the
    // ArrayBuffers (the set's bytes and the wasm memory among them).
    jsHeapStartMB: startUsage.heapTotal / MB,
    jsHeapAtPeakMB: atPeak.heapTotal / MB,
    externalAtPeakMB: atPeak.external / MB,
    arrayBuffersAtPeakMB: atPeak.arrayBuffers / MB,
  };
  if (json) console.log(JSON.stringify(r));
  else
    console.log(
      `${size} VGG, ${nTracks} tracks: peak RSS ${r.rssPeakTrainingMB.toFixed(0)} MB = start ${r.rssStartMB.toFixed(0)} + set ${r.setMB.toFixed(0)} (RSS with it ${r.rssWithSetMB.toFixed(0)}) + training; wasm heap ${r.wasmHeapStartMB.toFixed(0)} → ${r.wasmHeapPeakMB.toFixed(0)} MB (tensors at most ${r.tensorLivePeakMB.toFixed(0)} MB live at once, up to address ${r.tensorTopAddressMB.toFixed(0)} MB); ${r.msPerBatch.toFixed(0)} ms per batch. Goal: ≤ 400 MB. JS heap ${r.jsHeapStartMB.toFixed(0)} → ${r.jsHeapAtPeakMB.toFixed(0)} MB; at the peak external ${r.externalAtPeakMB.toFixed(0)} MB (ArrayBuffers ${r.arrayBuffersAtPeakMB.toFixed(0)} MB).`,
    );
}

void main();
