/**
 * Extraction in the browser: one clip on one thread (a worker runs the same code), and the
 * 60 clips of genres_original through the app's own worker pool (one worker per core), timed from
 * dropping the folder to the dataset summary.
 */
import { join } from 'node:path';
import { readAudioFile } from '../src/node/audioFiles';
import { gtzanDir, sharedPath } from '../src/node/paths';
import { loadavg } from 'node:os';
import { mainThreadCpuClock, openBenchPage, openPreview } from './browser';
import { EXTRACT_GOAL_MS, librosaTimings } from './extract';
import { log, median, report } from './report';

export async function runExtractBrowserBench(): Promise<void> {
  const clipPath = sharedPath('data', 'gtzan', 'audio', 'blues.00000.wav');
  if (!clipPath) return log('extract browser: skipped (../shared absent)');
  const lib = librosaTimings();
  const samples = (await readAudioFile(clipPath)).samples;
  const b = await openBenchPage('bench/extractEntry.ts');
  if (!b) return;
  const reps = 5;
  type Bench = { genreBench: { setSamples: (b64: string) => number; extractOnce: (recipe: string) => number } };
  try {
    const b64 = Buffer.from(samples.buffer, samples.byteOffset, samples.byteLength).toString('base64');
    await b.page.evaluate((s) => (globalThis as unknown as Bench).genreBench.setSamples(s), b64);
    const cpuMs = await mainThreadCpuClock(b.page);
    for (const recipe of ['kaggle30', 'ntnu30'] as const) {
      const wall: number[] = [];
      const cpu: number[] = [];
      // one warm-up (JIT), as librosa's figure excludes its first call
      for (let r = 0; r <= reps; r++) {
        const c0 = await cpuMs();
        const w = await b.page.evaluate((rc) => (globalThis as unknown as Bench).genreBench.extractOnce(rc), recipe);
        const c = (await cpuMs()) - c0;
        if (r === 0) continue;
        wall.push(w);
        cpu.push(c);
      }
      const line = {
        part: 'extract' as const,
        unit: 'ms' as const,
        referenceKind: 'stated' as const,
        referenceSource: lib.source,
        goal: EXTRACT_GOAL_MS[recipe],
      };
      report({ ...line, what: `${recipe}, one 30 s clip, browser, one thread (wall, median of ${reps})`, ours: median(wall), reference: lib[recipe].wall, referenceName: 'librosa wall', note: `load ${loadavg()[0]!.toFixed(2)}` });
      // as in Node's table, the goal is judged on wall time; CPU time shows what a quiet machine would give
      report({ ...line, goal: undefined, what: `${recipe}, one 30 s clip, browser, one thread (main-thread CPU, median of ${reps})`, ours: median(cpu), reference: lib[recipe].cpu, referenceName: 'librosa process CPU' });
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
