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
