/**
 * The CNN against PyTorch, both measured in the same run (Genre Lab issue 11, "Numbers to show"):
 *
 * - speed: seconds of training per 1000 crops of 1 × 128 × 128 (batch 32, Adam 1e-3) for the small
 *   VGG presets, ours through the lab's loop on Node wasm (bench/cnnSpeed.ts) and, unless
 *   `--no-browser`, in headless Chromium (wasm; `--backends wasm,webgl` adds WebGL, software here), next to
 *   bench/cnn_reference.py's PyTorch CPU numbers from this same invocation (torch's default thread
 *   count and 1 thread). Ratio = ours / PyTorch (wall time); goal: browser wasm ≤ 1 × PyTorch.
 * - accuracy (`--accuracy`): the issue's protocol (small VGG 16-32-64-128, 128-frame crops, 4 per
 *   track per epoch, 5 stratified folds by track × 3 seeds, 30 epochs) on the 60 genres_original
 *   clips: PyTorch on the lab's own `melspec` .npy files, and ours through `lab train --model cnn
 *   --audio`. Folds are paired: per seed, the reference tests on the lab's own folds (fold seed =
 *   seed) via `--folds-json`, and both sides of a seed run at once.
 *
 *   npx tsx bench/cnn.ts [--presets laptop,desktop] [--threads default,1] [--passes 3] [--batches 4]
 *       [--no-browser | --backends wasm,webgl] [--no-speed] [--accuracy [--folds 5] [--only-folds 0,1] [--seeds 0,1,2]
 *       [--epochs 30] [--mel DIR]] [--python /usr/bin/python3] [--json]
 *   npm run bench -- cnn [same options]
 *
 * Benchmarks, not tests: they print and do not fail on a slow machine. The course machines are
 * shared, so the load average is printed beside every number, and each side's CPU time too.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { loadavg, cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { optFlag, optList, optNumber, optString, parseArgs } from '../src/cli/args';
import { commands } from '../src/cli/commands/index';
import { writeMelspecs } from '../src/cli/commands/melspec';
import { listAudioFiles } from '../src/node/audioFiles';
import { readSpectrogramSet } from '../src/node/spectrogramFiles';
import { crossValidationFolds } from '../src/core/models/crossValidate';
import { allTracksSplit, trackTable } from '../src/core/data/spectrogramSet';
import { repoRoot, sharedPath } from '../src/node/paths';
import { initNodeBackend } from '../src/node/tfNode';
import { CNN_PRESETS, timeCnnTraining, type CnnPreset, type CnnSpeed } from './cnnSpeed';

const REFERENCE = join(repoRoot, 'bench', 'cnn_reference.py');
/** Debian's Python: the one with python3-torch (the pyenv python3 first on PATH has no torch). */
const DEFAULT_PYTHON = '/usr/bin/python3';
const GOAL = 'browser wasm ≤ 1 × PyTorch (Node wasm shown for now)';

export interface CnnBenchOptions {
  presets: CnnPreset[];
  threads: string;
  passes: number;
  batches: number;
  classes: number;
  browserBackends: string[];
  speed: boolean;
  accuracy: boolean;
  folds: number;
  onlyFolds?: string;
  seeds: string;
  epochs: number;
  mel?: string;
  python: string;
  json: boolean;
}

