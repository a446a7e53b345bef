/**
 * The browser import of a big folder (bench/pool.ts) in this checkout's build against another
 * checkout's, alternating runs in ONE process and one Chromium (other, ours, other, ours …) so
 * both see the same load on a shared machine. Each run is a fresh browser context (empty storage,
 * nothing cached) choosing the same folder of synthetic 30 s clips.
 *
 *   git worktree add /tmp/base main && (cd /tmp/base && npx vite build)   # the build to compare against
 *   npx vite build && npx tsx bench/poolAB.ts /tmp/base [clips] [rounds]
 *
 * Prints per run and as medians: wall time, clips/s, the main thread's long tasks (count, total,
 * longest) and CPU, and Chromium's peak resident memory; the load average beside them.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join, resolve } from 'node:path';
import { chromium } from '@playwright/test';
import { preview } from 'vite';
// @ts-expect-error plain ESM helper without types
import { findChromium } from '../scripts/find-chromium.mjs';
import { median } from './extractStages';
import { importInBrowser, writePoolClips, type BrowserImport } from './pool';

async function main(): Promise<void> {
  const [otherDir, clipsArg, roundsArg] = process.argv.slice(2);
  if (!otherDir) {
    process.stderr.write('usage: npx tsx bench/poolAB.ts <other checkout, built> [clips] [rounds]\n');
    process.exit(2);
  }
  const n = Number(clipsArg ?? 60) || 60;
  const rounds = Number(roundsArg ?? 2) || 2;
  const exe = (await findChromium()) as string | undefined;
  if (!exe) throw new Error('no Chromium (apt-get install chromium)');
  const dir = mkdtempSync(join(os.tmpdir(), 'genre-poolab-'));
  const builds = { other: resolve(otherDir), ours: process.cwd() };
  const servers = await Promise.all(Object.values(builds).map((root) => preview({ root, preview: { port: 0, host: '127.0.0.1' }, logLevel: 'error' })));
  const urls = servers.map((s) => s.resolvedUrls!.local[0]!.replace(/\/$/, ''));
  const browser = await chromium.launch({ executablePath: exe, args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'] });
  const runs: Record<'other' | 'ours', BrowserImport[]> = { other: [], ours: [] };
  try {
    writePoolClips(dir, n);
    for (let r = 0; r < rounds; r++) {
      for (const [k, url] of [['other', urls[0]!], ['ours', urls[1]!]] as const) {
        const load = os.loadavg()[0]!.toFixed(1);
        const x = await importInBrowser(browser, url, dir);
        runs[k].push(x);
        const total = x.longTasks.reduce((a, b) => a + b, 0);
        console.log(
          `${k.padEnd(5)} round ${r + 1}: ${x.browserSec.toFixed(1)} s (${(n / x.browserSec).toFixed(2)} clips/s), long tasks ${x.longTasks.length} (total ${total.toFixed(0)} ms, longest ${Math.max(0, ...x.longTasks).toFixed(0)} ms), ` +
            `main-thread CPU ${x.mainCpuMs.toFixed(0)} ms, peak RSS ${x.peakRssMb.toFixed(0)} MB, load ${load}→${os.loadavg()[0]!.toFixed(1)}; "${x.summary}"`,
        );
      }
    }
    for (const k of ['other', 'ours'] as const) {
      const xs = runs[k];
      console.log(
        `${k} (${builds[k]}), median of ${xs.length}: ${median(xs.map((x) => x.browserSec)).toFixed(1)} s, long tasks ${median(xs.map((x) => x.longTasks.length))} ` +
          `(total ${median(xs.map((x) => x.longTasks.reduce((a, b) => a + b, 0))).toFixed(0)} ms), main-thread CPU ${median(xs.map((x) => x.mainCpuMs)).toFixed(0)} ms, peak RSS ${median(xs.map((x) => x.peakRssMb)).toFixed(0)} MB`,
      );
    }
  } finally {
    await browser.close();
    await Promise.all(servers.map((s) => new Promise<void>((res) => s.httpServer.close(() => res()))));
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
