/**
 * Extraction in the browser: one clip on one thread (a worker runs the same code), and the
 * 60 clips of genres_original through the app's own worker pool (one worker per core), timed from
 * dropping the folder to the dataset summary.
 */
import { join } from 'node:path';
import { chromium } from '@playwright/test';
import { preview } from 'vite';
import { readAudioFile } from '../src/node/audioFiles';
import { gtzanDir, sharedPath } from '../src/node/paths';
import { openBenchPage } from './browser';
// @ts-expect-error plain ESM helper without types
import { findChromium } from '../scripts/find-chromium.mjs';

const LIBROSA_MS = { kaggle30: { low: 1700, high: 2500 }, ntnu30: { low: 370, high: 370 } };
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export async function runExtractBrowserBench(): Promise<void> {
  const clipPath = sharedPath('data', 'gtzan', 'audio', 'blues.00000.wav');
  if (!clipPath) return console.log('extract browser: skipped (../shared absent)');
  const samples = (await readAudioFile(clipPath)).samples;
  const b = await openBenchPage('bench/extractEntry.ts');
  if (!b) return;
  try {
    const r = (await b.page.evaluate(([s, n]) => (globalThis as any).genreBench.runExtract(s, n), [Array.from(samples), 3] as const)) as Record<string, number[]>;
    for (const recipe of ['kaggle30', 'ntnu30'] as const) {
      const m = median(r[recipe]!);
      const l = LIBROSA_MS[recipe];
      console.log(`extract browser ${recipe.padEnd(8)} one 30 s clip, one thread: ${m.toFixed(0)} ms · ${(l.low / m).toFixed(1)}–${(l.high / m).toFixed(1)}× faster than librosa (${l.low}${l.high !== l.low ? `–${l.high}` : ''} ms)`);
    }
  } finally {
    await b.close();
  }
  await runPoolBench();
}

/** The 60 genres_original clips through the built app (needs `npm run build` first). */
async function runPoolBench(): Promise<void> {
  const folder = sharedPath('data', 'gtzan', 'genres_original');
  const exe = (await findChromium()) as string | undefined;
  if (!folder || !exe) return;
  const server = await preview({ preview: { port: 4319, strictPort: true, host: '127.0.0.1' }, logLevel: 'error' });
  const browser = await chromium.launch({ executablePath: exe, args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'] });
  try {
    for (const recipe of ['ntnu30', 'kaggle30']) {
      const page = await browser.newPage();
      await page.goto('http://127.0.0.1:4319/?empty');
      // Fresh feature cache so nothing comes from IndexedDB.
      await page.evaluate(() => new Promise<void>((res) => { const r = indexedDB.deleteDatabase('genre-lab-features'); r.onsuccess = r.onerror = r.onblocked = () => res(); }));
      await page.reload();
      await page.getByTestId('audio-recipe').selectOption(recipe);
      const t0 = Date.now();
      await page.getByTestId('audio-folder-input').setInputFiles(join(gtzanDir, 'genres_original'));
      await page.getByTestId('audio-done').waitFor({ timeout: 600_000 });
      const sec = (Date.now() - t0) / 1000;
      const cores = await page.evaluate(() => navigator.hardwareConcurrency);
      const l = LIBROSA_MS[recipe as 'kaggle30' | 'ntnu30'];
      console.log(`extract pool    ${recipe.padEnd(8)} 60 clips, ${cores} workers: ${sec.toFixed(1)} s (${((sec * 1000) / 60).toFixed(0)} ms per clip) · librosa one process: ${((60 * l.low) / 1000).toFixed(0)}${l.high !== l.low ? `–${((60 * l.high) / 1000).toFixed(0)}` : ''} s`);
      await page.close();
    }
  } finally {
    await browser.close();
    await new Promise<void>((res) => server.httpServer.close(() => res()));
  }
}
