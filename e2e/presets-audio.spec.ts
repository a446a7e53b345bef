import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test, type Locator } from '@playwright/test';
import { planDemoCorpus, synthesizeClip, type SynthStyle } from '../src/core/audio/synth';
import { encodeWav16 } from '../src/core/audio/wav';
import { openFresh, screenshotCell } from './helpers';

/**
 * The audio paper presets as a student runs them: an audio preset says it needs spectrograms and
 * leads to the Train cell's Spectrograms section; a spectrogram set of the demo corpus is built
 * there (64 bands); the Toronto CNN, its ANN baseline and the Northeastern residual CNN run in
 * quick effort, each with our number next to the paper's; then the Toronto new-data evaluation on
 * a second folder (synthesised here, written to a temporary folder, picked with the folder input):
 * the counts shown — songs in the folder, songs scored, genres unknown to the model — are the
 * folder's, counted from its file names.
 */
const number = (preset: Locator, id: string) => ({ row: preset.locator(`tr[data-number="${id}"]`), ours: preset.locator(`tr[data-number="${id}"] [data-testid=ours]`), paper: preset.locator(`tr[data-number="${id}"] [data-testid=paper]`) });
const PERCENT = /^\d+\.\d\d %$/;
const SR = 22050;

let folder: string;
test.beforeAll(() => {
  folder = mkdtempSync(join(tmpdir(), 'genre-lab-new-songs-'));
  const write = (path: string, style: SynthStyle, seed: number) => {
    mkdirSync(join(folder, path, '..'), { recursive: true });
    // 10 s: at least as long as any crop the demo corpus's clips (6–10 s) can give.
    writeFileSync(join(folder, path), encodeWav16([synthesizeClip(style, seed, 10, SR)], SR));
  };
  // New songs of three styles the model knows (ids the demo corpus does not use) …
  write('new-songs/synth-ambient.00100.wav', 'synth-ambient', 7001);
  write('new-songs/synth-techno.00100.wav', 'synth-techno', 7002);
  write('new-songs/synth-chorale.00100.wav', 'synth-chorale', 7003);
  // … two of a genre it has never seen (the genre from the sub-folder) …
  write('new-songs/lofi/tape-a.wav', 'synth-boombap', 7004);
  write('new-songs/lofi/tape-b.wav', 'synth-boombap', 7005);
  // … and one whose id is a demo clip's: not new, so not scored.
  write('new-songs/synth-ambient.00000.wav', 'synth-ambient', 7006);
});
test.afterAll(() => rmSync(folder, { recursive: true, force: true }));

