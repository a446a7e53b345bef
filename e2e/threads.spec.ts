import { expect, test, type Page } from '@playwright/test';
import { gtzan, loadFile, openFresh, sharedMissing } from './helpers';
import { serveWithoutIsolation } from './isolation';

const reason = sharedMissing('GenreClassData_10s.txt');

/** Load the NTNU 10 s table, pick the LSTM on the wasm backend, train it and return the test accuracy (%). */
async function trainLstmOnWasm(page: Page, epochs: number): Promise<number> {
  await loadFile(page, gtzan('GenreClassData_10s.txt'));
  await expect(page.getByTestId('summary-tracks')).toHaveText('990');
  await page.getByTestId('train-model').selectOption('lstm');
  await page.getByTestId('train-epochs').fill(String(epochs));
  await page.getByTestId('train-backend').selectOption('wasm');
  await expect(page.getByTestId('backend-wasm')).toBeVisible({ timeout: 120_000 });
  await page.getByTestId('run-train').click();
  await expect(page.getByTestId('train-accuracy')).toBeVisible({ timeout: 400_000 });
  return parseFloat((await page.getByTestId('train-accuracy').textContent())!);
}

test.describe('threaded wasm under cross-origin isolation', () => {
  test.skip(!!reason, reason);

  test('the isolated page times the threaded binary against the single-threaded one, and the LSTM trains', async ({ page }) => {
    test.setTimeout(600_000);
    await openFresh(page);
    // vite preview sends COOP/COEP (vite.config.ts), so the page has SharedArrayBuffer.
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
    const acc = await trainLstmOnWasm(page, 8);
    const badge = (await page.getByTestId('backend-wasm').textContent())!;
    console.log(`isolated: backend ${badge}; LSTM 8 epochs ${acc} %`);
    // Both binaries started in the app's training worker and ran the benchmark step: before the
    // thread workers could start from our bundle, the threaded one never finished starting.
    expect(badge).toMatch(/picked by measurement: threaded \d+\.\d ms, single-threaded \d+\.\d ms per step/);
    // The badge names the binary that won; with threads it has at least 2 of them.
    expect(badge).toMatch(/^ \((threaded SIMD, [2-8] threads|SIMD, no threads);/);
    // 8 epochs of the NTNU Task 4 LSTM, on whichever binary won: far above chance (10 %) on the 198 test tracks.
    expect(acc).toBeGreaterThan(50);
  });

  test.describe('without COOP/COEP', () => {
    // The offline service worker would fetch the page itself, past serveWithoutIsolation's route.
    test.use({ serviceWorkers: 'block' });

    test('the lab falls back to the single-threaded binary and trains', async ({ page }) => {
      test.setTimeout(600_000);
      await serveWithoutIsolation(page);
      await openFresh(page);
      expect(await page.evaluate(() => crossOriginIsolated)).toBe(false);
      const acc = await trainLstmOnWasm(page, 3);
      const badge = (await page.getByTestId('backend-wasm').textContent())!;
      console.log(`not isolated: backend ${badge}; LSTM 3 epochs ${acc} %`);
      expect(badge).toBe(' (SIMD, no threads (not cross-origin isolated))');
      expect(acc).toBeGreaterThan(20);
    });
  });
});
