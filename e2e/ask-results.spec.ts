import { readFileSync } from 'node:fs';
import { expect, test, type Download, type Locator, type Page } from '@playwright/test';
import { loadBuffer, openFresh } from './helpers';

/** Click an Export button and return the downloaded file's bytes. */
async function downloadBytes(page: Page, button: Locator): Promise<{ name: string; bytes: Buffer }> {
  const [download] = (await Promise.all([page.waitForEvent('download'), button.click()])) as [Download, void];
  return { name: download.suggestedFilename(), bytes: readFileSync((await download.path())!) };
}

test.describe('ask the results', () => {
  test('demo corpus: Explore is live, charts export as PNG and SVG, a k-NN confusion cell lists, opens and plays its tracks, and exports as CSV', async ({ page }) => {
    test.setTimeout(600_000);
    await openFresh(page, '/');
    await expect(page.getByTestId('dataset-summary')).toContainText('Synthetic demo corpus', { timeout: 400_000 });

    // (The demo is synthesised and extracted in the page: minutes when the machine is busy.)
    // Explore: no Run button; the views appear and follow the ticks.
    const explore = page.getByTestId('cell-explore');
    await expect(explore.getByTestId('run-explore')).toHaveCount(0);
    const picker = explore.getByTestId('explore-features');
    const ticked = await picker.locator('input[type=checkbox]:checked').count();
    expect(ticked).toBeGreaterThanOrEqual(2);
    await expect(explore.getByTestId('histogram')).toHaveCount(ticked);
    // Tick one more (or, at the maximum of 8, untick one): the histograms follow, with no click on Run.
    if (ticked < 8) await picker.locator('input[type=checkbox]:not(:checked)').first().check();
    else await picker.locator('input[type=checkbox]:checked').first().uncheck();
    const now = ticked < 8 ? ticked + 1 : ticked - 1;
    await expect(picker.locator('input[type=checkbox]:checked')).toHaveCount(now);
    await expect(explore.getByTestId('histogram')).toHaveCount(now);
    // The heatmap names the ticked features on both axes.
    const heat = explore.getByTestId('correlation-heatmap');
    await expect(heat.locator('[data-rendered=true]')).toHaveCount(1);
    const names = await picker.locator('input[type=checkbox]:checked').evaluateAll((els) => els.map((e) => e.getAttribute('data-feature')!).sort());
    const axisNames = (axis: 'x' | 'y') => heat.locator(`.${axis}axislayer-above .${axis}tick text`).allTextContents().then((t) => [...new Set(t)].sort());
    await expect.poll(() => axisNames('x')).toEqual(names);
    await expect.poll(() => axisNames('y')).toEqual(names);
    await expect(explore.getByTestId('pca-scatter').locator('[data-rendered=true]')).toHaveCount(1);

    // Export the heatmap as PNG and SVG: the real image bytes.
    const png = await downloadBytes(page, heat.getByTestId('export-png'));
    expect(png.name).toMatch(/\.png$/);
    expect([...png.bytes.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    const svg = await downloadBytes(page, heat.getByTestId('export-svg'));
    expect(svg.name).toMatch(/\.svg$/);
    expect(svg.bytes.toString('utf8')).toMatch(/^<svg|<svg /);

    // k-NN on all features; click a confusion cell that holds test rows.
    const knn = page.getByTestId('cell-knn');
    await knn.getByTestId('knn-features').getByRole('button', { name: 'all' }).click();
    await page.getByTestId('run-knn').click();
    await expect(knn.getByTestId('accuracy')).toHaveText(/%/);
    const cells = knn.getByTestId('confusion-matrix').locator('td[data-count]');
    const counts = await cells.evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-count'))));
    // An error cell if the run made any (the interesting ones), else the fullest diagonal cell.
    const diag = await cells.evaluateAll((els) => els.map((e) => e.getAttribute('data-true') === e.getAttribute('data-predicted')));
    let pick = counts.findIndex((c, i) => c > 0 && !diag[i]);
    if (pick < 0) pick = counts.indexOf(Math.max(...counts));
    const count = counts[pick]!;
    expect(count).toBeGreaterThan(0);
    await cells.nth(pick).click();
    const members = knn.getByTestId('cell-members');
    await expect(members.getByTestId('cell-member')).toHaveCount(count);
    const trueGenre = await cells.nth(pick).getAttribute('data-true');
    const predGenre = await cells.nth(pick).getAttribute('data-predicted');
    await expect(members.getByTestId('cell-member').first().locator('td').nth(1)).toHaveText(trueGenre!);
    await expect(members.getByTestId('cell-member').first().locator('td').nth(2)).toHaveText(predGenre!);

    // Open one: its feature values from the loaded table.
    await members.getByTestId('member-open').first().click();
    const feats = members.getByTestId('member-features');
    await expect(feats).toBeVisible();
    await expect(feats.locator('tbody tr')).toHaveCount(await page.getByTestId('summary-features').textContent().then((t) => Number(t)));

    // Play one: the demo clip is synthesised again and plays (a WAV of 6–10 s).
    await members.getByTestId('member-play').first().click();
    const audio = members.getByTestId('member-audio');
    await expect(audio).toBeVisible();
    await expect.poll(() => audio.evaluate((a: HTMLAudioElement) => a.duration), { timeout: 30_000 }).toBeGreaterThan(5);

    // The cell's list as CSV: a header and one line per listed track.
    const csv = await downloadBytes(page, members.getByTestId('members-export').getByTestId('export-table-csv'));
    const lines = csv.bytes.toString('utf8').trimEnd().split('\r\n');
    expect(lines[0]).toBe('id,true genre,predicted genre,probability of predicted');
    expect(lines).toHaveLength(count + 1);
    expect(lines[1]!.split(',')[1]).toBe(trueGenre);

    // Compare keeps the run's predictions: its matrix is clickable too.
    const compare = page.getByTestId('cell-compare');
    await compare.locator('[data-testid=compare-row] input[type=checkbox]').first().check();
    const cmp = compare.getByTestId('compare-confusion').locator('td[data-count]');
    const cmpCounts = await cmp.evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-count'))));
    const c = cmpCounts.findIndex((x) => x > 0);
    await cmp.nth(c).click();
    await expect(compare.getByTestId('cell-member')).toHaveCount(cmpCounts[c]!);
  });

  test('a table with formula-like genres: per-genre, Compare and cell CSVs escape them', async ({ page }) => {
    await openFresh(page);
    // Two well-separated genres whose names a spreadsheet would run as formulas.
    const rows = ['x,y,label'];
    for (let i = 0; i < 20; i++) rows.push(`${i % 2 ? 10 + i * 0.1 : i * 0.1},${i % 2 ? 5 : -5},${i % 2 ? '@sum' : '=cmd'}`);
    await loadBuffer(page, 'formula.csv', rows.join('\n') + '\n');
    await expect(page.getByTestId('dataset-name')).toHaveText('formula.csv');
    const knn = page.getByTestId('cell-knn');
    await knn.getByTestId('knn-features').getByRole('button', { name: 'all' }).click();
    await knn.getByTestId('knn-k').fill('1');
    await page.getByTestId('run-knn').click();
    await expect(knn.getByTestId('accuracy')).toHaveText('100.00 %');

    const perGenre = (await downloadBytes(page, knn.getByTestId('per-genre-export').getByTestId('export-table-csv'))).bytes.toString('utf8').split('\r\n');
    expect(perGenre[0]).toBe('genre,TP,TN,FP,FN,precision,recall,F1,support');
    // Genres are in label order; each starts with a quote mark, so it stays text.
    expect(perGenre.slice(1, 3).map((l) => l.split(',')[0]).sort()).toEqual(["'=cmd", "'@sum"]);

    const cell = knn.getByTestId('confusion-matrix').locator('td[data-true="@sum"][data-predicted="@sum"]');
    const n = Number(await cell.getAttribute('data-count'));
    await cell.click();
    await expect(knn.getByTestId('cell-member')).toHaveCount(n);
    const list = (await downloadBytes(page, knn.getByTestId('members-export').getByTestId('export-table-csv'))).bytes.toString('utf8').trimEnd().split('\r\n');
    expect(list).toHaveLength(n + 1);
    for (const l of list.slice(1)) expect(l.split(',').slice(1, 3)).toEqual(["'@sum", "'@sum"]);

    const cmp = (await downloadBytes(page, page.getByTestId('compare-export').getByTestId('export-table-csv'))).bytes.toString('utf8').split('\r\n');
    expect(cmp[0]!.startsWith('model,note,data,features')).toBe(true);
    expect(cmp[1]).toContain('formula.csv');
  });
});