test('the audio presets on a demo-corpus spectrogram set, and the Toronto new-data evaluation on a second folder', async ({ page }) => {
  test.setTimeout(1_800_000);
  await openFresh(page);
  const cell = page.getByTestId('cell-presets');
  await cell.getByTestId('preset-effort').selectOption('quick');

  // No spectrogram set: the preset says what it needs and leads to where it is built.
  const cnn = cell.getByTestId('preset-toronto-cnn');
  await expect(cnn.getByTestId('run-preset-toronto-cnn')).toBeDisabled();
  await expect(cnn.getByTestId('preset-needs')).toContainText('needs a folder of labelled clips');
  await cnn.getByTestId('preset-goto-spectrograms').click();
  await expect(page.getByTestId('spectrograms')).toBeInViewport();
  await expect(page.getByTestId('train-model')).toHaveValue('cnn');

  // 64 bands keeps the runs small on a shared machine.
  await page.getByTestId('spectro-bands').selectOption('64');
  await page.getByTestId('spectro-demo').click();
  await expect(page.getByTestId('spectro-done')).toContainText('40 of 40', { timeout: 300_000 });
  await expect(cnn.getByTestId('preset-needs')).toHaveAttribute('data-runnable', 'true');
  await expect(cnn.getByTestId('preset-goto-spectrograms')).toHaveCount(0);

  // The demo clips last 6–10 s, shorter than the report's 10 s segments: crops are the shortest clip,
  // 1 + ⌊samples / 512⌋ frames (centred STFT), computed here from the corpus plan.
  const shortestSec = Math.min(...planDemoCorpus().map((p) => p.durationSec));
  const cropFrames = 1 + Math.floor(Math.round(shortestSec * SR) / 512);

  // Toronto CNN: per-crop accuracy next to the report's 68 %.
  await cnn.getByTestId('run-preset-toronto-cnn').click();
  await expect(number(cnn, 'crop-accuracy').ours).toHaveText(PERCENT, { timeout: 600_000 });
  await expect(number(cnn, 'crop-accuracy').paper).toHaveText('68.00 %');
  await expect(number(cnn, 'crop-accuracy').row).toContainText('ours: 5 genres');
  await expect(cnn.getByTestId('preset-notes')).toContainText(`(${cropFrames} frames)`);
  await expect(cnn.getByTestId('preset-data-used')).toContainText('quick effort');

  // Toronto ANN baseline: one hidden layer of 300 on the flattened 64 × cropFrames crop, 5 genres.
  const ann = cell.getByTestId('preset-toronto-ann');
  await ann.getByTestId('run-preset-toronto-ann').click();
  await expect(number(ann, 'parameters').ours).toHaveText(String(64 * cropFrames * 300 + 300 + 300 * 5 + 5), { timeout: 600_000 });
  await expect(number(ann, 'accuracy').ours).toHaveText(PERCENT);
  await expect(number(ann, 'accuracy').paper).toHaveText('not stated in our sources');

  // Northeastern residual CNN: per-track accuracy next to the report's 62.5 %.
  const ne = cell.getByTestId('preset-northeastern-cnn');
  await ne.getByTestId('run-preset-northeastern-cnn').click();
  await expect(number(ne, 'accuracy').ours).toHaveText(PERCENT, { timeout: 600_000 });
  await expect(number(ne, 'accuracy').paper).toHaveText('62.50 %');

  // The new-data evaluation: it needs the second folder, picked with the folder input.
  const nd = cell.getByTestId('preset-toronto-new-data');
  await expect(nd.getByTestId('run-preset-toronto-new-data')).toBeDisabled();
  await expect(nd.getByTestId('preset-needs')).toContainText('needs a second labelled audio folder');
  await nd.getByTestId('eval-audio-folder-input').setInputFiles(join(folder, 'new-songs'));
  await expect(nd.getByTestId('eval-audio-done')).toContainText('6 of 6', { timeout: 300_000 });
  await expect(nd.getByTestId('eval-audio-tracks')).toHaveText('6');
  await expect(nd.getByTestId('eval-audio-genres')).toHaveText('lofi, synth-ambient, synth-chorale, synth-techno');
  await nd.getByTestId('run-preset-toronto-new-data').click();
  // Scored: the three new songs of known styles; not scored: 2 of the unknown genre lofi, 1 demo clip.
  await expect(number(nd, 'new-data-tracks').ours).toHaveText('3', { timeout: 600_000 });
  await expect(number(nd, 'new-data-tracks').row).toContainText('of 6 in the folder');
  await expect(number(nd, 'new-data-unknown-genres').ours).toHaveText('1');
  await expect(number(nd, 'new-data-unknown-genres').row).toContainText('lofi; 2 tracks');
  await expect(number(nd, 'new-data-accuracy').ours).toHaveText(PERCENT);
  await expect(number(nd, 'new-data-accuracy').paper).toHaveText('48.80 %');
  await expect(number(nd, 'crop-accuracy').paper).toHaveText('68.00 %');
  await expect(nd.getByTestId('preset-notes')).toContainText('2 of genres the model does not know (lofi); 1 also in the training folder; 0 shorter than one crop');
  await screenshotCell(page, 'presets', 'presets-audio');

  // After a reload the second folder is still there, and so is the result.
  await page.reload();
  await expect(nd.getByTestId('eval-audio-tracks')).toHaveText('6');
  await expect(number(nd, 'new-data-tracks').ours).toHaveText('3');
});
