/**
 * LSTM epoch time in the browser, per tfjs backend, through the app itself: load the NTNU 10 s
 * table, pick the backend in the Train cell, train the LSTM for a few epochs, and take the median
 * of the epochs' own times. Compared with PyTorch's epoch measured earlier in the same run by
 * bench/train.ts. Needs `npm run build` first.
 */
import { chromium, type Page } from '@playwright/test';
import { preview } from 'vite';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gtzanDir, sharedPath } from '../src/node/paths';
import { log, median, report } from './report';
import { loadavg } from 'node:os';
import { readThreadCpu } from './threadCpu';
import { pytorchName, type PytorchEpochs } from './train';
// @ts-expect-error plain ESM helper without types
import { findChromium } from '../scripts/find-chromium.mjs';

/** One warm-up epoch, then the timed ones: the statistic bench/train.ts takes in Node and for PyTorch. */
const TIMED_EPOCHS = 5;
const EPOCHS = TIMED_EPOCHS + 1;
/** Several checkouts may bench at once on one machine: BENCH_PORT moves the preview server. */
const PORT = Number(process.env['BENCH_PORT'] || 4321);
/** BENCH_BROWSER_BACKENDS=wasm times only those (comma-separated); default all three. */
const BACKENDS = (process.env['BENCH_BROWSER_BACKENDS']?.split(',') ?? ['wasm', 'webgl', 'cpu']) as ('wasm' | 'webgl' | 'cpu')[];
/** Issue 13: an LSTM epoch in the browser (wasm) within 2× of PyTorch's. */
const GOAL_BROWSER_RATIO = 2;

/**
 * A clean lab at the preview server on `port` with the NTNU 10 s table loaded and the Train cell
 * set to the LSTM for `epochs` epochs, with no validation hold-out: the whole training split and
 * no per-epoch validation pass, as the Node loop in bench/train.ts trains (the cell's default
 * holds out 10 %).
 */
export async function setUpLstmRun(page: Page, port: number, epochs: number): Promise<void> {
  await page.goto(`http://127.0.0.1:${port}/?empty`);
  await page.evaluate(() => Promise.all(['genre-lab', 'genre-lab-models'].map((n) => new Promise<void>((res) => { const r = indexedDB.deleteDatabase(n); r.onsuccess = r.onerror = r.onblocked = () => res(); }))));
  await page.reload();
  await page.getByTestId('file-input').setInputFiles(join(gtzanDir, 'GenreClassData_10s.txt'));
  await page.getByTestId('summary-tracks').waitFor();
  await page.getByTestId('train-model').selectOption('lstm');
  await page.getByTestId('train-epochs').fill(String(epochs));
  await page.getByTestId('train-validation').fill('0');
}

/**
 * CPU seconds (user + system) of every Chromium dedicated-worker thread, by thread id, from
 * /proc/<pid>/task/<tid>/stat; empty where there is no /proc.
 */
function workerThreadsCpu(): Map<string, number> {
  const out = new Map<string, number>();
  if (!existsSync('/proc')) return out;
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    let tids: string[];
    try {
      if (!readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('chrom')) continue;
      tids = readdirSync(`/proc/${pid}/task`);
    } catch {
      continue;
    }
    for (const tid of tids) {
      const t = readThreadCpu(pid, tid);
      if (t?.name.startsWith('DedicatedWorker')) out.set(`${pid}/${tid}`, t.cpuSec);
    }
  }
  return out;
}

