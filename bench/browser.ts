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

export async function openBenchPage(entry: string): Promise<BrowserBench | undefined> {
  const exe = (await findChromium()) as string | undefined;
  if (!exe) {
    log('browser: skipped (no Chromium: apt-get install chromium)');
    return undefined;
  }
  const outDir = mkdtempSync(join(tmpdir(), 'genre-bench-'));
  await build({
    configFile: false,
    logLevel: 'error',
    define: { global: 'globalThis', 'process.env.NODE_ENV': '"production"' },
    build: { outDir, emptyOutDir: true, lib: { entry: resolve(entry), name: 'genreBenchEntry', formats: ['iife'], fileName: () => 'bench.js' }, minify: true },
  });
  const js = readFileSync(join(outDir, readdirSync(outDir).find((f) => f.endsWith('.js'))!), 'utf8');
  const browser: Browser = await chromium.launch({ executablePath: exe, args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'] });
  const page = await browser.newPage();
  await page.goto('about:blank');
  await page.addScriptTag({ content: js });
  return { page, close: () => browser.close() };
}
