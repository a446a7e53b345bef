/**
 * Run a benchmark entry inside headless Chromium: the entry (a TS module that sets
 * `globalThis.genreBench`) is bundled with Vite's API into an IIFE and injected into a blank page.
 */
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'vite';
import { chromium, type Browser, type Page } from '@playwright/test';
import { log } from './report';
// @ts-expect-error plain ESM helper without types
import { findChromium } from '../scripts/find-chromium.mjs';

export interface BrowserBench {
  page: Page;
  close(): Promise<void>;
}

/** A benchmark entry bundled with Vite's API into one IIFE script (its text). */
export async function bundleBenchEntry(entry: string): Promise<string> {
  const outDir = mkdtempSync(join(tmpdir(), 'genre-bench-'));
  await build({
    configFile: false,
    logLevel: 'error',
    define: { global: 'globalThis', 'process.env.NODE_ENV': '"production"' },
    build: { outDir, emptyOutDir: true, lib: { entry: resolve(entry), name: 'genreBenchEntry', formats: ['iife'], fileName: () => 'bench.js' }, minify: true },
  });
  return readFileSync(join(outDir, readdirSync(outDir).find((f) => f.endsWith('.js'))!), 'utf8');
}

export async function openBenchPage(entry: string): Promise<BrowserBench | undefined> {
  const exe = (await findChromium()) as string | undefined;
  if (!exe) {
    log('browser: skipped (no Chromium: apt-get install chromium)');
    return undefined;
  }
  const js = await bundleBenchEntry(entry);
  const browser: Browser = await chromium.launch({ executablePath: exe, args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'] });
  const page = await browser.newPage();
  await page.goto('about:blank');
  await page.addScriptTag({ content: js });
  return { page, close: () => browser.close() };
}

/**
 * A clock of the page's main-thread CPU time in ms (CDP Performance metric ThreadTime). Read it
 * around a `page.evaluate` whose work runs on that thread: on a shared machine wall time is the
 * work plus the wait for a core, this is the work (what a quiet machine's wall time would be).
 */
export async function mainThreadCpuClock(page: Page): Promise<() => Promise<number>> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  return async () => 1000 * ((await cdp.send('Performance.getMetrics')).metrics.find((m) => m.name === 'ThreadTime')?.value ?? NaN);
}

export interface PreviewSession {
  /** The app's origin, e.g. http://127.0.0.1:41234 */
  url: string;
  browser: Browser;
  close(): Promise<void>;
}

/** A free TCP port on 127.0.0.1 (the OS picks one; it is closed again before vite takes it). */
async function freePort(): Promise<number> {
  const { createServer } = await import('node:net');
  return new Promise((res, rej) => {
    const s = createServer();
    s.once('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => res(port));
    });
  });
}

/**
 * The production build served by `vite preview` on a free port, and headless Chromium (the e2e
 * finder) to open it. Builds first when `dist/` has no build (`npm run build` does the same).
 * Undefined, with the reason logged, when there is no Chromium.
 */
export async function openPreview(): Promise<PreviewSession | undefined> {
  const exe = (await findChromium()) as string | undefined;
  if (!exe) {
    log('browser: skipped (no Chromium: apt-get install chromium)');
    return undefined;
  }
  const { existsSync } = await import('node:fs');
  if (!existsSync(join('dist', 'index.html'))) {
    log('no production build in dist/: building it (npm run build)…');
    await build({ logLevel: 'error' });
  }
  const { preview } = await import('vite');
  const port = await freePort();
  const server = await preview({ preview: { port, strictPort: true, host: '127.0.0.1' }, logLevel: 'error' });
  const browser = await chromium.launch({ executablePath: exe, args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'] });
  return {
    url: `http://127.0.0.1:${port}`,
    browser,
    close: async () => {
      await browser.close();
      await new Promise<void>((res) => server.httpServer.close(() => res()));
    },
  };
}