/** Options from argv (positionals, e.g. run.ts's part names, are ignored). */
export function parseCnnBenchArgs(argv: readonly string[]): CnnBenchOptions {
  const a = parseArgs(argv);
  const presets = (optList(a, 'presets') ?? ['laptop', 'desktop']) as CnnPreset[];
  for (const p of presets) if (!CNN_PRESETS.includes(p)) throw new Error(`--presets: unknown preset "${p}" (${CNN_PRESETS.join(', ')})`);
  return {
    presets,
    threads: optString(a, 'threads', 'default,1') as string,
    passes: optNumber(a, 'passes', 3),
    batches: optNumber(a, 'batches', 4),
    classes: optNumber(a, 'classes', 10),
    // WebGL is software here (SwiftShader) and ~20× slower than wasm on this CNN: asked for, not default.
    browserBackends: optFlag(a, 'no-browser') ? [] : (optList(a, 'backends') ?? ['wasm']),
    speed: !optFlag(a, 'no-speed'),
    accuracy: optFlag(a, 'accuracy'),
    folds: optNumber(a, 'folds', 5),
    onlyFolds: optString(a, 'only-folds'),
    seeds: optString(a, 'seeds', '0,1,2') as string,
    epochs: optNumber(a, 'epochs', 30),
    mel: optString(a, 'mel'),
    python: optString(a, 'python', DEFAULT_PYTHON) as string,
    json: optFlag(a, 'json'),
  };
}

/**
 * Run a command, resolve with its stdout parsed as JSON (the whole of it), or a reason it failed.
 * With `echo`, its stderr (progress, e.g. each finished accuracy run) is passed through as it comes.
 */
function runJson(cmd: string, args: string[], echo = false): Promise<{ json: unknown } | { error: string }> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString();
      if (echo) process.stderr.write(d);
    });
    child.on('error', (e) => resolve({ error: `${cmd} could not start: ${e.message}` }));
    child.on('close', (code) => {
      if (code !== 0) return resolve({ error: `${cmd} ${args.slice(0, 2).join(' ')} exited ${code}: ${err.trim().split('\n').slice(-3).join(' | ')}` });
      try {
        resolve({ json: JSON.parse(out) });
      } catch {
        resolve({ error: `${cmd} ${args.slice(0, 2).join(' ')} printed no JSON: ${out.slice(0, 200)}` });
      }
    });
  });
}

interface RefSpeed {
  torch: string;
  defaultThreads: number;
  results: { preset: CnnPreset; threads: number; threadsLabel: string; secPer1000: number; cpuSecPer1000: number; passesSecPer1000: number[] }[];
}

const load = (): string => loadavg().map((l) => l.toFixed(1)).join(' ');
const cpuNowMs = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

/** One result: a JSON line on stdout under --json (written directly: a --json runner may send console.log to stderr), else text. */
function emitLine(o: CnnBenchOptions, json: Record<string, unknown>, text: string): void {
  if (o.json) process.stdout.write(JSON.stringify({ part: 'cnn', ...json }) + '\n');
  else console.log(text);
}

