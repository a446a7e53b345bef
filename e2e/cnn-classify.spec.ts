import { expect, test } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { dropFile, gtzan, openFresh, screenshotCell, sharedMissing } from './helpers';

/** A laptop CNN trained by the CLI on the 60 GTZAN clips in ../shared (3 epochs), see e2e/fixtures/README.md. */
const fixture = join(fileURLToPath(new URL('.', import.meta.url)), 'fixtures', 'cnn-laptop');
const CLIP = 'genres_original/rock/rock.00001.wav';

/** Samples in a PCM WAV's data chunk, read from its header (independent of the lab's decoder). */
function wavSamples(path: string): number {
  const b = readFileSync(path);
  let o = 12;
  let blockAlign = 0;
  while (o + 8 <= b.length) {
    const id = b.toString('ascii', o, o + 4);
    const size = b.readUInt32LE(o + 4);
    if (id === 'fmt ') blockAlign = b.readUInt16LE(o + 8 + 12);
    if (id === 'data') return Math.floor(Math.min(size, b.length - o - 8) / blockAlign);
    o += 8 + size + (size % 2);
  }
  throw new Error(`${path}: no data chunk`);
}

/** A 16-bit mono WAV of a 440 Hz tone. */
function toneWav(seconds: number, sr = 22050): Buffer {
  const n = Math.round(seconds * sr);
  const b = Buffer.alloc(44 + n * 2);
  b.write('RIFF', 0, 'ascii');
  b.writeUInt32LE(36 + n * 2, 4);
  b.write('WAVEfmt ', 8, 'ascii');
  b.writeUInt32LE(16, 16);
  b.writeUInt16LE(1, 20);
  b.writeUInt16LE(1, 22);
  b.writeUInt32LE(sr, 24);
  b.writeUInt32LE(sr * 2, 28);
  b.writeUInt16LE(2, 32);
  b.writeUInt16LE(16, 34);
  b.write('data', 36, 'ascii');
  b.writeUInt32LE(n * 2, 40);
  for (let i = 0; i < n; i++) b.writeInt16LE(Math.round(8000 * Math.sin((2 * Math.PI * 440 * i) / sr)), 44 + i * 2);
  return b;
}

