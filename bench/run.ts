/**
 * `npm run bench`: our times against references measured in the same run (PyTorch, scikit-learn
 * through Debian's /usr/bin/python3) or, for librosa, which cannot be installed here, its stated
 * figures labelled with their source. Each line prints ours, the reference, the ratio and the goal.
 * Benchmarks print; they never fail on a slow machine.
 *
 *   npm run bench                     every part
 *   npm run bench -- knn search       only these parts (train, knn, search, extract, classic, cnn,
 *                                     classify-cnn, first-open, pool)
 *   npm run bench -- --json           one JSON object per comparison on stdout (commentary on stderr;
 *                                     npm itself prints its "> tsx bench/run.ts" banner on stdout:
 *                                     `npm run -s bench -- --json` leaves only the JSON lines)
 *   npm run bench -- knn --rows 20000 a smaller synthetic k-NN table for a quick look
 *   npm run bench -- first-open       time to interactive and to the demo corpus, first and second open
 *   npm run bench -- pool --clips 1000  N synthetic 30 s clips through the browser's extraction pool
 *                                     and Node's extract --jobs 2 (default 200, 1000 extrapolated)
 */
import { cpus, loadavg } from 'node:os';
import { log, setJsonMode, type BenchPart } from './report';

interface RunOptions {
  knnRows?: number;
  poolClips?: number;
}

const parts: Record<BenchPart, (o: RunOptions) => Promise<void>> = {
  train: async () => {
    const { runTrainBench } = await import('./train');
    const pytorch = await runTrainBench();
    const { runTrainBrowserBench } = await import('./trainBrowser');
    await runTrainBrowserBench(pytorch);
  },
  knn: async (o) => (await import('./knn')).runKnnBench({ rows: o.knnRows }),
  search: async () => (await import('./search')).runSearchBench(),
  classic: async () => (await import('./classic')).runClassicBench(),
  extract: async () => {
    await (await import('./extract')).runExtractBench();
    await (await import('./extractBrowser')).runExtractBrowserBench();
  },
  // CNN vs PyTorch in the same run; bench/cnn.ts reads its own options from argv (e.g. --accuracy).
  cnn: async () => (await import('./cnn')).runCnnBench(),
  // One clip classified by the laptop CNN in the browser (spectrogram, crops, vote; saliency apart).
  'classify-cnn': async () => (await import('./classifyCnn')).runClassifyCnnBench(),
  'first-open': async () => (await import('./firstOpen')).runFirstOpenBench(),
  pool: async (o) => (await import('./pool')).runPoolBench({ clips: o.poolClips }),
};

function parseArgs(argv: string[]): { only: BenchPart[]; json: boolean; options: RunOptions } {
  const only: BenchPart[] = [];
  const options: RunOptions = {};
  let json = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--json') json = true;
    else if (a === '--rows') {
      const n = Number(argv[++i]);
      if (!Number.isInteger(n) || n < 10) throw new Error(`--rows needs a whole number ≥ 10, got "${argv[i]}"`);
      options.knnRows = n;
    } else if (a === '--clips') {
      const n = Number(argv[++i]);
      if (!Number.isInteger(n) || n < 1) throw new Error(`--clips needs a whole number ≥ 1, got "${argv[i]}"`);
      options.poolClips = n;
    } else if (a in parts) only.push(a as BenchPart);
    else throw new Error(`Unknown bench part or option "${a}". Parts: ${Object.keys(parts).join(', ')}; options: --json, --rows N, --clips N.`);
  }
  return { only, json, options };
}

async function main() {
  const { only, json, options } = parseArgs(process.argv.slice(2));
  setJsonMode(json);
  log(`Genre Lab benchmarks · Node ${process.version} · ${cpus().length} cores · load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  for (const [name, fn] of Object.entries(parts) as [BenchPart, (o: RunOptions) => Promise<void>][]) {
    if (only.length && !only.includes(name)) continue;
    log(`\n== ${name}`);
    await fn(options);
  }
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exitCode = 1;
});