async function runSpeed(o: CnnBenchOptions): Promise<void> {
  const passes = `median of ${o.passes} passes of ${o.batches * 32} crops after a warm-up pass`;
  if (!o.json) console.log(`CNN training, seconds per 1000 crops of 1×128×128 (batch 32, Adam, ${o.classes} classes; ${passes}). ${cpus().length} cores shared with other users: load ${load()} at start.`);
  const refLoad = load();
  const ref = await runJson(o.python, [REFERENCE, 'speed', '--json', '--presets', o.presets.join(','), '--threads', o.threads, '--passes', String(o.passes), '--batches', String(o.batches), '--classes', String(o.classes)]);
  if ('error' in ref) emitLine(o, { metric: 'reference-unavailable', reason: ref.error }, `PyTorch reference unavailable: ${ref.error}`);
  const refs = 'json' in ref ? (ref.json as RefSpeed) : undefined;

  const backend = await initNodeBackend('wasm');
  const oursLoad = load();
  const ours: CnnSpeed[] = [];
  for (const preset of o.presets) ours.push(await timeCnnTraining(preset, { passes: o.passes, batches: o.batches, classes: o.classes, cpuNowMs }));
  const browser = o.browserBackends.length ? await timeInBrowser(o) : [];

  for (const s of ours) {
    const leak = s.leakedTensors ? ` · ${s.leakedTensors} tensors leaked` : '';
    emitLine(
      o,
      { metric: 'train-sec-per-1000-crops', side: 'ours', where: 'node', ...s, load: oursLoad },
      `${s.preset.padEnd(8)} ours Node ${backend.name}: ${s.secPer1000.toFixed(1)} s (min ${s.minSecPer1000.toFixed(1)}, CPU ${s.cpuSecPer1000?.toFixed(1)} s)${leak}${heapText(s)} · load ${oursLoad}`,
    );
    for (const b of browser.filter((r) => r.preset === s.preset))
      emitLine(o, { metric: 'train-sec-per-1000-crops', side: 'ours', where: 'browser', ...b }, `${''.padEnd(8)} ours browser ${b.backend}: ${b.secPer1000.toFixed(1)} s (min ${b.minSecPer1000.toFixed(1)})${heapText(b)}${b.renderer ? ` · renderer ${b.renderer}` : ''}`);
    for (const r of refs?.results.filter((x) => x.preset === s.preset) ?? []) {
      const wasm = browser.find((b) => b.preset === s.preset && b.backend === 'wasm');
      const ratio = s.secPer1000 / r.secPer1000;
      // CPU seconds move less with other users' load than wall seconds (both sides single-threaded at 1 thread).
      const cpuRatio = (s.cpuSecPer1000 as number) / r.cpuSecPer1000;
      emitLine(
        o,
        { metric: 'train-sec-per-1000-crops', side: 'pytorch', torch: refs?.torch, ...r, load: refLoad, ratioNode: ratio, cpuRatioNode: cpuRatio, ...(wasm ? { ratioBrowserWasm: wasm.secPer1000 / r.secPer1000 } : {}), goal: GOAL },
        `${''.padEnd(8)} PyTorch ${r.threads} thread(s) (${r.threadsLabel}): ${r.secPer1000.toFixed(1)} s (CPU ${r.cpuSecPer1000.toFixed(1)} s) · ratio ours/PyTorch: Node ${ratio.toFixed(2)}× (CPU ${cpuRatio.toFixed(2)}×)` +
          (wasm ? `, browser wasm ${(wasm.secPer1000 / r.secPer1000).toFixed(2)}×` : '') +
          ` · goal ${GOAL}`,
      );
    }
  }
  if (!o.json && refs) console.log(`PyTorch ${refs.torch}, torch's default thread count here: ${refs.defaultThreads}; load ${refLoad} when it started; ${load()} at the end.`);
}

/** " · wasm memory 139 MB" (the heap's high-water mark after the preset trained), when on wasm. */
const heapText = (s: CnnSpeed): string => (s.wasmHeapMB !== undefined ? ` · wasm memory ${s.wasmHeapMB.toFixed(0)} MB` : '');

/** The browser column: bench/cnnEntry.ts in headless Chromium, per backend. */
async function timeInBrowser(o: CnnBenchOptions): Promise<CnnSpeed[]> {
  const { openBenchPage } = await import('./browser');
  const { nodeWasmDir } = await import('../src/node/tfNode');
  const { readFileSync } = await import('node:fs');
  const { fileURLToPath } = await import('node:url');
  const b = await openBenchPage('bench/cnnEntry.ts');
  if (!b) return [];
  // The page is about:blank, which cannot fetch file:// URLs: the .wasm files go in as bytes.
  const dir = fileURLToPath(nodeWasmDir());
  const wasm = Object.fromEntries(['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm-threaded-simd.wasm'].map((f) => [f, readFileSync(join(dir, f)).toString('base64')]));
  const out: CnnSpeed[] = [];
  try {
    for (const backend of o.browserBackends) {
      for (const preset of o.presets) {
        const r = (await b.page.evaluate(
          ([w, be, p, passes, batches, classes]) => (globalThis as any).genreBench.timeCnn(w, be, p, passes, batches, classes),
          [wasm, backend, preset, o.passes, o.batches, o.classes] as const,
        )) as CnnSpeed | { error: string };
        if ('error' in r) {
          emitLine(o, { metric: 'browser-unavailable', backend, reason: r.error }, `browser ${backend}: not available here (${r.error})`);
          break;
        }
        out.push(r);
      }
    }
  } finally {
    await b.close();
  }
  return out;
}

