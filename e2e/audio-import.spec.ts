import { expect, test } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { gtzan, openFresh, sharedMissing } from './helpers';

const reason = sharedMissing('genres_original', 'GenreClassData_30s.txt');

/** Parse an NTNU-format TSV into rows keyed by File (first occurrence). */
function ntnuRows(text: string): { header: string[]; rows: Map<string, string[]> } {
  const lines = text.trim().split(/\r?\n/);
  const header = lines[0]!.split('\t');
  const rows = new Map<string, string[]>();
  for (const l of lines.slice(1)) {
    const cells = l.split('\t');
    if (!rows.has(cells[1]!)) rows.set(cells[1]!, cells);
  }
  return { header, rows };
}

test.describe('build a dataset from audio', () => {
  test.skip(!!reason, reason);

  test('drop genres_original: 3 genres, 60 tracks; the exported row matches the published table; a corrupt WAV is reported and the dataset stays', async ({ page }) => {
    test.setTimeout(600_000);
    await openFresh(page);
    await page.getByTestId('audio-recipe').selectOption('ntnu30');
    await page.getByTestId('audio-folder-input').setInputFiles(gtzan('genres_original'));
    await expect(page.getByTestId('audio-progress')).toBeVisible();
    await expect(page.getByTestId('audio-done')).toBeVisible({ timeout: 540_000 });
    await expect(page.getByTestId('summary-tracks')).toHaveText('60');
    await expect(page.getByTestId('summary-genres')).toHaveText('3');
    await expect(page.getByTestId('summary-features')).toHaveText('63');

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-csv').click()]);
    const ours = ntnuRows(readFileSync((await download.path())!, 'utf8'));
    const published = ntnuRows(readFileSync(gtzan('GenreClassData_30s.txt'), 'utf8'));
    expect(ours.header.slice(2, -3)).toEqual(published.header.slice(2, -3));
    const shared = [...ours.rows.keys()].filter((k) => published.rows.has(k));
    expect(shared.length).toBeGreaterThan(10);
    // Compare every feature of a few clips to the published numbers (librosa 0.10, RECIPES.md).
    for (const file of shared.slice(0, 5)) {
      const a = ours.rows.get(file)!;
      const b = published.rows.get(file)!;
      for (let j = 2; j < ours.header.length - 3; j++) {
        if (ours.header[j] === 'tempo') continue; // tempo is compared clip by clip in the parity tests
        const x = Number(a[j]);
        const y = Number(b[j]);
        expect(Math.abs(x - y), `${file} ${ours.header[j]}: ${x} vs ${y}`).toBeLessThanOrEqual(1e-2 * Math.abs(y) + 1e-4);
      }
    }

    // A corrupt WAV: reported with its reason; the 60-track dataset stays.
    const corrupt = Buffer.concat([Buffer.from('RIFF'), Buffer.from([0xff, 0xff, 0, 0]), Buffer.from('WAVEfmt '), Buffer.from([1, 2, 3])]);
    await page.getByTestId('audio-input').setInputFiles({ name: 'jazz.00999.wav', mimeType: 'audio/wav', buffer: corrupt });
    await expect(page.getByTestId('audio-failed')).toContainText('jazz.00999.wav');
    await expect(page.getByTestId('cell-data').getByTestId('error')).toBeVisible();
    await expect(page.getByTestId('summary-tracks')).toHaveText('60');
  });
});
