/**
 * Extraction in the browser: one clip on one thread (a worker runs the same code), and the
 * 60 clips of genres_original through the app's own worker pool (one worker per core), timed from
 * dropping the folder to the dataset summary.
 */
import { join } from 'node:path';
import { readAudioFile } from '../src/node/audioFiles';
import { gtzanDir, sharedPath } from '../src/node/paths';
import { openBenchPage, openPreview } from './browser';
import { EXTRACT_GOAL_MS, librosaTimings } from './extract';
import { log, median, report } from './report';

export async function runExtractBrowserBench(): Promise<void> {
  const clipPath = sharedPath('data', 'gtzan', 'audio', 'blues.00000.wav');
  if (!clipPath) return log('extract browser: skipped (../shared absent)');
  const lib = librosaTimings();
  const samples = (await readAudioFile(clipPath)).samples;
  const b = await openBenchPage('bench/extractEntry.ts');
  if (!b) return;
  try {
    const r = (await b.page.evaluate(([s, n]) => (globalThis as any).genreBench.runExtract(s, n), [Array.from(samples), 3] as const)) as Record<string, number[]>;
    for (const recipe of ['kaggle30', 'ntnu30'] as const) {
      report({
        part: 'extract',
        what: `${recipe}, one 30 s clip, browser, one thread (wall, median of ${r[recipe]!.length})`,
        unit: 'ms',
        ours: median(r[recipe]!),
        reference: lib[recipe].wall,
        referenceName: 'librosa wall',
        referenceKind: 'stated',
        referenceSource: lib.source,
        goal: EXTRACT_GOAL_MS[recipe],
      });
    }
  } finally {
    await b.close();
  }
  await runPoolBench(lib);
}

/** The 60 genres_original clips through the built app (built first if dist/ has no build). */
async function runPoolBench(lib: ReturnType<typeof librosaTimings>): Promise<void> {
  const folder = sharedPath('data', 'gtzan', 'genres_original');
  if (!folder) return;
  const s = await openPreview();
  if (!s) return;
  try {
    for (const recipe of ['ntnu30', 'kaggle30']) {
      // A fresh context: empty storage, so nothing comes from the feature cache in IndexedDB.
      const context = await s.browser.newContext();
      const page = await context.newPage();
      await page.goto(`${s.url}/?empty`);
      await page.getByTestId('audio-recipe').selectOption(recipe);
      const t0 = Date.now();
      await page.getByTestId('audio-folder-input').setInputFiles(join(gtzanDir, 'genres_original'));
      await page.getByTestId('audio-done').waitFor({ timeout: 600_000 });
      const sec = (Date.now() - t0) / 1000;
      const cores = await page.evaluate(() => navigator.hardwareConcurrency);
      const id = recipe as 'kaggle30' | 'ntnu30';
      report({
        part: 'extract',
        what: `${recipe}, 60 clips through the app's worker pool (${cores} workers), per clip`,
        unit: 'ms',
        ours: (sec * 1000) / 60,
        reference: lib[id].wall,
        referenceName: 'librosa wall (one process)',
        referenceKind: 'stated',
        referenceSource: lib.source,
        goal: EXTRACT_GOAL_MS[id],
        note: `${sec.toFixed(1)} s for the 60 clips`,
      });
      await context.close();
    }
  } finally {
    await s.close();
  }
}