/** Whether the lab's CLI trains the CNN on audio yet (`train --model cnn --audio`). */
function labTrainsCnn(): boolean {
  const usage = commands.find((c) => c.name === 'train')?.usage ?? '';
  return /\bcnn\b/.test(usage) && usage.includes('--audio');
}

interface RefAccuracy {
  trackAccuracy: { mean: number; sd: number };
  cropAccuracy: { mean: number; sd: number };
  runs: unknown[];
  meanTrainSec: number;
  threads: number;
}

interface LabCv {
  meanAccuracy?: number;
  stdAccuracy?: number;
  perCropAccuracy?: number | null;
  runs?: { accuracy: number; cropAccuracy?: number }[];
  foldOf?: Record<string, number>;
}

const meanSd = (xs: number[]): { mean: number; sd: number } => {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  // Sample sd, as the reference's statistics.stdev.
  const sd = xs.length > 1 ? Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (xs.length - 1)) : 0;
  return { mean, sd };
};
const pm = (m: { mean: number; sd: number }): string => `${(m.mean * 100).toFixed(1)} ± ${(m.sd * 100).toFixed(1)} %`;

/**
 * The issue's accuracy protocol with paired folds: for each seed, the lab's own fold assignment
 * (`crossValidationFolds` with fold seed = seed, over all tracks) is written to a JSON file and
 * the reference tests on exactly those tracks (`--folds-json`); the two sides then differ only in
 * the implementation and the training seed's draws (initialisation, crops, dropout). Both sides of
 * a seed run at once.
 */
