import { expect, test, type Locator, type Page } from '@playwright/test';
import { openFresh, screenshotCell } from './helpers';

/** On the demo data, start listening live in 5 s windows (back to back or overlapping by half). */
async function listenLive(page: Page, overlap: boolean): Promise<Locator> {
  await openFresh(page, '/');
  await expect(page.getByTestId('summary-tracks')).toHaveText('40', { timeout: 120_000 });
  const cell = page.getByTestId('cell-classify');
  await cell.getByTestId('mic-seconds').selectOption('5');
  await cell.getByTestId('mic-live').check();
  if (overlap) await cell.getByTestId('mic-overlap').check();
  await cell.getByTestId('mic-record').click();
  return cell;
}

// Chromium runs with --use-fake-device-for-media-stream (playwright.config.ts): the microphone is
// a synthetic beep, and permission is granted without a prompt.
test('a recording from the microphone is classified like a dropped file and kept across a reload', async ({ page }) => {
  test.setTimeout(240_000);
  await openFresh(page, '/'); // the demo corpus: kaggle3 features, a k-NN on it classifies
  await expect(page.getByTestId('summary-tracks')).toHaveText('40', { timeout: 120_000 });
  const cell = page.getByTestId('cell-classify');

  await cell.getByTestId('mic-seconds').selectOption('5');
  await cell.getByTestId('mic-record').click();
  await expect(cell.getByTestId('mic-elapsed')).toContainText('recording');
  const results = cell.locator('[data-testid="classify-results"][data-file^="microphone-"]');
  await expect(results.getByTestId('model-prediction')).toHaveCount(1, { timeout: 60_000 });
  // Exactly the chosen length, with a genre from the k-NN and a per-segment timeline.
  await expect(cell.getByTestId('classify-time')).toContainText('/ 0:05.0');
  await expect(results.getByTestId('from-audio')).toHaveText(/\S/);
  await expect(results.getByTestId('segment-genre').first()).toBeVisible();

  // Stop early: a shorter recording.
  await cell.getByTestId('mic-seconds').selectOption('30');
  await cell.getByTestId('mic-record').click();
  // The level meter moves: the fake microphone's beep arrives (not silence).
  await expect.poll(async () => parseFloat((await cell.locator('.mic-meter > span').getAttribute('style'))?.match(/width: ([\d.]+)%/)?.[1] ?? '0'), { timeout: 20_000 }).toBeGreaterThan(0);
  // At least 3 s recorded (a loaded machine may read it later), then stopped well before the 30 s end.
  await expect(cell.getByTestId('mic-elapsed')).toContainText(/recording… ([3-9]|1\d|2[0-4])\.\d \/ 30 s/, { timeout: 0 });
  await cell.getByTestId('mic-stop').click();
  await expect(cell.getByTestId('mic-record')).toBeVisible();
  await expect(cell.getByTestId('classify-time')).not.toContainText('/ 0:05.0', { timeout: 60_000 });
  const shown = (await cell.getByTestId('classify-time').textContent()) ?? '';
  const seconds = parseFloat(shown.split('/ 0:')[1] ?? 'NaN');
  expect(seconds).toBeGreaterThan(3);
  expect(seconds).toBeLessThan(27);

  // Reload: the recording and its answers come back.
  const name = await results.getAttribute('data-file');
  await page.reload();
  await expect(cell.locator(`[data-testid="classify-results"][data-file="${name}"] [data-testid="model-prediction"]`)).toHaveCount(1, { timeout: 60_000 });
});

test('live: every 5 s window of the microphone is classified as it completes, with the vote so far', async ({ page }) => {
  test.setTimeout(240_000);
  const cell = await listenLive(page, false);
  await expect(cell.getByTestId('mic-elapsed')).toContainText('listening');
  // Two windows classified (each gets the k-NN's genre), while listening goes on.
  const classified = cell.locator('[data-testid="live-chip"]:not([data-genre=""])');
  await expect.poll(() => classified.count(), { timeout: 0 }).toBeGreaterThanOrEqual(2);
  await expect(cell.getByTestId('mic-elapsed')).toContainText('listening');
  // Windows keep completing while the test reads (a loaded machine lags behind): the vote covers
  // every classified window so far — at least the two above.
  await expect(cell.getByTestId('live-leader')).toContainText(/\(\d+ of ([2-9]|\d{2,}) windows\)/);
  await expect(cell.locator('[data-testid="classify-results"]')).toHaveAttribute('data-file', /^live-\d{6}-(00[2-9]|0[1-9]\d|[1-9]\d{2,})\.wav$/);
  await expect(cell.getByTestId('classify-time')).toContainText('/ 0:05.0');
  await screenshotCell(page, 'classify', 'classify-live');
  await cell.getByTestId('mic-stop').click();
  await expect(cell.getByTestId('mic-record')).toBeVisible();
  // The strip stays after stopping.
  await expect(cell.getByTestId('live-chip').first()).toBeVisible();
});