test.describe('classify with a CNN', () => {
  const reason = sharedMissing(CLIP);
  test.skip(!!reason, reason);

  test('an imported CNN shows the clip’s spectrogram, one timeline entry per crop, a vote, saliency on request, and a moving playhead', async ({ page }) => {
    test.setTimeout(900_000);
    // The saved-model list lives in the Train cell, which needs a table: the demo corpus.
    await openFresh(page, '/');
    await expect(page.getByTestId('dataset-summary')).toContainText('Synthetic demo corpus', { timeout: 120_000 });
    await page.getByTestId('import-model-input').setInputFiles(['model.json', 'weights.bin', 'metadata.json'].map((f) => join(fixture, f)));
    await expect(page.getByTestId('import-notice')).toContainText('CNN');
    await expect(page.getByTestId('saved-model')).toHaveCount(1);

    const cell = page.getByTestId('cell-classify');
    await dropFile(page, 'classify-drop-zone', gtzan(CLIP));
    // The CNN's block (a k-NN on the loaded demo table answers too, in its own block).
    const block = cell.locator('[data-testid="classify-results"][data-file="rock.00001.wav"] [data-testid="model-prediction"]:not([data-model-id="knn-table"])');
    await expect(block.getByTestId('from-audio')).toBeVisible({ timeout: 120_000 });

    // Crops: 1 + ⌊samples / 512⌋ frames, ⌊frames / 128⌋ non-overlapping crops (the tail is left out).
    const frames = 1 + Math.floor(wavSamples(gtzan(CLIP)) / 512);
    const crops = Math.floor(frames / 128);
    expect(crops).toBe(10);
    await expect(block.getByTestId('segment-genre')).toHaveCount(crops);
    const genres = ['classical', 'jazz', 'rock'];
    const perCrop = await block.getByTestId('segment-genre').evaluateAll((els) => els.map((e) => e.getAttribute('data-genre')!));
    for (const g of perCrop) expect(genres).toContain(g);
    // The vote is the most frequent crop genre (ties: the model's summed probability decides).
    const vote = (await block.getByTestId('from-audio').textContent())!.trim();
    const counts = genres.map((g) => perCrop.filter((x) => x === g).length);
    expect(counts[genres.indexOf(vote)]).toBe(Math.max(...counts));
    await expect(block).toContainText(`vote of ${crops} crops`);

    // The spectrogram under the waveform: 128 bands × all frames, axes in s and Hz, one dashed line per crop edge.
    const spec = cell.getByTestId('classify-spectrogram');
    await expect(spec).toHaveAttribute('data-bands', '128');
    await expect(spec).toHaveAttribute('data-frames', String(frames));
    await expect(spec.getByTestId('spectrogram-x-label')).toHaveText('s');
    await expect(spec.getByTestId('spectrogram-y-label')).toHaveText('Hz');
    await expect(spec.getByTestId('spectrogram-crop')).toHaveCount(crops + 1);
    await expect(spec.getByTestId('spectrogram-overlay')).toHaveCount(0);

    // Why? The saliency overlay, computed in the worker, then shown over the crops.
    // Grad-CAM by default; occlusion on request (computed again).
    await expect(block.getByTestId('saliency-method')).toHaveValue('grad-cam');
    await block.getByTestId('saliency-toggle').check();
    await expect(block.getByTestId('saliency')).toHaveAttribute('data-status', 'done', { timeout: 120_000 });
    await expect(block.getByTestId('saliency')).toHaveAttribute('data-method', 'grad-cam');
    await expect(spec.getByTestId('spectrogram-overlay')).toHaveAttribute('data-visible', 'true');
    // The overlay has pixels: some region pushed towards the voted genre (Grad-CAM), or lowered
    // its probability when hidden (occlusion).
    const painted = () =>
      spec.getByTestId('spectrogram-overlay').evaluate((c: HTMLCanvasElement) => {
        const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
        let n = 0;
        for (let i = 3; i < d.length; i += 4) if (d[i]! > 0) n++;
        return { n, width: c.width };
      });
    const byGradCam = await painted();
    expect(byGradCam.width).toBe(crops * 128);
    expect(byGradCam.n).toBeGreaterThan(0);
    await block.getByTestId('saliency-method').selectOption('occlusion');
    await expect(block.getByTestId('saliency')).toHaveAttribute('data-method', 'occlusion');
    await expect(block.getByTestId('saliency')).toHaveAttribute('data-status', 'done', { timeout: 120_000 });
    expect((await painted()).n).toBeGreaterThan(0);
    await screenshotCell(page, 'classify', 'cnn-classify-saliency');

    // A reload keeps it all: the answer per crop, the spectrogram and the overlay that was shown.
    await page.reload();
    await expect(block.getByTestId('segment-genre')).toHaveCount(crops, { timeout: 60_000 });
    await expect(block.getByTestId('from-audio')).toHaveText(vote);
    await expect(spec.getByTestId('spectrogram-overlay')).toHaveAttribute('data-visible', 'true');
    await expect(block.getByTestId('saliency-toggle')).toBeChecked();
    await block.getByTestId('saliency-toggle').uncheck();
    await expect(spec.getByTestId('spectrogram-overlay')).toHaveAttribute('data-visible', 'false');

    // Playing moves the spectrogram's playhead.
    const playhead = spec.getByTestId('spectrogram-playhead');
    await expect(playhead).toHaveAttribute('data-time-sec', '0.00');
    await cell.getByTestId('classify-audio').evaluate(async (a: HTMLAudioElement) => {
      a.muted = true;
      await a.play();
    });
    await expect.poll(async () => parseFloat((await playhead.getAttribute('data-time-sec')) ?? '0'), { timeout: 30_000 }).toBeGreaterThan(0.2);
    await cell.getByTestId('classify-audio').evaluate((a: HTMLAudioElement) => a.pause());

    // A clip shorter than one crop: the model says both lengths (128 × 512 / 22 050 = 2.97 s; 1 s = 44 frames).
    await page.getByTestId('classify-input').setInputFiles({ name: 'tone.wav', mimeType: 'audio/wav', buffer: toneWav(1) });
    const short = cell.locator('[data-testid="classify-results"][data-file="tone.wav"] [data-testid="model-prediction"]:not([data-model-id="knn-table"]) [data-testid="model-incompatible"]');
    await expect(short).toContainText('crops of 2.97 s (128 frames); the clip is 1.00 s (44 frames)', { timeout: 60_000 });
    await expect(short).toHaveAttribute('data-code', 'audio-too-short');
  });
});

