import { expect, test } from '@playwright/test';
import { loadBuffer, openFresh, screenshotCell } from './helpers';

/**
 * 40 one-row tracks in two genres a gap of 50 apart on x (y is noise on a larger scale): any
 * split puts both genres on each side, and a maximal-margin classifier on scaled features is right
 * on every held-out track, so the accuracy is 100 % by construction.
 */
function twoGenres(): string {
  const lines = ['x,y,label'];
  for (let i = 0; i < 40; i++) {
    const a = i % 2 === 0;
    lines.push(`${(a ? 0 : 70) + (i % 20)},${(i * 37) % 300},${a ? 'calm' : 'loud'}`);
  }
  return lines.join('\n') + '\n';
}

test('the Classic models cell runs an SVM in the worker and its run lands in Compare', async ({ page }) => {
  test.setTimeout(120_000);
  await openFresh(page);
  await loadBuffer(page, 'two-genres.csv', twoGenres());
  await expect(page.getByTestId('summary-tracks')).toHaveText('40');

  const cell = page.getByTestId('cell-classic');
  await cell.scrollIntoViewIfNeeded();
  // The menu is the registry's classic kinds without a cell of their own.
  const menu = cell.getByTestId('classic-model');
  await expect(menu.locator('option')).toHaveText(['random forest', 'SVM', 'linear SVM', 'Extra Trees', 'SGD']);
  await menu.selectOption('extra-trees');
  await expect(cell.getByTestId('classic-nTrees')).toHaveValue('100');
  await menu.selectOption('svm');
  await expect(cell.getByTestId('classic-kernel')).toHaveValue('rbf');
  await expect(cell.getByTestId('classic-gamma')).toHaveValue('scale');
  await cell.getByTestId('classic-C').fill('10');
  await cell.getByTestId('classic-scaling').selectOption('minmax');

  // A bad gamma is refused in the cell before any job runs.
  await cell.getByTestId('classic-gamma').fill('wide');
  await cell.getByTestId('run-classic').click();
  await expect(cell.getByTestId('error')).toContainText('gamma (--gamma) must be "scale", "auto" or a positive number');
  await cell.getByTestId('classic-gamma').fill('scale');

  await cell.getByTestId('run-classic').click();
  await expect(cell.getByTestId('accuracy')).toHaveText('100.00 %', { timeout: 60_000 });
  await expect(cell).toContainText('SVM · 2 features');
  await screenshotCell(page, 'classic', 'classic-svm');

  const row = page.getByTestId('compare-row').filter({ hasText: 'SVM (C 10, kernel rbf, gamma scale, min-max)' });
  await expect(row).toHaveCount(1);
  await expect(row).toContainText('100.00');

  // The settings of each kind are kept across a reload.
  await page.reload();
  await expect(page.getByTestId('cell-classic').getByTestId('classic-C')).toHaveValue('10', { timeout: 30_000 });
});
