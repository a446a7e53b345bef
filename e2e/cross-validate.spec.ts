import { expect, test } from '@playwright/test';
import { openFresh, screenshotCell } from './helpers';

test('the Train cell cross-validates its settings on the training tracks only: runs per fold, their mean in Compare, nothing saved, kept across reload', async ({ page }) => {
  test.setTimeout(300_000);
  await openFresh(page, '/');
  await expect(page.getByTestId('summary-tracks')).toHaveText('40', { timeout: 120_000 });
  await page.getByTestId('train-epochs').fill('3');
  await page.getByTestId('train-cv-folds').fill('3');
  await page.getByTestId('train-cv-repeats').fill('2');
  await page.getByTestId('run-cv').click();
  // Progress is transient (on a quiet machine the six runs finish in under a second), so the test
  // waits on the result, not on the progress line; a feature model's result names features, not mel bands.
  await expect(page.getByTestId('train-accuracy')).toBeVisible({ timeout: 240_000 });
  await expect(page.getByTestId('cell-train')).toContainText('57 features');
  await expect(page.getByTestId('train-crop-accuracy')).toHaveCount(0);
  await screenshotCell(page, 'train', 'train-cross-validation');

  // 3 folds × 2 seeds, in order; each row's accuracy is a share of its fold's tracks.
  const rows = page.getByTestId('train-members').locator('tbody tr');
  await expect(rows).toHaveCount(6);
  const cells = await rows.evaluateAll((trs) => trs.map((tr) => Array.from(tr.querySelectorAll('td'), (td) => td.textContent ?? '')));
  expect(cells.map((c) => c[1])).toEqual(['1', '2', '3', '1', '2', '3']);
  expect(cells.map((c) => c[2])).toEqual(['0', '0', '0', '1', '1', '1']);
  const accs = cells.map((c) => parseFloat(c[3]!));
  // The headline is the mean of the six runs (shown to 2 decimals each).
  const mean = accs.reduce((a, b) => a + b, 0) / accs.length;
  expect(Math.abs(parseFloat((await page.getByTestId('train-accuracy').textContent())!.replace(/[^\d.]/g, '')) - mean)).toBeLessThan(0.01);
  // The demo's random 20 % split by track is stratified: round(0.2 × 8) = 2 of each genre's 8
  // tracks are held out (10 of 40), so the folds cover the other 30.
  await expect(page.getByTestId('train-cv-note')).toContainText('of the 30 training tracks');
  await expect(page.getByTestId('train-cv-note')).toContainText('the test tracks were not used');
  // The pooled confusion matrix counts every fold track once per seed: 2 × 30 = 60.
  const counts = await page
    .getByTestId('train-confusion')
    .locator('td[data-true]')
    .evaluateAll((els) => els.map((e) => Number(e.textContent)));
  expect(counts).toHaveLength(25);
  expect(counts.reduce((a, b) => a + b, 0)).toBe(60);

  // It lands in Compare as a CV row; no model is saved.
  const row = page.getByTestId('compare-row').filter({ hasText: '3-fold CV ×2' });
  await expect(row).toHaveCount(1);
  await expect(row).toContainText('(CV, ±');
  await expect(page.getByTestId('cell-train')).toContainText('None yet');

  await page.reload();
  await expect(page.getByTestId('compare-row').filter({ hasText: '3-fold CV ×2' })).toHaveCount(1, { timeout: 60_000 });
  await expect(page.getByTestId('train-cv-folds')).toHaveValue('3');
});
