/**
 * A big folder through the browser's extraction pool (issue 13): N synthetic 30 s clips
 * (core/audio/synth.ts, written as 16-bit WAV files) chosen as a folder in the built app — the path
 * a dropped folder takes: one extraction worker per core — timed from choosing the folder to the
 * "done" line, beside Node's `lab extract --jobs 2` on the same files (src/node/extractPool.ts).
 * 1000 × 30 s is ~15 min of extraction per side on 2 free cores, so the default is 200 clips with
 * the time for 1000 extrapolated (and labelled as such); `--clips 1000` runs them all.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeWav16 } from '../src/core/audio/wav';
import { planDemoCorpus, synthesizeClip, SYNTH_STYLES } from '../src/core/audio/synth';
import { extractFiles } from '../src/node/extractPool';
import type { Browser } from '@playwright/test';
import { mainThreadCpuClock, openPreview } from './browser';
import { log, report } from './report';

export const POOL_DEFAULT_CLIPS = 200;
const FULL = 1000;
const CLIP_SEC = 30;
const RECIPE = 'kaggle30';

/** Resident memory (MB) of this process's descendants — the Chromium we launched, all its processes. */
function childrenRssMb(): number {
  const rows = execFileSync('ps', ['-eo', 'pid=,ppid=,rss='], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .map((l) => l.trim().split(/\s+/).map(Number) as [number, number, number]);
  const kids = new Map<number, number[]>();
  for (const [pid, ppid] of rows) kids.set(ppid, [...(kids.get(ppid) ?? []), pid]);
  const rss = new Map(rows.map(([pid, , kb]) => [pid, kb]));
  let kb = 0;
  const stack = [...(kids.get(process.pid) ?? [])];
  while (stack.length) {
    const pid = stack.pop()!;
    kb += rss.get(pid) ?? 0;
    stack.push(...(kids.get(pid) ?? []));
  }
  return kb / 1024;
}

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

export interface BrowserImport {
  browserSec: number;
  /** Durations (ms) of the page's main-thread long tasks (> 50 ms: what a user feels as jank) during the import. */
  longTasks: number[];
  /** The page's main-thread CPU time during the import (CDP ThreadTime): the work, without the wait for a core. */
  mainCpuMs: number;
  peakRssMb: number;
  workers: number;
  /** The Data cell's "done" line. */
  summary: string;
}

/**
 * Choose `dir` as a folder in the app at `url` (a fresh browser context: empty storage, so nothing
 * is cached) and time it to the Data cell's "done" line, with the main thread's long tasks and CPU.
 */
export async function importInBrowser(browser: Browser, url: string, dir: string): Promise<BrowserImport> {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    await page.goto(`${url}/?empty`);
    await page.getByTestId('audio-recipe').selectOption(RECIPE);
    await page.evaluate(() => {
      const g = globalThis as unknown as { longTasks: number[] };
      g.longTasks = [];
      new PerformanceObserver((l) => l.getEntries().forEach((e) => g.longTasks.push(e.duration))).observe({ type: 'longtask', buffered: false });
    });
    const cpu = await mainThreadCpuClock(page);
    let peakRssMb = childrenRssMb();
    const sampler = setInterval(() => (peakRssMb = Math.max(peakRssMb, childrenRssMb())), 1000);
    const tb = Date.now();
    const cpu0 = await cpu();
    const done = page.getByTestId('audio-done');
    try {
      await page.getByTestId('audio-folder-input').setInputFiles(dir);
      await done.waitFor({ timeout: 3_600_000 });
    } finally {
      clearInterval(sampler);
    }
    const browserSec = (Date.now() - tb) / 1000;
    const mainCpuMs = (await cpu()) - cpu0;
    const longTasks = await page.evaluate(() => (globalThis as unknown as { longTasks: number[] }).longTasks);
    const workers = await page.evaluate(() => navigator.hardwareConcurrency);
    const summary = ((await done.textContent()) ?? '').trim().replace(/\s+/g, ' ');
    return { browserSec, longTasks, mainCpuMs, peakRssMb, workers, summary };
  } finally {
    await context.close();
  }
}

/** N synthetic 30 s clips (five styles, seeded) written to `dir` as 16-bit WAV files; their paths. */
export function writePoolClips(dir: string, n: number): string[] {
  const plan = planDemoCorpus({ clipsPerStyle: Math.ceil(n / SYNTH_STYLES.length), durationSec: [CLIP_SEC, CLIP_SEC], seed: 13 }).slice(0, n);
  return plan.map((p) => {
    const path = join(dir, p.fileName);
    writeFileSync(path, encodeWav16([synthesizeClip(p.style, p.seed, p.durationSec)], 22050));
    return path;
  });
}

export async function runPoolBench(o: { clips?: number } = {}): Promise<void> {
  const n = o.clips ?? POOL_DEFAULT_CLIPS;
  const dir = mkdtempSync(join(tmpdir(), 'genre-pool-'));
  try {
    const t0 = performance.now();
    const files = writePoolClips(dir, n);
    log(`pool: ${n} synthetic ${CLIP_SEC} s clips written to ${dir} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

    const tn = performance.now();
    const outcomes = await extractFiles(files, RECIPE, { jobs: 2 });
    const nodeSec = (performance.now() - tn) / 1000;
    const nodeFailed = outcomes.filter((r) => r.failed).length;
    log(`pool: Node extract --jobs 2: ${nodeSec.toFixed(1)} s (${(n / nodeSec).toFixed(2)} clips/s)${nodeFailed ? `, ${nodeFailed} failed` : ''}`);

    const s = await openPreview();
    if (!s) return;
    let run: BrowserImport;
    try {
      run = await importInBrowser(s.browser, s.url, dir);
    } finally {
      await s.close();
    }
    log(
      `pool: browser main thread: ${run.longTasks.length} long task(s) > 50 ms, longest ${run.longTasks.length ? Math.max(...run.longTasks).toFixed(0) : 0} ms, ` +
        `total ${sum(run.longTasks).toFixed(0)} ms; its CPU during the import ${run.mainCpuMs.toFixed(0)} ms; Chromium's peak resident memory ${run.peakRssMb.toFixed(0)} MB (all its processes)`,
    );
    const { browserSec, workers, summary } = run;
    log(`pool: browser says "${summary}"`);
    const line = (what: string, ours: number, reference: number, note: string, extrapolated = false) =>
      report({
        part: 'pool',
        what,
        unit: 's',
        ours,
        reference,
        referenceName: `Node lab extract --jobs 2 (same clips)`,
        // An extrapolated Node time is not a measurement either: say where it comes from.
        ...(extrapolated ? { referenceKind: 'stated' as const, referenceSource: `extrapolated from the ${n}-clip run` } : { referenceKind: 'measured' as const }),
        note,
      });
    line(`${n} × ${CLIP_SEC} s clips (${RECIPE}) through the browser's extraction pool (${workers} workers), total`, browserSec, nodeSec, `browser ${(n / browserSec).toFixed(2)} clips/s, Node ${(n / nodeSec).toFixed(2)} clips/s`);
    if (n < FULL) {
      const k = FULL / n;
      line(`${FULL} × ${CLIP_SEC} s clips, EXTRAPOLATED linearly from the ${n} run (×${k.toFixed(1)}), not measured`, browserSec * k, nodeSec * k, `run --clips ${FULL} to measure it`, true);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
