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

/** WAV bytes for the bad-input batch, built from formulas (no files): src/core/audio/testWav.ts. */
const tone = (hz: number, sec: number, rate = 22050) => Float32Array.from({ length: Math.round(rate * sec) }, (_, i) => 0.3 * Math.sin((2 * Math.PI * hz * i) / rate));
const wavFile = (name: string, bytes: Uint8Array) => ({ name, mimeType: 'audio/wav', buffer: Buffer.from(bytes) });

test.describe('bad audio in a batch (issue 13): listed once with its reason, the rest goes on', () => {
  test('NaN samples and a 1 Hz header fail their own files; the good clips become the dataset; a too-short clip gets a warning in Classify', async ({ page }) => {
    const { encodeWav16 } = await import('../src/core/audio/wav');
    const { makeFloatWav, makeSilentWav8 } = await import('../src/core/audio/testWav');
    const withNaN = tone(300, 1);
    withNaN.fill(NaN, 11025, 11037); // 12 NaN from 0.50 s
    const good = [
      ...[220, 247, 262].map((hz, i) => wavFile(`jazz.0000${i}.wav`, encodeWav16([tone(hz, 1)], 22050))),
      ...[1760, 1976, 2093].map((hz, i) => wavFile(`rock.0000${i}.wav`, encodeWav16([tone(hz, 1)], 22050))),
    ];
    await openFresh(page);
    await page.getByTestId('audio-recipe').selectOption('ntnu30');
    await page.getByTestId('audio-input').setInputFiles([...good, wavFile('rock.00009.wav', makeFloatWav([withNaN], 22050)), wavFile('rock.00010.wav', makeSilentWav8(1, 66150))]);
    await expect(page.getByTestId('audio-done')).toBeVisible({ timeout: 120_000 });
    await expect(page.getByTestId('audio-done')).toContainText('Analysed 6 of 8');
    await expect(page.getByTestId('summary-tracks')).toHaveText('6');
    const failed = page.getByTestId('audio-failed').locator('li');
    await expect(failed).toHaveCount(2);
    await expect(failed.nth(0)).toContainText('rock.00009.wav: The audio holds 12 NaN samples (first at 0.50 s)');
    await expect(failed.nth(1)).toContainText('rock.00010.wav: The file says it is sampled at 1 Hz');
    await expect(failed.nth(1)).toContainText('1 kHz–384 kHz');
    for (const i of [0, 1]) expect(((await failed.nth(i).textContent()) ?? '').match(/rock\.000(09|10)\.wav/g)).toHaveLength(1);

    // A batch left with one genre because a file failed: the failure is the headline; the dataset stays.
    await page.getByTestId('audio-input').setInputFiles([good[0]!, wavFile('rock.00009.wav', makeFloatWav([withNaN], 22050))]);
    await expect(page.getByTestId('audio-status').getByTestId('error')).toContainText(/1 of 2 files could not be analysed — rock\.00009\.wav: The audio holds 12 NaN samples/);
    await expect(page.getByTestId('summary-tracks')).toHaveText('6');

    // Classify a 2 s clip with the k-NN on that table (an ntnu30 table made from 30 s clips' recipe): answered, with a warning.
    await page.getByTestId('classify-input').setInputFiles(wavFile('short.wav', encodeWav16([tone(240, 2)], 22050)));
    const knn = page.getByTestId('cell-classify').locator('[data-testid="model-prediction"][data-model-id="knn-table"]');
    await expect(knn.getByTestId('from-audio')).toBeVisible({ timeout: 120_000 });
    await expect(knn.getByTestId('prediction-warning')).toContainText('Too short to trust: this clip is 2.00 s');
  });
});
