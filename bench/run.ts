/**
 * `npm run bench`: speed targets as ratios against stated references. Benchmarks, not tests:
 * they print, they do not fail on a slow machine. `npm run bench -- search` runs one part.
 */
import { runExtractBench } from './extract';
import { runExtractBrowserBench } from './extractBrowser';
import { runSearchBench } from './search';
import { runTrainBrowserBench } from './trainBrowser';

const parts: Record<string, () => Promise<void>> = {
  search: runSearchBench,
  extract: async () => {
    await runExtractBench();
    await runExtractBrowserBench();
  },
  train: async () => {
    const { runTrainBench } = await import('./train');
    await runTrainBench();
    await runTrainBrowserBench();
  },
  // CNN vs PyTorch in the same run; bench/cnn.ts reads its own options from argv (e.g. --accuracy).
  cnn: async () => (await import('./cnn')).runCnnBench(),
};

async function main() {
  const only = process.argv.slice(2);
  console.log(`Genre Lab benchmarks · Node ${process.version} · ${(await import('node:os')).cpus().length} cores`);
  for (const [name, fn] of Object.entries(parts)) {
    if (only.length && !only.includes(name)) continue;
    console.log(`\n== ${name}`);
    await fn();
  }
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
