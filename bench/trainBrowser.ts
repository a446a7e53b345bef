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
/** Issue 13: an LSTM epoch in the browser (wasm) within 2× of PyTorch's. */
const GOAL_BROWSER_RATIO = 2;

/** @param pytorch PyTorch's epoch times from this run (bench/train.ts), if it ran. */
export async function runTrainBrowserBench(pytorch?: PytorchEpochs): Promise<void> {
  const exe = (await findChromium()) as string | undefined;
  if (!sharedPath('data', 'gtzan', 'GenreClassData_10s.txt') || !exe) return log('train browser: skipped (needs ../shared and a Chromium)');
  if (!existsSync(join('dist', 'index.html'))) return log(`train browser: skipped (no production build: run npm run build first)`);
  const server = await preview({ preview: { port: 4321, strictPort: true, host: '127.0.0.1' }, logLevel: 'error' });
  const browser = await chromium.launch({ executablePath: exe, args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'] });
  try {
    for (const backend of ['wasm', 'webgl', 'cpu'] as const) {
      const page = await browser.newPage();
      await page.goto('http://127.0.0.1:4321/?empty');
      await page.evaluate(() => Promise.all(['genre-lab', 'genre-lab-models'].map((n) => new Promise<void>((res) => { const r = indexedDB.deleteDatabase(n); r.onsuccess = r.onerror = r.onblocked = () => res(); }))));
      await page.reload();
      await page.getByTestId('file-input').setInputFiles(join(gtzanDir, 'GenreClassData_10s.txt'));
      await page.getByTestId('summary-tracks').waitFor();
      await page.getByTestId('train-model').selectOption('lstm');
      await page.getByTestId('train-epochs').fill(String(EPOCHS));
      await page.waitForFunction(() => !document.querySelector('[data-testid=backend]')?.textContent?.includes('measuring'), null, { timeout: 120_000 });
      await page.getByTestId('train-backend').selectOption(backend);
      await page.waitForFunction((b) => document.querySelector('[data-testid=backend] b')?.textContent === b, backend, { timeout: 120_000 }).catch(() => undefined);
      const active = await page.locator('[data-testid=backend] b').textContent();
      if (active !== backend) {
        log(`train browser ${backend.padEnd(6)} not available here`);
        await page.close();
        continue;
      }
      await page.getByTestId('run-train').click();
      await page.getByTestId('train-accuracy').waitFor({ timeout: 900_000 });
      // Median of the epochs' own times (epochMs from the training loop), so the first batch's
      // warm-up and the final test evaluation are not counted.
      const epoch = parseFloat((await page.getByTestId('train-curves').getAttribute('data-median-epoch-ms')) ?? 'NaN') / 1000;
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
