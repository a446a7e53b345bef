/**
 * tfjs-backend-wasm's threaded SIMD binary against its single-threaded SIMD binary, in headless
 * Chromium, alternating in one page: the backend picker's step, CNN training (laptop, desktop) and
 * the LSTM epoch. The page is cross-origin isolated (COOP/COEP from this script's server) and the
 * work runs in a dedicated worker, as the app's training worker does (bench/threadsEntry.ts).
 * Reports wall time per task and binary, the CPU seconds of the whole browser (all threads) per run
 * and of its busiest thread (on a loaded machine wall time follows the load; the busiest thread's
 * CPU is what an idle machine's wall time could not go below), with the load average.
 *
 *   npx tsx bench/threads.ts [--tasks step,cnn-laptop,cnn-desktop,lstm] [--rounds 2] [--passes 2]
 *
 * Measured 2 Dec 2026 on the shared 2-core machine (load 12–19; 2 threads for the threaded binary),
 * single vs threaded, medians over 2 and 3 alternating rounds:
 * - CNN training: the busiest thread's CPU fell 7.6 → 6.7 and 7.8 → 6.9 s (laptop) and 19.5 → 16.7
 *   and 20.3 → 17.3 s (desktop), the second thread doing 1.2–1.4 and 3.0–3.4 s: about 12–15 % of
 *   the work runs in parallel (XNNPACK's convolutions and matMuls; our Conv2DBackpropFilter, batch
 *   norm and the element-wise kernels stay on one thread). Wall time at that load: 0.79× / 0.95×
 *   (laptop) and 1.13× / 1.05× (desktop), within the noise.
 * - LSTM epoch: no thread did less (busiest 0.3–0.4 s either way), the browser used twice the CPU
 *   (0.4 → 0.9 s: the pool's threads spin waiting for work) and the wall time was 2.1× and 3.3×.
 * - The picker's step: 1.00× and 1.01×. The same seed gives the same LSTM loss on both binaries,
 *   bit for bit (2.2794135267084297).
 * A later run at load 4.6–5.9 (2 rounds): CNN laptop 1.40× wall (busiest thread 7.0 → 6.3 s), CNN
 * desktop 0.88× wall (18.2 → 15.2 s, the second thread 3.0 s), LSTM 2.35× wall (CPU 0.4 → 0.9 s),
 * picker step 1.70×. So on this machine only the desktop CNN gained, and the picker (an LSTM-sized
 * step) keeps the single-threaded binary.
 */
import { createServer } from 'node:http';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { build } from 'vite';
import { chromium } from '@playwright/test';
import type { ThreadsRequest, ThreadsResult, ThreadsTask } from './threadsEntry';
// @ts-expect-error plain ESM helper without types
import { findChromium } from '../scripts/find-chromium.mjs';
import { readThreadCpu } from './threadCpu';

const HEADERS = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };

function opt(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : fallback;
}

const load = (): string => loadavg().map((l) => l.toFixed(2)).join(' ');

/** CPU seconds (user + system) of every thread of `root` and of every process below it, by "pid/tid". */
function treeThreadsCpu(root: number): Map<string, number> {
  const children = new Map<number, number[]>();
  for (const d of readdirSync('/proc').filter((x) => /^\d+$/.test(x))) {
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(d)]);
    } catch {
      // the process ended while we read
    }
  }
  const out = new Map<string, number>();
  const stack = (children.get(root) ?? []).slice();
  while (stack.length) {
    const p = stack.pop()!;
    stack.push(...(children.get(p) ?? []));
    let tids: string[] = [];
    try {
      tids = readdirSync(`/proc/${p}/task`);
    } catch {
      continue;
    }
    for (const t of tids) {
      const c = readThreadCpu(p, t);
      if (c) out.set(`${p}/${t}`, c.cpuSec);
    }
  }
  return out;
}

/**
 * The CPU seconds each browser thread used between two readings, largest first. Chromium is a
 * child of this process. The largest is the critical path's lower bound: on an idle machine the
 * run could not take less wall time than its busiest thread's CPU time.
 */
function threadDeltas(before: Map<string, number>, after: Map<string, number>): number[] {
  return [...after].map(([k, v]) => v - (before.get(k) ?? 0)).filter((d) => d > 0).sort((a, b) => b - a);
}