test('Explore draws mel spectrograms of two genres of the demo corpus, with axes in s and Hz, and says when a table has no audio', async ({ page }) => {
  test.setTimeout(600_000);
  await openFresh(page, '/');
  await expect(page.getByTestId('dataset-summary')).toContainText('Synthetic demo corpus', { timeout: 120_000 });
  const section = page.getByTestId('mel-spectrograms');
  await expect(section).toHaveAttribute('data-status', 'done', { timeout: 60_000 });
  // The demo's styles have no contrasting pair on the list: its first two genres, three tracks each.
  const columns = section.getByTestId('mel-genre');
  await expect(columns).toHaveCount(2);
  for (const col of await columns.all()) {
    const charts = col.getByTestId('genre-spectrogram');
    await expect(charts).toHaveCount(3);
    for (const c of await charts.all()) {
      await expect(c.getByTestId('spectrogram-x-label')).toHaveText('s');
      await expect(c.getByTestId('spectrogram-y-label')).toHaveText('Hz');
      await expect(c).toHaveAttribute('data-bands', '128');
      // 6–10 s demo clips at hop 512: 1 + ⌊samples / 512⌋ frames, 259 to 431.
      const frames = Number(await c.getAttribute('data-frames'));
      expect(frames).toBeGreaterThanOrEqual(259);
      expect(frames).toBeLessThanOrEqual(431);
    }
    // Titled by track id, e.g. synth-ambient.00000.
    await expect(col.locator('.spectrogram-title').first()).toHaveText(new RegExp(`^${await col.getAttribute('data-genre')}\\.\\d{5}$`));
  }
  // Drawn: the canvas holds the matrix, one pixel per frame and band, not blank.
  const stats = await section.getByTestId('spectrogram-canvas').first().evaluate((c: HTMLCanvasElement) => {
    const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    const colours = new Set<number>();
    for (let i = 0; i < d.length; i += 4) colours.add((d[i]! << 16) | (d[i + 1]! << 8) | d[i + 2]!);
    return { h: c.height, colours: colours.size };
  });
  expect(stats.h).toBe(128);
  expect(stats.colours).toBeGreaterThan(20);
  await screenshotCell(page, 'explore', 'explore-mel-spectrograms');
  // A third genre adds a column.
  await section.getByTestId('mel-genres').locator('input[type="checkbox"]').nth(2).check();
  await expect(columns).toHaveCount(3);
  await expect(columns.nth(2).getByTestId('genre-spectrogram')).toHaveCount(3, { timeout: 60_000 });

  // A feature table has no audio: the section says so and how to get some.
  await page.getByTestId('file-input').setInputFiles({ name: 'tiny.csv', mimeType: 'text/csv', buffer: Buffer.from('filename,a,b,label\nx.00000.wav,1,2,rock\nx.00001.wav,2,3,rock\ny.00000.wav,5,1,jazz\ny.00001.wav,6,0,jazz\n') });
  await expect(page.getByTestId('mel-no-audio')).toContainText('no audio', { timeout: 60_000 });
  await expect(page.getByTestId('mel-no-audio')).toContainText('genres_original');
});
