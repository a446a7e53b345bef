import { expect, test } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { gtzan, openFresh, screenshotCell, sharedMissing } from './helpers';

const reason = sharedMissing('GenreClassData_30s.txt');

test.describe('a student reproduces the NTNU k-NN study', () => {
  test.skip(!!reason, reason);

  test('drop the 30 s table, run k-NN and the search, reload and find it all still there', async ({ page }) => {
    await openFresh(page);
    // Drop the file on the drop zone the way a browser does (DataTransfer + drop event).
    const text = readFileSync(gtzan('GenreClassData_30s.txt'), 'utf8');
    await page.getByTestId('drop-zone').evaluate((el, t) => {
      const dt = new DataTransfer();
      dt.items.add(new File([t], 'GenreClassData_30s.txt', { type: 'text/plain' }));
      el.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
    }, text);
    const summary = page.getByTestId('dataset-summary');
    await expect(summary).toContainText('GenreClassData_30s.txt');
    await expect(page.getByTestId('summary-tracks')).toHaveText('990');
    await expect(page.getByTestId('summary-features')).toHaveText('63');
    await expect(summary).toContainText('792 train / 198 test');
    await screenshotCell(page, 'data', 'data-cell');

    // Explore: the NTNU Task 2 view is the default; its views appear without a Run button.
    await expect(page.getByTestId('histograms').getByTestId('histogram')).toHaveCount(4);
    await expect(page.getByTestId('pca-scatter').locator('[data-rendered=true]')).toHaveCount(1);
    await expect(page.getByTestId('correlation-heatmap').locator('[data-rendered=true]')).toHaveCount(1);
    await screenshotCell(page, 'explore', 'explore-cell');

    // k-NN: the Task 1 features are preselected; k = 5, distance weighting.
    const knn = page.getByTestId('cell-knn');
    for (const f of ['spectral_rolloff_mean', 'mfcc_1_mean', 'spectral_centroid_mean', 'tempo']) await expect(knn.locator(`input[data-feature="${f}"]`)).toBeChecked();
    await expect(knn.locator('input[type=checkbox][data-feature]:checked')).toHaveCount(4);
    await page.getByTestId('run-knn').click();
    await expect(knn.getByTestId('accuracy')).toHaveText('40.40 %');
    await expect(knn.getByTestId('macro-f1')).toHaveText('0.398');
    const pop = knn.getByTestId('per-genre-table').locator('tr[data-genre=pop] td');
    await expect(pop.nth(1)).toHaveText('12');
    await expect(pop.nth(2)).toHaveText('165');
    await expect(pop.nth(3)).toHaveText('13');
    await expect(pop.nth(4)).toHaveText('8');
    // The confusion matrix's diagonal holds the report's true positives.
    const cm = knn.getByTestId('confusion-matrix');
    await expect(cm.locator('td[data-true=pop][data-predicted=pop]')).toHaveText('12');
    await expect(cm.locator('td[data-true=classical][data-predicted=classical]')).toHaveText('15');
    await knn.getByTestId('normalize-toggle').check();
    await expect(cm.locator('td[data-true=pop][data-predicted=pop]')).toHaveText('0.60');
    await knn.getByTestId('normalize-toggle').uncheck();
    await screenshotCell(page, 'knn', 'knn-cell');

    // Feature selection: the 236-combination search.
    await page.getByTestId('run-search').click();
    const best = page.getByTestId('best-combination');
    await expect(best).toContainText('spectral_rolloff_mean, spectral_centroid_mean, tempo');
    await expect(best).toContainText('rmse_var');
    await expect(best).toContainText('52.02 %');
    await expect(best).toContainText('0.521');
    await page.getByTestId('run-importance').click();
    await expect(page.getByTestId('importance-chart')).toBeVisible();
    await page.getByTestId('run-mrmr').click();
    await expect(page.getByTestId('mrmr-list').locator('li')).toHaveCount(20);
    await screenshotCell(page, 'selection', 'selection-cell');

    // Logistic regression on all features.
    await page.getByTestId('run-logistic').click();
    await expect(page.getByTestId('cell-logistic').getByTestId('accuracy')).toHaveText(/%/);
    await screenshotCell(page, 'logistic', 'logistic-cell');

    // Reload: the dataset, the settings and the last results are still there.
    await page.waitForTimeout(600); // the debounced save
    await page.reload();
    await expect(page.getByTestId('dataset-summary')).toContainText('GenreClassData_30s.txt');
    await expect(page.getByTestId('cell-knn').getByTestId('accuracy')).toHaveText('40.40 %');
    await page.getByTestId('run-knn').click();
    await expect(page.getByTestId('cell-knn').getByTestId('accuracy')).toHaveText('40.40 %');
  });
});
