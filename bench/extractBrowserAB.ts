/**
 * Extraction in the browser, another checkout against this one: each checkout's
 * bench/extractEntry.ts is bundled on its own and both are loaded into one headless Chromium
 * page, then called alternately on blues.00000.wav (old, new, old, new …) so both see the same
 * load. Prints median main-thread CPU and wall ms per recipe, the load, and (from this
 * checkout's entry) whether the page's HPSS kernel ran and matched the TypeScript filters, and
 * how many of the page's feature values differ from the same checkout's in Node.
 *
 *   npx tsx bench/extractBrowserAB.ts <other checkout> [rounds] [recipe …]
 */
import os from 'node:os';
import { resolve } from 'node:path';
import { readAudioFile } from '../src/node/audioFiles';
import { sharedPath } from '../src/node/paths';
import { extractRecipe } from '../src/core/features/recipes';
import { bundleBenchEntry, mainThreadCpuClock, openBenchPage } from './browser';
import { median } from './extractStages';

interface Entry {
  setSamples(b64: string): number;
  extractOnce(recipe: string): number;
  hpssCheck?(): { kernel: boolean; differing: number; cells: number };
  rowsOnce?(recipe: string): { b64: string; fftKernel: boolean };
}
type Globals = { genreBench: Entry; genreBenchBase: Entry };

async function main(): Promise<void> {
  const [otherDir, roundsArg, ...recipeArgs] = process.argv.slice(2);
  const clipPath = sharedPath('data', 'gtzan', 'audio', 'blues.00000.wav');
  if (!otherDir || !clipPath) {
    process.stderr.write('usage: npx tsx bench/extractBrowserAB.ts <other checkout> [rounds] [recipe …] (needs ../shared)\n');
    process.exit(2);
  }
  const rounds = Number(roundsArg ?? 7) || 7;
  const recipes = recipeArgs.length ? recipeArgs : ['kaggle30', 'ntnu30'];
  const b = await openBenchPage(resolve(otherDir, 'bench/extractEntry.ts'));
  if (!b) return;
  try {
    await b.page.evaluate(() => {
      const g = globalThis as unknown as Globals;
      g.genreBenchBase = g.genreBench;
    });
    await b.page.addScriptTag({ content: await bundleBenchEntry('bench/extractEntry.ts') });
    const samples = (await readAudioFile(clipPath)).samples;
    const b64 = Buffer.from(samples.buffer, samples.byteOffset, samples.byteLength).toString('base64');
    await b.page.evaluate((s) => {
      const g = globalThis as unknown as Globals;
      g.genreBenchBase.setSamples(s);
      g.genreBench.setSamples(s);
    }, b64);
    const check = await b.page.evaluate(() => (globalThis as unknown as Globals).genreBench.hpssCheck?.());
    process.stdout.write(`blues.00000.wav; base = ${resolve(otherDir)}; ${rounds} alternating rounds after a warm-up; load ${os.loadavg()[0]?.toFixed(1)} at start\n`);
    if (check) process.stdout.write(`HPSS kernel in this page: ${check.kernel ? 'compiled' : 'unavailable (TypeScript filters)'}; harmonic mask kernel vs TypeScript: ${check.differing} of ${check.cells} values differ\n`);
    // this checkout's rows in the page against the same code in Node, bit for bit
    for (const recipe of recipes) {
      const got = await b.page.evaluate((rc) => (globalThis as unknown as Globals).genreBench.rowsOnce?.(rc), recipe);
      if (!got) break;
      const buf = Buffer.from(got.b64, 'base64');
      const page = new Float64Array(buf.buffer, buf.byteOffset, buf.byteLength / 8);
      const node = extractRecipe(samples, 22050, recipe).segments.flatMap((r) => Array.from(r));
      const differing = node.length === page.length ? node.filter((v, i) => !Object.is(v, page[i])).length : node.length;
      process.stdout.write(`${recipe}: page (FFT kernel ${got.fftKernel ? 'compiled' : 'unavailable'}) vs Node: ${differing} of ${node.length} feature values differ\n`);
    }
    const cpuMs = await mainThreadCpuClock(b.page);
    for (const recipe of recipes) {
      const t: Record<string, { wall: number[]; cpu: number[] }> = { base: { wall: [], cpu: [] }, this: { wall: [], cpu: [] } };
      for (let r = 0; r <= rounds; r++) {
        for (const side of ['base', 'this'] as const) {
          const c0 = await cpuMs();
          const wall = await b.page.evaluate(([rc, sd]) => {
            const g = globalThis as unknown as Globals;
            return (sd === 'base' ? g.genreBenchBase : g.genreBench).extractOnce(rc);
          }, [recipe, side] as const);
          const cpu = (await cpuMs()) - c0;
          if (r === 0) continue; // warm-up (JIT)
          t[side]?.wall.push(wall);
          t[side]?.cpu.push(cpu);
        }
      }
      const f = (xs: number[] | undefined) => median(xs ?? []).toFixed(1);
      process.stdout.write(`${recipe}: main-thread CPU base ${f(t.base?.cpu)} → this ${f(t.this?.cpu)} ms; wall ${f(t.base?.wall)} → ${f(t.this?.wall)} ms; load ${os.loadavg()[0]?.toFixed(1)}\n`);
    }
  } finally {
    await b.close();
  }
}

void main();
