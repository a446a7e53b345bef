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

async function clearSpectrogramCache(page: Page) {
  await page.evaluate(
    () =>
      new Promise<void>((res) => {
        const r = indexedDB.deleteDatabase('genre-lab-spectrograms');
        r.onsuccess = r.onerror = r.onblocked = () => res();
      }),
  );
}

async function saveProjectFile(page: Page, dir: string, name: string): Promise<string> {
  const downloading = page.waitForEvent('download');
  await page.getByTestId('project-save').click();
  const file = join(dir, name);
  await (await downloading).saveAs(file);
  return file;
}

test('a project carries the spectrogram set: embedded, or named by its files and restored from the cache', async ({ page }) => {
  test.setTimeout(1_200_000);
  await openFresh(page, '/');
  await expect(page.getByTestId('dataset-summary')).toContainText('Synthetic demo corpus', { timeout: 400_000 });
  await page.getByTestId('train-model').selectOption('cnn');
  // 64 bands keeps the build small on a shared machine.
  await page.getByTestId('spectro-bands').selectOption('64');
  await page.getByTestId('spectro-demo').click();
  await expect(page.getByTestId('spectro-done')).toContainText('40 of 40', { timeout: 300_000 });
  await expect(page.getByTestId('spectro-tracks')).toHaveText('40');
  const summary = await page.getByTestId('spectro-summary').textContent();

  // The choice shows both sizes: the matrices (64 bands × the clips' frames, one byte each) and the manifest.
  const choice = page.getByTestId('project-spectrograms');
  await expect(choice).toContainText('40 tracks × 64 bands');
  const embeddedSize = await page.getByTestId('project-spectrograms-embedded-size').textContent();
  const manifestSize = await page.getByTestId('project-spectrograms-manifest-size').textContent();
  // 40 demo clips of 6–10 s: 40 × 64 × (1 + ⌊sec · 22050 / 512⌋) bytes, between 40 × 64 × 259 and 40 × 64 × 431.
  const bytesOf = (t: string | null) => {
    const m = /([\d.]+) (kB|MB)/.exec(t ?? '');
    return m ? Number(m[1]) * (m[2] === 'MB' ? 2 ** 20 : 2 ** 10) : NaN;
  };
  expect(bytesOf(embeddedSize)).toBeGreaterThanOrEqual(40 * 64 * 259 - 52);
  expect(bytesOf(embeddedSize)).toBeLessThanOrEqual(40 * 64 * 431 + 52);
  // The manifest: a file name and two 64-digit hashes per track, a few kB, under a tenth of the matrices.
  expect(bytesOf(manifestSize)).toBeLessThan(bytesOf(embeddedSize) / 10);

  const dir = mkdtempSync(join(tmpdir(), 'genrelab-'));
  // 1. Embedded: opens in a browser with nothing stored, not even the per-file cache.
  const embedded = await saveProjectFile(page, dir, 'embedded.genrelab');
  await expect(page.getByTestId('project-message')).toContainText('spectrogram set of 40 tracks × 64 bands (embedded)');
  await clearStorage(page);
  await clearSpectrogramCache(page);
  await page.goto('/?empty');
  await expect(page.getByTestId('drop-zone')).toBeVisible();
  await page.getByTestId('project-file-input').setInputFiles(embedded);
  await expect(page.getByTestId('project-message')).toContainText('spectrogram set of 40 tracks × 64 bands');
  await expect(page.getByTestId('spectro-summary')).toHaveText(summary!);
  await expect(page.getByTestId('spectro-summary-bands')).toHaveText('64');
  // … and it is stored: a reload keeps it.
  await page.reload();
  await expect(page.getByTestId('spectro-summary')).toHaveText(summary!);

  // 2. Named by its files: a few kB; opening it restores the set from this browser's cache
  // (filled by the embedded project just opened).
  await page.getByTestId('project-spectrograms-manifest').check();
  const named = await saveProjectFile(page, dir, 'named.genrelab');
  await expect(page.getByTestId('project-message')).toContainText('(named by its files)');
  expect(readFileSync(named).length).toBeLessThan(readFileSync(embedded).length / 5);
  await clearStorage(page);
  await page.goto('/?empty');
  await expect(page.getByTestId('spectro-summary')).toHaveCount(0);
  await page.getByTestId('project-file-input').setInputFiles(named);
  await expect(page.getByTestId('project-message')).toContainText('spectrogram set of 40 tracks × 64 bands');
  await expect(page.getByTestId('spectro-summary')).toHaveText(summary!);

  // 3. The same file where the cache is empty: the rest opens, and the message names the files to drop.
  await clearStorage(page);
  await clearSpectrogramCache(page);
  await page.goto('/?empty');
  await page.getByTestId('project-file-input').setInputFiles(named);
  const message = page.getByTestId('project-message');
  await expect(message).toContainText("Its spectrogram set was not restored: 40 file(s) are not in this browser's spectrogram cache");
  await expect(message).toContainText('synth-');
  // Demo clips cannot be dropped: the message says how to get them back instead.
  await expect(message).toContainText("They are the synthetic demo corpus's clips: build its set at 64 mel bands");
  await expect(page.getByTestId('dataset-summary')).toContainText('Synthetic demo corpus');
  await expect(page.getByTestId('spectro-none')).toBeVisible();
  await screenshotCell(page, 'train', 'project-spectrograms-missing');
});