test('live with half-overlapping windows: a 5 s window every 2.5 s, and the vote of the last three', async ({ page }) => {
  test.setTimeout(240_000);
  const cell = await listenLive(page, true);
  await expect(cell.getByTestId('mic-elapsed')).toContainText('a 5 s window every 2.5 s');
  await expect.poll(() => cell.locator('[data-testid="live-chip"]:not([data-genre=""])').count(), { timeout: 0 }).toBeGreaterThanOrEqual(4);
  const chips = cell.getByTestId('live-chip');
  await expect(chips.nth(0)).toHaveAttribute('title', /^0–5 s: /);
  await expect(chips.nth(1)).toHaveAttribute('title', /^2\.5–7\.5 s: /);
  await expect(chips.nth(3)).toHaveAttribute('title', /^7\.5–12\.5 s: /);
  // Every window is the whole 5 s, not the 2.5 s hop.
  await expect(cell.getByTestId('classify-time')).toContainText('/ 0:05.0');
  await expect(cell.getByTestId('live-recent')).toContainText(/last 3: \S+ \([123] of 3\)/);
  await cell.getByTestId('mic-stop').click();
  await expect(cell.getByTestId('mic-record')).toBeVisible();
});

test('a labelled recording joins the spectrogram set as one more track, and is still there after a reload', async ({ page }) => {
  test.setTimeout(600_000);
  await openFresh(page); // no feature table: only the spectrogram set is needed
  // A spectrogram set of the demo corpus (64 bands keeps it small on a shared machine).
  await page.getByTestId('train-model').selectOption('cnn');
  await page.getByTestId('spectro-bands').selectOption('64');
  await page.getByTestId('spectro-demo').click();
  await expect(page.getByTestId('spectro-done')).toContainText('40 of 40', { timeout: 300_000 });
  await expect(page.getByTestId('spectro-tracks')).toHaveText('40');

  const cell = page.getByTestId('cell-classify');
  await cell.getByTestId('mic-seconds').selectOption('5');
  await cell.getByTestId('mic-record').click();
  // Once the recording is in the cell (nothing classifies it here: no table, no model), it can be added.
  await expect(cell.getByTestId('mic-add')).toHaveAttribute('data-file', /^microphone-\d{6}\.wav$/, { timeout: 120_000 });
  const name = (await cell.getByTestId('mic-add').getAttribute('data-file'))!;
  // The set's genres are offered; a new one (the room the fake microphone beeps in) is typed.
  await expect(cell.locator('#mic-add-genres option')).toHaveCount(5);
  await expect(cell.getByTestId('mic-add-button')).toBeDisabled();
  // A genre with a slash is refused in this cell, and the set stays as it was.
  await cell.getByTestId('mic-add-genre').fill('beep/room');
  await cell.getByTestId('mic-add-button').click();
  await expect(cell.getByTestId('mic-add').getByTestId('error')).toContainText('not a genre name');
  await expect(page.getByTestId('spectro-tracks')).toHaveText('40');

  await cell.getByTestId('mic-add-genre').fill('beep');
  await cell.getByTestId('mic-add-button').click();
  const trackId = name.replace(/\.wav$/, '');
  await expect(cell.getByTestId('mic-added')).toContainText(`Added as track ${trackId}: the set has 41 tracks now.`, { timeout: 120_000 });
  await expect(page.getByTestId('spectro-tracks')).toHaveText('41');
  await expect(page.getByTestId('spectro-summary')).toContainText('6 genres (beep, synth-');
  // The same recording twice is refused: a track may be in the set once.
  await cell.getByTestId('mic-add-button').click();
  await expect(cell.getByTestId('mic-add').getByTestId('error')).toContainText('appears twice');
  await expect(page.getByTestId('spectro-tracks')).toHaveText('41');

  await page.reload();
  await page.getByTestId('train-model').selectOption('cnn');
  await expect(page.getByTestId('spectro-tracks')).toHaveText('41', { timeout: 60_000 });
  await expect(page.getByTestId('spectro-summary')).toContainText('beep');
});
