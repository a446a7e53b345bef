/**
 * The LSTM epoch through the app's Train cell, before and after cross-origin isolation, alternating
 * in one browser: "not isolated" strips COOP/COEP from the page (what a static host without the
 * headers serves: the single-threaded SIMD binary, as before), "isolated" is vite preview as
 * configured (the backend picker times both binaries and keeps the faster). NTNU 10 s table,
 * wasm backend, no validation hold-out; median of the epochs after the first. Needs a build.
 *
 *   npx tsx bench/threadsApp.ts [--rounds 2] [--epochs 6]
 */
import { chromium } from '@playwright/test';
import { existsSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { preview } from 'vite';
import { setUpLstmRun } from './trainBrowser';
import { serveWithoutIsolation } from '../e2e/isolation';
import { median } from './report';
// @ts-expect-error plain ESM helper without types
import { findChromium } from '../scripts/find-chromium.mjs';

const PORT = Number(process.env['BENCH_PORT'] || 4616);

function opt(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : fallback;
}

const load = (): string => loadavg().map((l) => l.toFixed(2)).join(' ');

async function main(): Promise<void> {
  const rounds = Number(opt('rounds', '2'));
  const epochs = Number(opt('epochs', '6'));
  const exe = (await findChromium()) as string | undefined;
  if (!exe || !existsSync(join('dist', 'index.html'))) throw new Error('needs a Chromium and a build (npm run build)');
  const server = await preview({ preview: { port: PORT, strictPort: true, host: '127.0.0.1' }, logLevel: 'error' });
  const browser = await chromium.launch({ executablePath: exe, args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'] });
  const results: Record<string, number[]> = { 'not isolated': [], isolated: [] };
  console.log(`LSTM epoch in the app's Train cell (NTNU 10 s, wasm, ${epochs} epochs, median after the first); ${rounds} rounds alternating; load ${load()} at start`);
  try {
    for (let r = 0; r < rounds; r++) {
      for (const mode of (r % 2 === 0 ? ['not isolated', 'isolated'] : ['isolated', 'not isolated']) as ('not isolated' | 'isolated')[]) {
        // A fresh context per run: no service worker, no tfjs state carried over.
        const context = await browser.newContext({ serviceWorkers: 'block' });
        const page = await context.newPage();
        if (mode === 'not isolated') await serveWithoutIsolation(page);
        await setUpLstmRun(page, PORT, epochs);
        await page.getByTestId('train-backend').selectOption('wasm');
        await page.getByTestId('backend-wasm').waitFor({ timeout: 120_000 });
        const badge = await page.getByTestId('backend-wasm').textContent();
        await page.getByTestId('run-train').click();
        await page.getByTestId('train-accuracy').waitFor({ timeout: 900_000 });
        const ms = ((await page.getByTestId('train-curves').getAttribute('data-epoch-ms')) ?? '').split(',').map(Number);
        const epoch = median(ms.slice(1)) / 1000;
        results[mode]!.push(epoch);
        console.log(`  ${mode.padEnd(12)} median epoch ${epoch.toFixed(3)} s (epochs ${ms.map((v) => (v / 1000).toFixed(3)).join(', ')}); accuracy ${await page.getByTestId('train-accuracy').textContent()}; wasm${badge}; load ${load()}`);
        await context.close();
      }
    }
    const a = median(results['not isolated']!);
    const b = median(results['isolated']!);
    console.log(`not isolated ${a.toFixed(3)} s, isolated ${b.toFixed(3)} s per epoch → isolated / not ${(b / a).toFixed(2)}×; load ${load()} at end`);
  } finally {
    await browser.close();
    await new Promise<void>((res) => server.httpServer.close(() => res()));
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
