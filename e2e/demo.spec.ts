import { expect, test } from '@playwright/test';
import { openFresh, screenshotCell } from './helpers';

test('first open shows the synthetic demo corpus, labelled as synthetic, and the cells work on it', async ({ page }) => {
  await openFresh(page, '/');
  const summary = page.getByTestId('dataset-summary');
  await expect(summary).toContainText('Synthetic demo corpus', { timeout: 120_000 });
  await expect(summary).toContainText('not real music');
  await expect(page.getByTestId('summary-tracks')).toHaveText('40');
  await expect(page.getByTestId('summary-genres')).toHaveText('5');
  await screenshotCell(page, 'data', 'demo-data-cell');
  // The synthetic styles are built to be clearly different: k-NN on all features separates them well.
  await page.getByTestId('knn-features').getByRole('button', { name: 'all' }).click();
  await page.getByTestId('run-knn').click();
  const acc = page.getByTestId('cell-knn').getByTestId('accuracy');
  await expect(acc).toHaveText(/%/);
  expect(parseFloat((await acc.textContent())!)).toBeGreaterThan(80);
  // Segments of a track are voted per track.
  await expect(page.getByTestId('cell-knn').getByTestId('track-accuracy')).toBeVisible();
  // 5-fold cross-validation by track: every track is tested once; the folds' mean is shown.
  await page.getByTestId('knn-split').selectOption('kfold');
  await page.getByTestId('run-knn').click();
  await expect(page.getByTestId('cell-knn').getByTestId('cv-accuracy')).toBeVisible();
  await expect(page.getByTestId('cell-knn').getByTestId('track-accuracy').locator('xpath=..')).toContainText('/40 tracks');
});

test('the demo corpus is built in the background and cached: a second first open reads all 40 clips from the cache', async ({ page }) => {
  await openFresh(page, '/');
  await expect(page.getByTestId('dataset-summary')).toContainText('Synthetic demo corpus', { timeout: 120_000 });
  // Forget the lab's state (as a student clearing the data would) but keep the feature cache.
  await page.evaluate(async () => {
    await new Promise<void>((res) => {
      const r = indexedDB.deleteDatabase('genre-lab');
      r.onsuccess = r.onerror = r.onblocked = () => res();
    });
  });
  await page.reload();
  await expect(page.getByTestId('dataset-summary')).toContainText('Synthetic demo corpus', { timeout: 120_000 });
  await expect(page.getByTestId('cell-data')).toContainText('Analysed 40 of 40 file(s), 40 from the cache.');
});
