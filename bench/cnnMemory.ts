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
 * Each measurement runs in a fresh Node process, twice:
 * - **bundled**: this file built by Vite into one script (as the app's training worker is) and
 *   run by plain `node` — the footprint of the code that trains, which is what a worker holds;
 * - **tsx**: the same file under tsx, as `npm run lab` runs the CLI. At start it holds ~90–100 MB
 *   more than the bundled run: tsx's loader and transpiled modules, and Node's cache of the
 *   source maps tsx turns on (importing tfjs under tsx: +87 MB RSS with them, +58 MB after
 *   process.setSourceMapsEnabled(false)) — none of it the training's.
 * The peak is the OS's high-water mark of the process (VmHWM), so a spike between two progress
 * reports counts too; the RSS sampled after each batch is printed beside it.
 *
 *   npx tsx bench/cnnMemory.ts [tracks=1000] [batches=4] [laptop|desktop] [--json] [--runs=N]
 *
 * `--runs=N` repeats both measurements N times, alternating; `--child` is the measuring process.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
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
const runs = Number(process.argv.find((a) => a.startsWith('--runs='))?.slice(7) ?? 1);
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

/**
 * The process's RSS high-water mark: VmHWM of /proc/self/status on Linux (it starts afresh with
 * the process's own memory at exec, where getrusage's maxRSS keeps the parent's), else maxRSS.
 */
function peakRssBytes(): number {
  try {
    const kb = /VmHWM:\s*(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1];
    if (kb) return Number(kb) * 1024;
  } catch {
    // Not Linux: fall back below.
  }
  return process.resourceUsage().maxRSS * 1024;
}

/** One measurement in this process (the child). */
async function measure(): Promise<Measurement> {
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
  const cpu0 = process.cpuUsage();
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
  const cpu = process.cpuUsage(cpu0);
  net.dispose();
  const mem = backendMemory();
  return {
    tracks: nTracks,
    size,
    setMB: (nTracks * nBands * nFrames) / MB,
    rssStartMB: base / MB,
    rssWithSetMB: afterSet / MB,
    rssPeakTrainingMB: peak / MB,
    rssMaxMB: peakRssBytes() / MB,
    wasmHeapStartMB: heapStart / MB,
    wasmHeapPeakMB: (mem.wasmHeapBytes ?? 0) / MB,
    tensorMBAfter: mem.tensorBytes / MB,
    tensorLivePeakMB: heapUse.livePeak / MB,
    tensorTopAddressMB: heapUse.top / MB,
    msPerBatch: ms,
    cpuMsPerBatch: (cpu.user + cpu.system) / 1000 / nBatches,
    // Node's own view at the peak: the JS heap (objects, garbage not yet collected) and the
    // ArrayBuffers (the set's bytes and the wasm memory among them).
    jsHeapStartMB: startUsage.heapTotal / MB,
    jsHeapAtPeakMB: atPeak.heapTotal / MB,
    externalAtPeakMB: atPeak.external / MB,
    arrayBuffersAtPeakMB: atPeak.arrayBuffers / MB,
  };
}

type Measurement = {
  tracks: number;
  size: string;
  setMB: number;
  rssStartMB: number;
  rssWithSetMB: number;
  rssPeakTrainingMB: number;
  rssMaxMB: number;
  wasmHeapStartMB: number;
  wasmHeapPeakMB: number;
  tensorMBAfter: number;
  tensorLivePeakMB: number;
  tensorTopAddressMB: number;
  msPerBatch: number;
  cpuMsPerBatch: number;
  jsHeapStartMB: number;
  jsHeapAtPeakMB: number;
  externalAtPeakMB: number;
  arrayBuffersAtPeakMB: number;
};

function summarise(how: string, r: Measurement): string {
  return (
    `${how}: ${r.size} VGG, ${r.tracks} tracks: peak RSS ${r.rssMaxMB.toFixed(0)} MB (sampled per batch ${r.rssPeakTrainingMB.toFixed(0)}) = start ${r.rssStartMB.toFixed(0)} + set ${r.setMB.toFixed(0)} (RSS with it ${r.rssWithSetMB.toFixed(0)}) + training; ` +
    `wasm heap ${r.wasmHeapStartMB.toFixed(0)} → ${r.wasmHeapPeakMB.toFixed(0)} MB (tensors at most ${r.tensorLivePeakMB.toFixed(0)} MB live at once, up to address ${r.tensorTopAddressMB.toFixed(0)} MB); ` +
    `${r.msPerBatch.toFixed(0)} ms (CPU ${r.cpuMsPerBatch.toFixed(0)} ms) per batch. Goal: ≤ 400 MB. JS heap ${r.jsHeapStartMB.toFixed(0)} → ${r.jsHeapAtPeakMB.toFixed(0)} MB; at the peak external ${r.externalAtPeakMB.toFixed(0)} MB (ArrayBuffers ${r.arrayBuffersAtPeakMB.toFixed(0)} MB).`
  );
}

/** Build this file into one CommonJS script with Vite (tfjs and the lab's code bundled, as in the app's worker). */
async function bundleSelf(): Promise<string> {
  const { build } = await import('vite');
  // Inside the repository (git-ignored), so the bundle finds node_modules' .wasm files as tfNode.ts does.
  const outDir = resolve('.scratch', 'bench-cnnMemory');
  await build({
    configFile: false,
    publicDir: false,
    logLevel: 'error',
    build: { ssr: fileURLToPath(import.meta.url), outDir, emptyOutDir: true, minify: false, rollupOptions: { external: ['vite'], output: { format: 'cjs', entryFileNames: 'cnnMemory.cjs' } } },
    ssr: { noExternal: true, target: 'node' },
  });
  return join(outDir, 'cnnMemory.cjs');
}

function runChild(argv: string[]): Measurement {
  const out = execFileSync(process.execPath, [...argv, '--child', '--json', ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 24 });
  return JSON.parse(out.trim().split('\n').pop() as string) as Measurement;
}

async function main(): Promise<void> {
  if (process.argv.includes('--child')) {
    const r = await measure();
    console.log(json ? JSON.stringify(r) : summarise('this process', r));
    return;
  }
  const bundle = await bundleSelf();
  const results: { how: 'bundled' | 'tsx'; r: Measurement }[] = [];
  for (let i = 0; i < runs; i++) {
    // Alternating, one fresh process each: the bundle under plain node, then this file under tsx.
    for (const how of ['bundled', 'tsx'] as const) {
      const r = runChild(how === 'bundled' ? [bundle] : [...process.execArgv, fileURLToPath(import.meta.url)]);
      results.push({ how, r });
      if (!json) console.log(summarise(how === 'bundled' ? 'bundled (plain node, as a worker)' : 'tsx (as npm run lab)', r));
    }
  }
  if (json) console.log(JSON.stringify(results));
}

void main();
