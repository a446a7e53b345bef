import { expect, test, type Locator } from '@playwright/test';
import { gtzan, loadFile, openFresh, screenshotCell, sharedMissing } from './helpers';

const reason = sharedMissing('GenreClassData_30s.txt', 'GenreClassData_10s.txt');

/** A preset's number row: ours and the paper's, as the cell prints them. */
const number = (preset: Locator, id: string) => ({ ours: preset.locator(`tr[data-number="${id}"] [data-testid=ours]`), paper: preset.locator(`tr[data-number="${id}"] [data-testid=paper]`) });

test.describe('a student runs the paper presets', () => {
  test.skip(!!reason, reason);

  test('NTNU Tasks 1 and 3 and the Northeastern baselines from one click each, our number next to the paper’s; Task 4 quick on the 10 s table', async ({ page }) => {
    test.setTimeout(600_000);
    await openFresh(page);
    await loadFile(page, gtzan('GenreClassData_30s.txt'));
    await expect(page.getByTestId('dataset-summary')).toContainText('GenreClassData_30s.txt');
    const cell = page.getByTestId('cell-presets');

    // A preset whose table is not loaded says which file it needs, and cannot run.
    const task4 = cell.getByTestId('preset-ntnu-task4');
    await expect(task4.getByTestId('preset-needs')).toContainText('needs GenreClassData_5s.txt or GenreClassData_10s.txt');
    await expect(task4.getByTestId('run-preset-ntnu-task4')).toBeDisabled();
    await expect(cell.getByTestId('preset-spectral-models').getByTestId('preset-needs')).toContainText('needs features_30_sec.csv');

    // Task 1: the report's 40.40 % and 0.398, and its per-genre table.
    const task1 = cell.getByTestId('preset-ntnu-task1');
    await task1.getByTestId('run-preset-ntnu-task1').click();
    await expect(number(task1, 'accuracy').ours).toHaveText('40.40 %');
    await expect(number(task1, 'accuracy').paper).toHaveText('40.40 %');
    await expect(number(task1, 'macro-f1').ours).toHaveText('0.398');
    await expect(number(task1, 'macro-f1').paper).toHaveText('0.398');
    await expect(task1.getByTestId('preset-confusion').locator('td[data-true=pop][data-predicted=pop]')).toHaveText('12');

    // The k-NN cell's preset button loads the same settings from the registry.
    const knn = page.getByTestId('cell-knn');
    await knn.getByTestId('knn-k').fill('3');
    await knn.locator('input[data-feature="tempo"]').uncheck();
    await knn.getByTestId('knn-preset-ntnu-task1').click();
    await expect(knn.getByTestId('knn-k')).toHaveValue('5');
    await expect(knn.locator('input[type=checkbox][data-feature]:checked')).toHaveCount(4);
    await expect(knn.locator('input[data-feature="tempo"]')).toBeChecked();

    // Task 3: the search's best combination, 52.02 % / 0.521 with rmse_var.
    const task3 = cell.getByTestId('preset-ntnu-task3');
    await task3.getByTestId('run-preset-ntnu-task3').click();
    await expect(number(task3, 'best-accuracy').ours).toHaveText('52.02 %', { timeout: 120_000 });
    await expect(number(task3, 'best-accuracy').paper).toHaveText('52.02 %');
    await expect(number(task3, 'best-macro-f1').ours).toHaveText('0.521');
    await expect(task3.locator('tr[data-number="best-accuracy"]')).toContainText('rmse_var');
    await expect(task3.getByTestId('preset-heatmap').locator('[data-rendered=true]')).toHaveCount(1);
    // The Feature selection cell's search draws through the same heatmap chart.
    await page.getByTestId('run-search').click();
    await expect(page.getByTestId('search-heatmap').locator('[data-rendered=true]')).toHaveCount(1);

    // Northeastern: three baselines; the study's numbers are not in our sources, and it says so.
    const ne = cell.getByTestId('preset-northeastern-baselines');
    await ne.getByTestId('run-preset-northeastern-baselines').click();
    for (const id of ['logistic-accuracy', 'sgd-accuracy', 'forest-accuracy']) {
      await expect(number(ne, id).ours).toHaveText(/^\d+\.\d\d %$/, { timeout: 120_000 });
      await expect(number(ne, id).paper).toHaveText('not stated in our sources');
    }
    await screenshotCell(page, 'presets', 'presets-cell');

    // Results survive a reload.
    await page.waitForTimeout(600); // the debounced save
    await page.reload();
    await expect(page.getByTestId('cell-presets').getByTestId('preset-ntnu-task1').locator('tr[data-number="accuracy"] [data-testid=ours]')).toHaveText('40.40 %');

    // Task 4 on the 10 s table, quick effort: a number, labelled quick, naming the table it used.
    await loadFile(page, gtzan('GenreClassData_10s.txt'));
    await expect(page.getByTestId('dataset-summary')).toContainText('GenreClassData_10s.txt');
    await page.getByTestId('preset-effort').selectOption('quick');
    const t4 = page.getByTestId('cell-presets').getByTestId('preset-ntnu-task4');
    await expect(t4.getByTestId('preset-needs')).toContainText('runs on GenreClassData_10s.txt');
    await t4.getByTestId('run-preset-ntnu-task4').click();
    await expect(t4.getByTestId('preset-progress')).toContainText('LSTM model', { timeout: 120_000 });
    await expect(number(t4, 'ensemble-accuracy').ours).toHaveText(/^\d+\.\d\d %$/, { timeout: 480_000 });
    await expect(number(t4, 'ensemble-accuracy').paper).toHaveText('80.30 %');
    await expect(t4.getByTestId('preset-data-used')).toContainText('quick effort');
    await expect(t4.getByTestId('preset-data-used')).toContainText('GenreClassData_10s.txt');
    await expect(t4.locator('tr[data-number="ensemble-accuracy"]')).toContainText('quick effort');
  });
});
