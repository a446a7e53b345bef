import { expect, test } from '@playwright/test';
import { openFresh, screenshotCell } from './helpers';

test('once loaded, the lab opens and trains an MLP with the network gone', async ({ page, context }) => {
  test.setTimeout(480_000);
  await openFresh(page, '/');
  // The service worker has cached every built file and controls the page.
  await expect(page.getByTestId('offline-status')).toHaveAttribute('data-status', 'ready', { timeout: 120_000 });
  expect(await page.evaluate(() => navigator.serviceWorker.controller?.scriptURL)).toMatch(/\/sw\.js$/);
  await expect(page.getByTestId('dataset-summary')).toContainText('Synthetic demo corpus', { timeout: 120_000 });
  // Let the debounced save write the demo dataset before the network goes.
  await page.waitForFunction(
    () =>
      new Promise<boolean>((res) => {
        const r = indexedDB.open('genre-lab');
        r.onsuccess = () => {
          const tx = r.result.transaction('state', 'readonly').objectStore('state').get('dataset');
          tx.onsuccess = () => res(!!tx.result);
          tx.onerror = () => res(false);
        };
        r.onerror = () => res(false);
      }),
  );

  await context.setOffline(true);
  // Really offline: a file that is not in the cache cannot be fetched, through the worker or not.
  expect(await page.evaluate(() => fetch('/not-cached.txt').then(() => 'network', () => 'offline'))).toBe('offline');
  await page.reload();
  await expect(page.getByTestId('dataset-summary')).toContainText('Synthetic demo corpus', { timeout: 60_000 });
  await expect(page.getByTestId('offline-status')).toHaveAttribute('data-status', 'ready');

  await page.getByTestId('train-model').selectOption('mlp');
  await page.getByTestId('train-epochs').fill('3');
  await page.getByTestId('run-train').click();
  // Three MLP epochs on 40 tracks can finish before a progress line is drawn: wait on the result.
  await expect(page.getByTestId('train-accuracy')).toBeVisible({ timeout: 400_000 });
  await expect(page.getByTestId('compare-row')).toHaveCount(1);
  await screenshotCell(page, 'train', 'offline-train');
  await context.setOffline(false);
});