async function runAccuracy(o: CnnBenchOptions): Promise<void> {
  const audio = sharedPath('data', 'gtzan', 'genres_original');
  if (!audio) return emitLine(o, { metric: 'accuracy-skipped', reason: '../shared/data/gtzan/genres_original absent' }, 'accuracy: skipped (../shared/data/gtzan/genres_original not found next to the repo root)');
  const files = listAudioFiles([audio]);
  const mel = o.mel ?? join(tmpdir(), 'genre-lab-cnn-mel128');
  // The lab's own melspec output (what `npm run lab -- melspec <folder> --bands 128 --out DIR` writes), made once.
  const have = existsSync(mel) ? readdirSync(mel).filter((f) => f.endsWith('.npy')).length : 0;
  if (have < files.length) {
    const w = await writeMelspecs({ files, outDir: mel, nBands: 128, log: () => undefined });
    if (w.failed.length) throw new Error(`melspec failed for ${w.failed.map((f) => `${f.file}: ${f.error}`).join('; ')}`);
  }
  if (!labTrainsCnn()) {
    const reason = '`npm run lab -- train` cannot train the CNN on audio yet (no --model cnn --audio in `npm run lab -- help`)';
    return emitLine(o, { metric: 'accuracy', side: 'ours', available: false, reason }, `ours: not available yet: ${reason}`);
  }
  const set = await readSpectrogramSet([audio], { nBands: 128 });
  const table = trackTable(set);
  const seeds = o.seeds.split(',').map((s) => s.trim());
  const subset = `${o.onlyFolds ? `folds ${o.onlyFolds} of ${o.folds} (PyTorch; ours runs all)` : `${o.folds} folds`} × seeds ${o.seeds}, ${o.epochs} epochs`;
  if (!o.json) console.log(`CNN accuracy, small VGG 16-32-64-128 on the ${files.length} genres_original clips (${subset}); folds paired: the reference tests on the lab's folds; load ${load()}`);
  const dir = mkdtempSync(join(tmpdir(), 'genre-lab-folds-'));
  const ours: { accuracy: number; crop?: number }[] = [];
  const theirs: { accuracy: number; crop: number }[] = [];
  for (const seed of seeds) {
    const { foldOf } = crossValidationFolds(set, { folds: o.folds, foldSeed: Number(seed) }, allTracksSplit(table));
    const foldsFile = join(dir, `folds-seed${seed}.json`);
    writeFileSync(foldsFile, JSON.stringify({ foldOf }));
    const refArgs = [REFERENCE, 'accuracy', '--json', '--mel', mel, '--preset', 'desktop', '--folds', String(o.folds), '--seeds', seed, '--epochs', String(o.epochs), '--folds-json', foldsFile, ...(o.onlyFolds ? ['--only-folds', o.onlyFolds] : [])];
    // The reference's protocol on our side: desktop VGG, k folds over all the tracks (no held-out
    // test set), 4 crops per track per epoch; fold seed = training seed, as the reference's seeds.
    const labArgs = ['tsx', 'src/cli/main.ts', 'train', '--model', 'cnn', '--audio', audio, '--bands', '128', '--channels', 'desktop', '--crops', '4', '--batch', '32', '--lr', '0.001', '--cv', String(o.folds), '--cv-tracks', 'all', '--cv-seed', seed, '--repeat', '1', '--seed', seed, '--epochs', String(o.epochs), '--json'];
    const [ref, lab] = await Promise.all([runJson(o.python, refArgs, true), runJson('npx', labArgs, true)]);
    if ('error' in ref) emitLine(o, { metric: 'reference-unavailable', seed, reason: ref.error }, `seed ${seed}: PyTorch accuracy unavailable: ${ref.error}`);
    else {
      const r = ref.json as RefAccuracy & { runs: { trackAccuracy: number; cropAccuracy: number }[] };
      for (const run of r.runs) theirs.push({ accuracy: run.trackAccuracy, crop: run.cropAccuracy });
      emitLine(o, { metric: 'accuracy', side: 'pytorch', seed, ...r }, `seed ${seed} PyTorch: per-track ${pm(r.trackAccuracy)}, per-crop ${pm(r.cropAccuracy)} over ${r.runs.length} folds; ${r.meanTrainSec.toFixed(0)} s training per fold (${r.threads} thread(s))`);
    }
    if ('error' in lab) emitLine(o, { metric: 'accuracy', side: 'ours', seed, available: false, reason: lab.error }, `seed ${seed} ours: failed: ${lab.error}`);
    else {
      const l = lab.json as LabCv;
      const paired = JSON.stringify(l.foldOf) === JSON.stringify(foldOf);
      for (const run of l.runs ?? []) ours.push({ accuracy: run.accuracy, crop: run.cropAccuracy });
      const acc = meanSd((l.runs ?? []).map((r) => r.accuracy));
      emitLine(o, { metric: 'accuracy', side: 'ours', seed, paired, ...l }, `seed ${seed} ours (lab train --model cnn --cv ${o.folds} --cv-seed ${seed} --seed ${seed}): per-track ${pm(acc)} over ${l.runs?.length ?? '?'} folds; folds ${paired ? 'paired with the reference' : 'NOT the same as the reference (check foldOf)'}`);
    }
  }
  if (ours.length && theirs.length) {
    const a = meanSd(ours.map((r) => r.accuracy));
    const b = meanSd(theirs.map((r) => r.accuracy));
    const gap = (a.mean - b.mean) * 100;
    emitLine(
      o,
      { metric: 'accuracy-summary', ours: a, pytorch: b, gapPoints: gap, goal: 'within 3 points', met: Math.abs(gap) <= 3, oursRuns: ours.length, pytorchRuns: theirs.length },
      `[cnn] accuracy, per track over ${ours.length} / ${theirs.length} runs: ours ${pm(a)} · PyTorch ${pm(b)} · gap ${gap >= 0 ? '+' : ''}${gap.toFixed(1)} points · goal within 3 points: ${Math.abs(gap) <= 3 ? 'met' : 'NOT met'}`,
    );
  }
}

export async function runCnnBench(argv: readonly string[] = process.argv.slice(2)): Promise<void> {
  const o = parseCnnBenchArgs(argv);
  if (o.speed) await runSpeed(o);
  if (o.accuracy) await runAccuracy(o);
}

// `npx tsx bench/cnn.ts` runs it directly.
if (import.meta.url === `file://${process.argv[1]}`) void runCnnBench();
