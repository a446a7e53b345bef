import { expect, test, type Page } from '@playwright/test';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openFresh, screenshotCell } from './helpers';

/** The Compare table as text, row by row (what a student reads). */
async function compareRows(page: Page): Promise<string[][]> {
  return page.getByTestId('compare-row').evaluateAll((rows) => rows.map((r) => Array.from(r.querySelectorAll('td')).map((td) => td.textContent?.trim() ?? '')));
}

async function clearStorage(page: Page) {
  await page.evaluate(async () => {
    for (const name of ['genre-lab', 'genre-lab-models', 'genre-lab-features'])
      await new Promise<void>((res) => {
        const r = indexedDB.deleteDatabase(name);
        r.onsuccess = r.onerror = r.onblocked = () => res();
      });
  });
}

test('save a project, clear the browser, open it: the same Compare table; a damaged file changes nothing', async ({ page }) => {
  test.setTimeout(300_000);
  await openFresh(page, '/');
  await expect(page.getByTestId('dataset-summary')).toContainText('Synthetic demo corpus', { timeout: 120_000 });
  // Two cheap runs that land in Compare: k-NN and logistic regression.
  await page.getByTestId('run-knn').click();
  await expect(page.getByTestId('compare-row')).toHaveCount(1, { timeout: 120_000 });
  await page.getByTestId('run-logistic').click();
  await expect(page.getByTestId('compare-row')).toHaveCount(2, { timeout: 120_000 });
  const before = await compareRows(page);
  const knnAccuracy = await page.getByTestId('cell-knn').getByTestId('accuracy').textContent();

  const downloading = page.waitForEvent('download');
  await page.getByTestId('project-save').click();
  const download = await downloading;
  expect(download.suggestedFilename()).toMatch(/\.genrelab$/);
  const dir = mkdtempSync(join(tmpdir(), 'genrelab-'));
  const file = join(dir, download.suggestedFilename());
  await download.saveAs(file);
  const bytes = readFileSync(file);
  expect(bytes.subarray(0, 2).toString('latin1')).toBe('PK'); // a zip

  // A new browser profile in effect: nothing stored, no demo corpus.
  await clearStorage(page);
  await page.goto('/?empty');
  await expect(page.getByTestId('drop-zone')).toBeVisible();
  await expect(page.getByTestId('compare-row')).toHaveCount(0);

  await page.getByTestId('project-file-input').setInputFiles(file);
  await expect(page.getByTestId('project-message')).toContainText('2 Compare row(s)');
  expect(await compareRows(page)).toEqual(before);
  await expect(page.getByTestId('dataset-summary')).toContainText('Synthetic demo corpus');
  // The cells' last results come back too.
  await expect(page.getByTestId('cell-knn').getByTestId('accuracy')).toHaveText(knnAccuracy!);
  await screenshotCell(page, 'compare', 'project-opened-compare');

  // A damaged copy (cut short) is refused with its message; the lab stays as it was.
  const cut = join(dir, 'damaged.genrelab');
  writeFileSync(cut, bytes.subarray(0, Math.floor(bytes.length * 0.6)));
  await page.getByTestId('project-file-input').setInputFiles(cut);
  const error = page.getByTestId('project').getByTestId('error');
  await expect(error).toContainText('damaged or cut short');
  await expect(error).toHaveAttribute('data-code', 'bad-project');
  expect(await compareRows(page)).toEqual(before);
  await expect(page.getByTestId('dataset-summary')).toContainText('Synthetic demo corpus');
  // … and after a reload too (nothing was written to storage).
  await page.reload();
  await expect(page.getByTestId('compare-row')).toHaveCount(2);
  expect(await compareRows(page)).toEqual(before);

  // Rerunning reproduces: k-NN again with the project's settings (and seed) gives the same numbers.
  await page.getByTestId('run-knn').click();
  await expect(page.getByTestId('compare-row')).toHaveCount(3, { timeout: 120_000 });
  const rerun = (await compareRows(page))[0]!;
  const knnBefore = before.find((r) => r[1]!.startsWith('k-NN'))!;
  // model, data, features, split, accuracy, macro F1 (not the train time), backend, seed
  const same = (r: string[]) => [...r.slice(1, 7), ...r.slice(8)];
  expect(same(rerun)).toEqual(same(knnBefore));
});