const median = (a: readonly number[]): number => {
  const s = [...a].sort((p, q) => p - q);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

async function main(): Promise<void> {
  const tasks = opt('tasks', 'step,cnn-laptop,cnn-desktop,lstm').split(',') as ThreadsTask[];
  const rounds = Number(opt('rounds', '2'));
  const passes = Number(opt('passes', '2'));
  const exe = (await findChromium()) as string | undefined;
  if (!exe) throw new Error('no Chromium (apt-get install chromium)');

  const outDir = mkdtempSync(join(tmpdir(), 'genre-threads-'));
  await build({
    configFile: false,
    logLevel: 'error',
    define: { global: 'globalThis', 'process.env.NODE_ENV': '"production"' },
    build: { outDir, emptyOutDir: true, lib: { entry: resolve('bench/threadsEntry.ts'), name: 'genreThreads', formats: ['iife'], fileName: () => 'worker.js' }, minify: true },
  });
  const workerJs = readFileSync(join(outDir, 'worker.js'));
  const wasmDir = join(dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist');
  const server = createServer((req, res) => {
    const url = req.url ?? '/';
    const file = url === '/worker.js' ? workerJs : url.startsWith('/wasm/') ? readFileSync(join(wasmDir, url.slice(6).replace(/[^\w.-]/g, ''))) : Buffer.from('<!doctype html><title>threads bench</title>');
    const type = url.endsWith('.js') ? 'text/javascript' : url.endsWith('.wasm') ? 'application/wasm' : 'text/html';
    res.writeHead(200, { ...HEADERS, 'Content-Type': type });
    res.end(file);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  const browser = await chromium.launch({ executablePath: exe, args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'] });
  try {
    const page = await browser.newPage();
    page.on('pageerror', (e) => console.log(`page error: ${e.message}`));
    await page.goto(`http://127.0.0.1:${port}/`);
    const isolated = await page.evaluate(() => crossOriginIsolated);
    console.log(`threaded vs single-threaded SIMD wasm in headless Chromium, dedicated worker, crossOriginIsolated ${isolated}, hardwareConcurrency ${await page.evaluate(() => navigator.hardwareConcurrency)}; ${rounds} rounds alternating, ${passes} timed passes after a warm-up each; load ${load()} at start`);
    const run = (q: ThreadsRequest): Promise<ThreadsResult | { error: string }> =>
      page.evaluate(
        (q) =>
          new Promise((res) => {
            const w = ((globalThis as unknown as { benchWorker?: Worker }).benchWorker ??= new Worker('/worker.js'));
            w.onmessage = (e) => res(e.data);
            w.onerror = (e) => res({ error: e.message });
            w.postMessage(q);
          }),
        q,
      ) as Promise<ThreadsResult | { error: string }>;
    const unit: Record<string, string> = { step: 'ms per picker step', lstm: 'ms per LSTM epoch (792 × 3 × 63, batch 32)' };
    for (const task of tasks) {
      const all: Record<string, { ms: number[]; cpu: number[]; busiest: number[]; loss: number[] }> = { simd: { ms: [], cpu: [], busiest: [], loss: [] }, 'threaded-simd': { ms: [], cpu: [], busiest: [], loss: [] } };
      for (let r = 0; r < rounds; r++) {
        const order = (r % 2 === 0 ? ['simd', 'threaded-simd'] : ['threaded-simd', 'simd']) as ThreadsRequest['binary'][];
        for (const binary of order) {
          const c0 = treeThreadsCpu(process.pid);
          const t0 = Date.now();
          const out = await run({ wasmPrefix: `http://127.0.0.1:${port}/wasm/`, binary, task, passes: task === 'step' ? 20 : passes });
          const deltas = threadDeltas(c0, treeThreadsCpu(process.pid));
          const cpu = deltas.reduce((a, b) => a + b, 0);
          if ('error' in out) throw new Error(`${task} on ${binary}: ${out.error}`);
          all[binary]!.ms.push(out.medianMs);
          all[binary]!.cpu.push(cpu);
          all[binary]!.busiest.push(deltas[0] ?? NaN);
          if (out.finalLoss !== undefined) all[binary]!.loss.push(out.finalLoss);
          console.log(
            `  ${task.padEnd(11)} ${binary.padEnd(13)} ${out.threads} thread(s): median ${out.medianMs.toFixed(1)} ${unit[task] ?? 'ms per 1000 crops'} (passes ${out.passesMs.map((v) => v.toFixed(0)).join(', ')})` +
              `; whole run ${((Date.now() - t0) / 1000).toFixed(1)} s wall, browser CPU ${cpu.toFixed(1)} s (busiest threads ${deltas.slice(0, 3).map((d) => d.toFixed(1)).join(', ')} s)${out.finalLoss !== undefined ? `; final loss ${out.finalLoss}` : ''}; load ${load()}`,
          );
        }
      }
      const s = median(all.simd!.ms);
      const t = median(all['threaded-simd']!.ms);
      console.log(`${task}: single ${s.toFixed(1)}, threaded ${t.toFixed(1)} → threaded/single ${(t / s).toFixed(2)}× wall; browser CPU per run ${median(all.simd!.cpu).toFixed(1)} vs ${median(all['threaded-simd']!.cpu).toFixed(1)} s, busiest thread ${median(all.simd!.busiest).toFixed(1)} vs ${median(all['threaded-simd']!.busiest).toFixed(1)} s`);
    }
    console.log(`load ${load()} at end`);
  } finally {
    await browser.close();
    server.close();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
