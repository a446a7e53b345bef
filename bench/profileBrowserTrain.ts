/**
 * CPU profile of the training worker while the Train cell trains the LSTM on the NTNU 10 s table
 * (the browser half of issue 13's "where does the browser lose against Node"): attaches to the
 * dedicated worker over the DevTools protocol (Target auto-attach, Profiler domain), trains a few
 * epochs (as bench/trainBrowser.ts sets them up), and prints the self time per function (top 40).
 * Needs `npm run build`.
 * `npx tsx bench/profileBrowserTrain.ts [out.cpuprofile]`; BENCH_PORT moves the preview server.
 */
import { chromium } from '@playwright/test';
import { preview } from 'vite';
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { setUpLstmRun } from './trainBrowser';
// @ts-expect-error plain ESM helper without types
import { findChromium } from '../scripts/find-chromium.mjs';

const PORT = Number(process.env['BENCH_PORT'] || 4321);
const EPOCHS = Number(process.env['BENCH_EPOCHS'] || 8);

interface ProfileNode { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; hitCount?: number; children?: number[] }
interface Profile { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[]; startTime: number; endTime: number }

async function main(): Promise<void> {
  const exe = (await findChromium()) as string;
  const server = await preview({ preview: { port: PORT, strictPort: true, host: '127.0.0.1' }, logLevel: 'error' });
  const browser = await chromium.launch({ executablePath: exe, args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'] });
  try {
    const page = await browser.newPage();
    page.on('console', (m) => { if (m.type() === 'error') console.log('page:', m.text()); });
    const cdp = await page.context().newCDPSession(page);
    const workers = new Map<string, string>();
    let nextId = 1;
    const pending = new Map<number, (r: unknown) => void>();
    cdp.on('Target.attachedToTarget', (e: { sessionId: string; targetInfo: { type: string; url: string } }) => {
      if (e.targetInfo.type === 'worker') workers.set(e.sessionId, e.targetInfo.url);
    });
    cdp.on('Target.detachedFromTarget', (e: { sessionId: string }) => workers.delete(e.sessionId));
    cdp.on('Target.receivedMessageFromTarget', (e: { message: string }) => {
      const msg = JSON.parse(e.message) as { id?: number; result?: unknown };
      if (msg.id !== undefined && pending.has(msg.id)) { pending.get(msg.id)!(msg.result); pending.delete(msg.id); }
    });
    const send = (sessionId: string, method: string, params: object = {}): Promise<unknown> => {
      const id = nextId++;
      return new Promise((res) => { pending.set(id, res); void cdp.send('Target.sendMessageToTarget', { sessionId, message: JSON.stringify({ id, method, params }) }); });
    };
    await cdp.send('Target.setAutoAttach', { autoAttach: true, waitForDebuggerOnStart: false, flatten: false });
    await setUpLstmRun(page, PORT, EPOCHS);
    await page.waitForFunction(() => !document.querySelector('[data-testid=backend]')?.textContent?.includes('measuring'), null, { timeout: 600_000 });
    await page.getByTestId('train-backend').selectOption('wasm');
    await page.waitForFunction(() => document.querySelector('[data-testid=backend] b')?.textContent === 'wasm', null, { timeout: 120_000 });
    console.log('backend:', await page.getByTestId('backend').textContent(), '| workers:', [...workers.values()].map((u) => u.split('/').pop()).join(', '));
    const train = [...workers].filter(([, url]) => url.includes('train')).map(([s]) => s);
    for (const s of train) { await send(s, 'Profiler.enable'); await send(s, 'Profiler.setSamplingInterval', { interval: 200 }); await send(s, 'Profiler.start'); }
    await page.getByTestId('run-train').click();
    await page.getByTestId('train-accuracy').waitFor({ timeout: 900_000 });
    const epochMs = await page.getByTestId('train-curves').getAttribute('data-median-epoch-ms');
    console.log(`median epoch ${epochMs} ms; load ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
    let best: Profile | undefined;
    for (const s of train) {
      const r = (await send(s, 'Profiler.stop')) as { profile: Profile };
      if (!best || r.profile.samples.length > best.samples.length) best = r.profile;
    }
    if (!best) throw new Error('no worker profile');
    if (process.argv[2]) writeFileSync(process.argv[2], JSON.stringify(best));
    summarise(best);
  } finally {
    await browser.close();
    await new Promise<void>((res) => server.httpServer.close(() => res()));
  }
}

function summarise(p: Profile): void {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  p.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (p.timeDeltas[i] ?? 0)));
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  const byFn = new Map<string, number>();
  for (const [id, us] of self) {
    const n = byId.get(id)!;
    const f = n.callFrame;
    const key = `${f.functionName || '(anon)'} ${f.url.split('/').pop()}:${f.lineNumber}`;
    byFn.set(key, (byFn.get(key) ?? 0) + us);
  }
  console.log(`total sampled ${(total / 1000).toFixed(0)} ms`);
  [...byFn.entries()].sort((a, b) => b[1] - a[1]).slice(0, 40).forEach(([k, us]) => console.log(`${((100 * us) / total).toFixed(1).padStart(5)} %  ${(us / 1000).toFixed(0).padStart(6)} ms  ${k}`));
}

void main();