/** @param pytorch PyTorch's epoch times from this run (bench/train.ts), if it ran. */
export async function runTrainBrowserBench(pytorch?: PytorchEpochs): Promise<void> {
  const exe = (await findChromium()) as string | undefined;
  if (!sharedPath('data', 'gtzan', 'GenreClassData_10s.txt') || !exe) return log('train browser: skipped (needs ../shared and a Chromium)');
  if (!existsSync(join('dist', 'index.html'))) return log(`train browser: skipped (no production build: run npm run build first)`);
  const server = await preview({ preview: { port: PORT, strictPort: true, host: '127.0.0.1' }, logLevel: 'error' });
  const browser = await chromium.launch({ executablePath: exe, args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'] });
  try {
    for (const backend of BACKENDS) {
      const page = await browser.newPage();
      // Main-thread long tasks (> 50 ms) while training: live-curve rendering and message handling
      // compete with the page's responsiveness, not with the worker's epoch.
      await page.addInitScript(() => {
        const w = window as unknown as { __longTasks: number[] };
        w.__longTasks = [];
        new PerformanceObserver((l) => l.getEntries().forEach((e) => w.__longTasks.push(e.duration))).observe({ type: 'longtask', buffered: true });
      });
      await setUpLstmRun(page, PORT, EPOCHS);
      await page.waitForFunction(() => !document.querySelector('[data-testid=backend]')?.textContent?.includes('measuring'), null, { timeout: 600_000 });
      if (backend === BACKENDS[0]) log(`train browser: ${await page.getByTestId('backend').textContent()}`);
      await page.getByTestId('train-backend').selectOption(backend);
      await page.waitForFunction((b) => document.querySelector('[data-testid=backend] b')?.textContent === b, backend, { timeout: 120_000 }).catch(() => undefined);
      const active = await page.locator('[data-testid=backend] b').textContent();
      if (active !== backend) {
        log(`train browser ${backend.padEnd(6)} not available here`);
        await page.close();
        continue;
      }
      const wasmInfo = backend === 'wasm' ? await page.getByTestId('backend-wasm').textContent().catch(() => null) : null;
      const isolated = await page.evaluate(() => crossOriginIsolated);
      const longBefore = await page.evaluate(() => (window as unknown as { __longTasks: number[] }).__longTasks.length);
      const t0 = Date.now();
      const before = workerThreadsCpu();
      await page.getByTestId('run-train').click();
      // CPU seconds of the training worker's thread at each epoch's end, read from /proc while
      // the epochs come in (Linux only): on a shared machine the wall time follows the load.
      const cpuAtEpoch: number[] = [];
      let trainTid: string | undefined;
      while (!(await page.getByTestId('train-accuracy').isVisible())) {
        if (Date.now() - t0 > 900_000) throw new Error('train browser: no result within 15 minutes');
        const done = ((await page.getByTestId('train-curves').getAttribute('data-epoch-ms').catch(() => null)) ?? '').split(',').filter(Boolean).length;
        if (done > cpuAtEpoch.length) {
          const now = workerThreadsCpu();
          // The training worker is the dedicated-worker thread that has used the most CPU since the click.
          trainTid ??= [...now.keys()].sort((a, b) => (now.get(b)! - (before.get(b) ?? 0)) - (now.get(a)! - (before.get(a) ?? 0)))[0];
          // Several epochs ended between two polls (fast epochs on a quiet machine): one reading
          // would stand for all of them and give 0 s epochs, so those epochs are not measured.
          const missed = done - cpuAtEpoch.length - 1;
          for (let i = 0; i < missed; i++) cpuAtEpoch.push(NaN);
          cpuAtEpoch.push(trainTid ? (now.get(trainTid) ?? NaN) : NaN);
        }
        await new Promise((r) => setTimeout(r, 20));
      }
      const wallSec = (Date.now() - t0) / 1000;
      const epochCpu = cpuAtEpoch.slice(1).map((c, i) => c - cpuAtEpoch[i]!);
      const cpuEpoch = epochCpu.length === TIMED_EPOCHS && epochCpu.every(Number.isFinite) ? median(epochCpu) : NaN;
      const long = await page.evaluate((from) => (window as unknown as { __longTasks: number[] }).__longTasks.slice(from), longBefore);
      // The epochs' own times (epochMs from the training loop, so the final test evaluation is not
      // counted): the median after the first (warm-up) epoch, as in Node and PyTorch.
      const epochTimes = ((await page.getByTestId('train-curves').getAttribute('data-epoch-ms')) ?? '').split(',').map((v) => parseFloat(v) / 1000);
      const epoch = epochTimes.length === EPOCHS ? median(epochTimes.slice(1)) : NaN;
      log(
        `train browser ${backend}: median epoch ${epoch.toFixed(3)} s (epochs ${epochTimes.map((t) => t.toFixed(3)).join(', ')}; load ${loadavg().map((l) => l.toFixed(2)).join(' ')}); run ${wallSec.toFixed(1)} s wall for ${EPOCHS} epochs + test` +
          `; worker thread CPU per epoch after the first: ${Number.isFinite(cpuEpoch) ? `median ${cpuEpoch.toFixed(3)} s (${epochCpu.map((t) => t.toFixed(3)).join(', ')})` : `not measured (${existsSync('/proc') ? 'epochs ended faster than the /proc poll' : 'needs /proc'})`}` +
          `; page crossOriginIsolated ${isolated}${wasmInfo ? `; wasm${wasmInfo}` : ''}` +
          `; main-thread long tasks while training: ${long.length}, ${long.reduce((a, b) => a + b, 0).toFixed(0)} ms total, longest ${Math.max(0, ...long).toFixed(0)} ms`,
      );
      if (Number.isFinite(cpuEpoch))
        report({
          part: 'train',
          what: `LSTM epoch CPU time, browser ${backend} (the Train cell's worker thread, NTNU 10 s, batch 32)`,
          unit: 's',
          ours: cpuEpoch,
          reference: pytorch?.cpuSec.lstm ?? null,
          referenceName: pytorchName(pytorch, 'one'),
          referenceKind: 'measured',
          goal: backend === 'wasm' ? { maxRatio: GOAL_BROWSER_RATIO } : undefined,
          note: `thread CPU seconds between epoch ends (/proc), median of ${TIMED_EPOCHS} after the first`,
        });
      for (const threads of ['one', 'default'] as const) {
        const ref = pytorch?.epochSec.lstm[threads];
        report({
          part: 'train',
          what: `LSTM epoch, browser ${backend} (the app's Train cell, NTNU 10 s, batch 32)`,
          unit: 's',
          ours: epoch,
          reference: ref ?? null,
          referenceName: pytorchName(pytorch, threads),
          referenceKind: 'measured',
          goal: backend === 'wasm' ? { maxRatio: GOAL_BROWSER_RATIO } : undefined,
          note: `median of ${TIMED_EPOCHS} epochs after a warm-up, no validation hold-out${pytorch ? '' : '; PyTorch did not run (see above)'}`,
        });
      }
      await page.close();
    }
  } finally {
    await browser.close();
    await new Promise<void>((res) => server.httpServer.close(() => res()));
  }
}
