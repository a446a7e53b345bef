/**
 * LSTM epoch time in the browser, per tfjs backend, through the app itself: load the NTNU 10 s
 * table, pick the backend in the Train cell, train the LSTM for a few epochs, and take the median
 * of the epochs' own times. Compared with PyTorch's epoch measured earlier in the same run by
 * bench/train.ts. Needs `npm run build` first.
 */
import { chromium } from '@playwright/test';
import { preview } from 'vite';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { gtzanDir, sharedPath } from '../src/node/paths';
import { log, report } from './report';
import { pytorchName, type PytorchEpochs } from './train';
// @ts-expect-error plain ESM helper without types
import { findChromium } from '../scripts/find-chromium.mjs';

const EPOCHS = 5;
/** Several checkouts may bench at once on one machine: BENCH_PORT moves the preview server. */
const PORT = Number(process.env['BENCH_PORT'] || 4321);
/** BENCH_BROWSER_BACKENDS=wasm times only those (comma-separated); default all three. */
const BACKENDS = (process.env['BENCH_BROWSER_BACKENDS']?.split(',') ?? ['wasm', 'webgl', 'cpu']) as ('wasm' | 'webgl' | 'cpu')[];
/** Issue 13: an LSTM epoch in the browser (wasm) within 2× of PyTorch's. */
const GOAL_BROWSER_RATIO = 2;

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
      await page.goto(`http://127.0.0.1:${PORT}/?empty`);
      await page.evaluate(() => Promise.all(['genre-lab', 'genre-lab-models'].map((n) => new Promise<void>((res) => { const r = indexedDB.deleteDatabase(n); r.onsuccess = r.onerror = r.onblocked = () => res(); }))));
      await page.reload();
      await page.getByTestId('file-input').setInputFiles(join(gtzanDir, 'GenreClassData_10s.txt'));
      await page.getByTestId('summary-tracks').waitFor();
      await page.getByTestId('train-model').selectOption('lstm');
      await page.getByTestId('train-epochs').fill(String(EPOCHS));
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
      await page.getByTestId('run-train').click();
      await page.getByTestId('train-accuracy').waitFor({ timeout: 900_000 });
      const wallSec = (Date.now() - t0) / 1000;
      const long = await page.evaluate((from) => (window as unknown as { __longTasks: number[] }).__longTasks.slice(from), longBefore);
      // Median of the epochs' own times (epochMs from the training loop), so the first batch's
      // warm-up and the final test evaluation are not counted.
      const epoch = parseFloat((await page.getByTestId('train-curves').getAttribute('data-median-epoch-ms')) ?? 'NaN') / 1000;
      log(
        `train browser ${backend}: median epoch ${epoch.toFixed(3)} s; run ${wallSec.toFixed(1)} s wall for ${EPOCHS} epochs + test` +
          `; page crossOriginIsolated ${isolated}${wasmInfo ? `; wasm${wasmInfo}` : ''}` +
          `; main-thread long tasks while training: ${long.length}, ${long.reduce((a, b) => a + b, 0).toFixed(0)} ms total, longest ${Math.max(0, ...long).toFixed(0)} ms`,
      );
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
          note: `median of ${EPOCHS} epochs${pytorch ? '' : '; PyTorch did not run (see above)'}`,
        });
      }
      await page.close();
    }
  } finally {
    await browser.close();
    await new Promise<void>((res) => server.httpServer.close(() => res()));
  }
}
