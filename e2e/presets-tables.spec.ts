/**
 * The table presets not covered by presets.spec.ts: Georgia Tech (forest with min-max, PCA 85 %,
 * the leakage demo) on the 3 s table, and the spectral-features report's MLP / forest / Extra Trees
 * on the 30 s table, each at quick effort. What is asserted is what an independent truth fixes:
 * the paper column is what the registry's sources state (neither report's accuracies are in them,
 * so every paper cell says so); the leakage demo's random split of segments puts tracks on both
 * sides and scores higher than the split by track, which puts none there; PCA keeps more than 85 %
 * of the variance with no more components than features; three genres are beaten above chance.
 * And `lab preset run … --json` prints the same numbers as the page, for the same seed and effort.
 */
import { execFileSync } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test, type Locator, type Page } from '@playwright/test';
import { gtzan, loadFile, openFresh, screenshotCell, sharedMissing } from './helpers';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const TABLE_3S = 'features_3_sec_classical_jazz_rock.csv';
const reason = sharedMissing(TABLE_3S, 'features_30_sec.csv');

const row = (preset: Locator, id: string) => preset.locator(`tr[data-number="${id}"]`);
const ours = (preset: Locator, id: string) => row(preset, id).locator('[data-testid=ours]');
/** "87.65 %" → 0.8765 */
const pct = async (l: Locator) => Number(/^([\d.]+) %$/.exec((await l.textContent()) ?? '')?.[1]) / 100;

async function runPreset(page: Page, id: string): Promise<Locator> {
  const preset = page.getByTestId('cell-presets').getByTestId(`preset-${id}`);
  await preset.getByTestId(`run-preset-${id}`).click();
  await expect(preset.getByTestId('preset-result')).toBeVisible({ timeout: 600_000 });
  return preset;
}

/** Every number's paper cell: neither report's own scores are in our sources (the registry's paperNumbers are empty). */
async function expectNoPaperNumbers(preset: Locator) {
  const papers = preset.locator('tr[data-number] [data-testid=paper]');
  expect(await papers.count()).toBeGreaterThan(0);
  for (const t of await papers.allTextContents()) expect(t).toBe('not stated in our sources');
}

/** The CLI's numbers for a preset, formatted as the page formats them (fraction → "xx.xx %", f1 → "0.xxx", count as is). */
function cliNumbers(id: string, file: string): Record<string, string> {
  const out = execFileSync('npx', ['tsx', 'src/cli/main.ts', 'preset', 'run', id, '--data', file, '--quick', '--seed', '0', '--json'], { cwd: repo, encoding: 'utf8', maxBuffer: 64 << 20, stdio: ['ignore', 'pipe', 'pipe'] });
  const r = JSON.parse(out) as { numbers: { id: string; ours: number; unit: string }[] };
  const fmt = (v: number, unit: string) => (unit === 'fraction' ? `${(v * 100).toFixed(2)} %` : unit === 'f1' ? v.toFixed(3) : String(v));
  return Object.fromEntries(r.numbers.map((n) => [n.id, fmt(n.ours, n.unit)]));
}

async function pageNumbers(preset: Locator): Promise<Record<string, string>> {
  return preset.locator('tr[data-number]').evaluateAll((rows) => Object.fromEntries(rows.map((r) => [r.getAttribute('data-number')!, r.querySelector('[data-testid=ours]')?.textContent?.trim() ?? ''])));
}

test.describe('the table presets of Georgia Tech and the spectral-features report', () => {
  test.skip(!!reason, reason);

  test('Georgia Tech on the 3 s table: forest with min-max, PCA 85 %, and the leakage demo side by side; the CLI prints the same numbers', async ({ page }) => {
    test.setTimeout(1_500_000);
    await openFresh(page);
    await loadFile(page, gtzan(TABLE_3S));
    await expect(page.getByTestId('dataset-summary')).toContainText(TABLE_3S, { timeout: 120_000 });
    await page.getByTestId('preset-effort').selectOption('quick');
    await page.getByTestId('preset-seed').fill('0');

    const forest = await runPreset(page, 'georgia-tech-forest-minmax');
    await expectNoPaperNumbers(forest);
    // Three genres: chance is 1/3.
    expect(await pct(ours(forest, 'accuracy'))).toBeGreaterThan(1 / 3);
    await expect(forest.getByTestId('preset-data-used')).toContainText('quick effort');

    const pca = await runPreset(page, 'georgia-tech-pca');
    await expectNoPaperNumbers(pca);
    expect(await pct(ours(pca, 'variance-kept'))).toBeGreaterThan(0.85);
    const components = Number(await ours(pca, 'components').textContent());
    const features = Number(/of (\d+) features/.exec((await row(pca, 'components').textContent()) ?? '')?.[1]);
    // Keeping > 85 % of the variance needs at least one component and at most every feature.
    expect(components).toBeGreaterThanOrEqual(1);
    expect(components).toBeLessThanOrEqual(features);

    const leak = await runPreset(page, 'georgia-tech-leakage');
    await expectNoPaperNumbers(leak);
    const leaky = await pct(ours(leak, 'random-split-accuracy'));
    const clean = await pct(ours(leak, 'track-split-accuracy'));
    // Segments of one track on both sides make the random split score higher than the split by track.
    expect(leaky).toBeGreaterThan(clean);
    expect(Number(await ours(leak, 'tracks-both-sides-random').textContent())).toBeGreaterThan(0);
    await expect(ours(leak, 'tracks-both-sides-by-track')).toHaveText('0');
    // Side by side in one table: both splits, one row each.
    await expect(leak.locator('table').filter({ hasText: 'tracks on both sides' }).locator('tbody tr')).toHaveCount(2);
    await screenshotCell(page, 'presets', 'presets-georgia-tech');

    // The CLI on the same file, seed and effort prints the page's numbers.
    expect(cliNumbers('georgia-tech-leakage', gtzan(TABLE_3S))).toEqual(await pageNumbers(leak));
  });

  test('the spectral-features report on the 30 s table: MLP, random forest and Extra Trees, quick', async ({ page }) => {
    test.setTimeout(1_500_000);
    await openFresh(page);
    await loadFile(page, gtzan('features_30_sec.csv'));
    await expect(page.getByTestId('dataset-summary')).toContainText('features_30_sec.csv', { timeout: 120_000 });
    await page.getByTestId('preset-effort').selectOption('quick');
    const spectral = await runPreset(page, 'spectral-models');
    await expectNoPaperNumbers(spectral);
    // Ten genres: chance is 1/10; each model is well above it.
    for (const id of ['mlp-accuracy', 'forest-accuracy', 'extra-trees-accuracy']) expect(await pct(ours(spectral, id)), id).toBeGreaterThan(0.1);
    await expect(spectral.getByTestId('preset-data-used')).toContainText('25 mean features');
    await expect(spectral.getByTestId('preset-data-used')).toContainText('quick effort');
    await screenshotCell(page, 'presets', 'presets-spectral');
  });
});
