/**
 * LSTM epoch time on the NTNU 10 s table shape (792 tracks × 3 steps × 63 features, batch 32),
 * step by step from tf.layers `model.fit` to the lab's training loop; then the GRU, per-op against
 * fused. PyTorch trains the same network on the same rows in the same run (bench/torch_epoch.py
 * via /usr/bin/python3), with one thread and with its default threads. Uses the real table when
 * ../shared is there, else random data of the same shape (timing does not depend on the values).
 *
 * Before/after for the fused kernels (fusedKernels.ts): the lab loop with them off (the per-op
 * path, as before) and on, alternating, medians over the rounds. `BENCH_TRAIN_QUICK=1` skips
 * the step-by-step history (steps 0–4 and the GRU's custom steps) and runs only PyTorch and the
 * lab loops.
 *
 * Wired into bench/run.ts by `runTrainBench()`; `npx tsx bench/train.ts` runs it alone.
 */
import * as tf from '@tensorflow/tfjs';
import { resolveSplit } from '../src/core/data/split';
import { buildInputs } from '../src/core/models/inputs';
import { zscoreScaler, type InputSpec } from '../src/core/models/inputSpec';
import { fitStandardizer } from '../src/core/data/scale';
import { selectMatrix } from '../src/core/data/dataset';
import { gruFused, gruLast, lstmFused, lstmLast, matMulFast } from '../src/core/models/network';
import { buildSequenceModel, type SequenceKind } from '../src/core/models/sequence';
import { setFusedKernels } from '../src/core/models/fusedKernels';
import { loadavg } from 'node:os';
import { readThreadCpu } from './threadCpu';
import type { TensorData } from '../src/core/models/batches';
import { trainNetwork } from '../src/core/models/loop';
import { loadTableFile } from '../src/node/loadTable';
import { sharedPath } from '../src/node/paths';
import { initNodeBackend } from '../src/node/tfNode';
import { referenceUnavailable, runPythonReference, tempExchange, writeNpy } from './reference';
import { log, median, report } from './report';

const H = 128;
/** Issue 13: an LSTM epoch in Node wasm within 1.5× of PyTorch's. */
const GOAL_NODE_RATIO = 1.5;
const TIMED_EPOCHS = 5;

/** PyTorch's median epoch seconds per model and thread setting, from this run. */
export interface PytorchEpochs {
  version: string;
  /** Threads per pool in the default setting, e.g. "torch 1, openblas 2, openmp 1". */
  defaultThreads: string;
  /** e.g. epochSec.lstm.one, epochSec.lstm.default */
  epochSec: Record<'lstm' | 'gru', Record<ThreadSetting, number>>;
  /**
   * CPU seconds per epoch with one thread (median): on a shared machine the wall time follows the
   * load, a single-threaded process's CPU time much less, so the CPU ratio is the steadier one.
   */
  cpuSec: Record<'lstm' | 'gru', number>;
}

export type ThreadSetting = 'one' | 'default';

interface TorchRun {
  torch: string;
  threads: Record<string, number>;
  results: { kind: 'lstm' | 'gru'; medianSec: number; minSec: number; epochsSec: number[]; medianCpuSec: number }[];
}

/** One thread everywhere: torch's pool, OpenMP, and OpenBLAS (which Debian's torch uses for matMul). */
const ONE_THREAD_ENV = { OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1', MKL_NUM_THREADS: '1' };

/** Train the same network on the same rows in PyTorch; undefined (and a printed reason) if it cannot run. */
function runPytorch(data: TensorData): PytorchEpochs | undefined {
  const missing = referenceUnavailable(['numpy', 'torch']);
  if (missing) {
    log(missing);
    return undefined;
  }
  const ex = tempExchange();
  try {
    const n = data.y.length;
    writeNpy(ex.path('x.npy'), data.x, [n, ...data.sampleShape]);
    writeNpy(ex.path('y.npy'), data.y, [n]);
    const run = (env: Record<string, string>) =>
      runPythonReference<TorchRun>('torch_epoch.py', [ex.path('x.npy'), ex.path('y.npy'), '--epochs', String(TIMED_EPOCHS), '--kinds', 'lstm,gru'], env);
    log('PyTorch, 1 thread:');
    const one = run(ONE_THREAD_ENV);
    log('PyTorch, default threads:');
    const dflt = run({});
    const sec = (r: TorchRun, kind: 'lstm' | 'gru') => r.results.find((x) => x.kind === kind)!.medianSec;
    const cpu = (kind: 'lstm' | 'gru') => one.results.find((x) => x.kind === kind)!.medianCpuSec;
    return {
      version: one.torch,
      defaultThreads: Object.entries(dflt.threads).map(([k, v]) => `${k} ${v}`).join(', '),
      epochSec: { lstm: { one: sec(one, 'lstm'), default: sec(dflt, 'lstm') }, gru: { one: sec(one, 'gru'), default: sec(dflt, 'gru') } },
      cpuSec: { lstm: cpu('lstm'), gru: cpu('gru') },
    };
  } finally {
    ex.dispose();
  }
}

function loadData(): { data: TensorData; source: string } {
  const file = sharedPath('data', 'gtzan', 'GenreClassData_10s.txt');
  if (file) {
    const ds = loadTableFile(file);
    const split = resolveSplit(ds);
    const cols = ds.featureNames.map((_, i) => i);
    const spec: InputSpec = { version: 2, input: 'segment-sequences', recipe: ds.meta.recipe ?? null, recipeVersion: null, featureNames: ds.featureNames, scaler: zscoreScaler(fitStandardizer(selectMatrix(ds, split.train, cols), cols.length)), genres: ds.genres, steps: 3 };
    return { data: buildInputs(ds, split.train, spec), source: 'NTNU 10 s train split' };
  }
  const n = 792;
  const x = Float32Array.from({ length: n * 3 * 63 }, (_, i) => Math.sin(i * 12.9898) % 1);
  return { data: { x, y: Int32Array.from({ length: n }, (_, i) => i % 10), sampleShape: [3, 63] }, source: 'random data of the NTNU 10 s shape (../shared absent)' };
}

/**
 * Epoch seconds: one warm-up epoch, then the median of `timed` epochs — the statistic PyTorch's
 * side reports too, so the ratio compares like with like.
 */
async function timeEpochs(runEpoch: () => Promise<void>, timed = TIMED_EPOCHS): Promise<number> {
  await runEpoch();
  const times: number[] = [];
  for (let i = 0; i < timed; i++) {
    const t0 = performance.now();
    await runEpoch();
    times.push((performance.now() - t0) / 1000);
  }
  return median(times);
}

/** Step 0: plain tf.layers LSTM + model.fit. */
async function layersFit(data: TensorData, batchSize: number): Promise<number> {
  const [T, F] = data.sampleShape as [number, number];
  const n = data.y.length;
  const model = tf.sequential({
    layers: [
      tf.layers.lstm({ units: H, inputShape: [T, F], recurrentActivation: 'sigmoid', recurrentInitializer: 'glorotUniform' }),
      tf.layers.dense({ units: 128, activation: 'relu' }),
      tf.layers.dropout({ rate: 0.3 }),
      tf.layers.dense({ units: 10, activation: 'softmax' }),
    ],
  });
  model.compile({ optimizer: tf.train.adam(1e-3), loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
  const x = tf.tensor3d(data.x, [n, T, F]);
  const y = tf.tensor2d(Float32Array.from(data.y), [n, 1]);
  const sec = await timeEpochs(async () => {
    await model.fit(x, y, { batchSize, epochs: 1, shuffle: true, verbose: 0 });
  });
  tf.dispose([x, y]);
  model.dispose();
  return sec;
}

type Cell = 'split' | 'split-fast' | 'per-op' | 'fused' | 'gru-per-op' | 'gru-fused';

/**
 * Steps 1–4: a hand-written training step with `optimizer.minimize`:
 * - `split`: input projection of all steps in one matMul, four-way split of the gates, tf.matMul;
 * - `split-fast`: the same with {@link matMulFast} (explicit-transpose gradients);
 * - `per-op`: the lab's per-op cell (no h·U at t = 0, one sigmoid over the gate block);
 * - `fused`: the lab's LSTM as one op with a hand-written backward pass ({@link lstmFused});
 * - `gru-per-op`, `gru-fused`: the same two for the GRU ({@link gruLast}, {@link gruFused}).
 */
async function customStep(data: TensorData, batchSize: number, cell: Cell): Promise<{ sec: number; kernels: number }> {
  const fast = cell !== 'split';
  const [T, F] = data.sampleShape as [number, number];
  const n = data.y.length;
  const mm = (a: tf.Tensor2D, b: tf.Tensor2D) => (fast ? matMulFast(a, b) : tf.matMul(a, b));
  const gates = cell.startsWith('gru') ? 3 : 4;
  const v = (shape: [number, number] | [number], seed: number) => tf.variable(tf.randomUniform(shape, -0.08, 0.08, 'float32', seed));
  const W = v([F, gates * H], 1);
  const U = v([H, gates * H], 2);
  const b = v([gates * H], 3);
  const W1 = v([H, 128], 4);
  const b1 = v([128], 5);
  const W2 = v([128, 10], 6);
  const b2 = v([10], 7);
  const vars = [W, U, b, W1, b1, W2, b2];
  const opt = tf.train.adam(1e-3);
  const recurrent = (xb: tf.Tensor3D): tf.Tensor2D => {
    if (cell === 'per-op') return lstmLast(xb, [W, U, b], H, false);
    if (cell === 'fused') return lstmFused(xb, W, U, b, H, false);
    if (cell === 'gru-per-op') return gruLast(xb, [W, U, b], H);
    if (cell === 'gru-fused') return gruFused(xb, W, U, b, H);
    const nb = xb.shape[0];
    const xw = tf.unstack(tf.add(mm(tf.reshape(xb, [nb * T, F]), W as tf.Tensor2D), b).reshape([nb, T, 4 * H]), 1) as tf.Tensor2D[];
    let h: tf.Tensor2D = tf.zeros([nb, H]);
    let c: tf.Tensor2D = tf.zeros([nb, H]);
    for (const x of xw) {
      const [zi, zf, zc, zo] = tf.split(tf.add(x, mm(h, U as tf.Tensor2D)), 4, 1) as tf.Tensor2D[];
      c = tf.add(tf.mul(tf.sigmoid(zf!), c), tf.mul(tf.sigmoid(zi!), tf.tanh(zc!)));
      h = tf.mul(tf.sigmoid(zo!), tf.tanh(c));
    }
    return h;
  };
  const forward = (xb: tf.Tensor3D): tf.Tensor2D => {
    const h = recurrent(xb);
    const a = tf.dropout(tf.relu(tf.add(mm(h, W1 as tf.Tensor2D), b1)), 0.3) as tf.Tensor2D;
    return tf.add(mm(a, W2 as tf.Tensor2D), b2);
  };
  const order = Array.from({ length: n }, (_, i) => i);
  const per = T * F;
  const sec = await timeEpochs(async () => {
    tf.util.shuffle(order);
    for (let s = 0; s < n; s += batchSize) {
      const idx = order.slice(s, s + batchSize);
      const xa = new Float32Array(idx.length * per);
      const ya = new Float32Array(idx.length * 10);
      idx.forEach((r, j) => {
        xa.set(data.x.subarray(r * per, (r + 1) * per), j * per);
        ya[j * 10 + (data.y[r] as number)] = 1;
      });
      const xb = tf.tensor3d(xa, [idx.length, T, F]);
      const yb = tf.tensor2d(ya, [idx.length, 10]);
      const loss = opt.minimize(() => tf.losses.softmaxCrossEntropy(yb, forward(xb)) as tf.Scalar, true, vars);
      loss?.dataSync();
      loss?.dispose();
      xb.dispose();
      yb.dispose();
    }
  });
  // Kernel launches in one training step: a load-independent measure of the work per batch.
  const xb = tf.tensor3d(data.x.subarray(0, batchSize * per), [batchSize, T, F]);
  const yb = tf.oneHot(tf.tensor1d(data.y.subarray(0, batchSize), 'int32'), 10).toFloat();
  const prof = await tf.profile(() => {
    opt.minimize(() => tf.losses.softmaxCrossEntropy(yb, forward(xb)) as tf.Scalar, false, vars);
  });
  tf.dispose([xb, yb]);
  opt.dispose();
  tf.dispose(vars);
  return { sec, kernels: prof.kernels.length };
}

/** Wall and CPU seconds per epoch (medians). */
interface EpochSec {
  wall: number;
  cpu: number;
}

/**
 * Step 5: the lab's loop (trainNetwork over Network.forward) as the UI and CLI run it; median
 * epoch after a warm-up epoch, wall and CPU time of the training thread.
 * `fused` false runs the per-op path (fusedKernels.ts off).
 */
async function labLoop(data: TensorData, batchSize: number, kind: SequenceKind = 'lstm', fused = true, fusedGru = fused): Promise<EpochSec> {
  const [T, F] = data.sampleShape as [number, number];
  const net = buildSequenceModel({ kind, steps: T, nFeatures: F, nClasses: 10, seed: 0 });
  setFusedKernels(fused, { gru: fusedGru });
  // The main thread's CPU (the one that trains: tfjs-wasm runs no threads here), as the browser's
  // worker thread is measured; the whole process's where there is no /proc.
  const cpuNow = () => readThreadCpu(process.pid, process.pid)?.cpuSec ?? (process.cpuUsage().user + process.cpuUsage().system) / 1e6;
  const cpu: number[] = [];
  let last = cpuNow();
  const onEpoch = () => {
    const now = cpuNow();
    cpu.push(now - last);
    last = now;
  };
  try {
    const r = await trainNetwork(net, data, { epochs: TIMED_EPOCHS + 1, batchSize, seed: 0, onEpoch });
    return { wall: median(r.history.slice(1).map((h) => h.epochMs / 1000)), cpu: median(cpu.slice(1)) };
  } finally {
    setFusedKernels(true);
    net.dispose();
  }
}

const ROUNDS = 3;

/**
 * The lab loop with the fused kernels off (before) and on (after), alternating; medians over the
 * rounds. For the GRU also `cellPerOp`: fused kernels on but the GRU cell per-op (as before the
 * GRU had its own kernels).
 */
async function beforeAfter(data: TensorData, kind: SequenceKind): Promise<{ before: EpochSec; after: EpochSec; cellPerOp?: EpochSec }> {
  const before: EpochSec[] = [];
  const after: EpochSec[] = [];
  const cellPerOp: EpochSec[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    before.push(await labLoop(data, 32, kind, false));
    if (kind === 'gru') cellPerOp.push(await labLoop(data, 32, kind, true, false));
    after.push(await labLoop(data, 32, kind, true));
  }
  const show = (xs: EpochSec[]) => xs.map((s) => `${s.wall.toFixed(3)}/${s.cpu.toFixed(3)}`).join(', ');
  const cell = cellPerOp.length ? `; fused, per-op GRU cell: ${show(cellPerOp)}` : '';
  log(`    wall/CPU s per epoch — per-op (before): ${show(before)}${cell}; fused (after): ${show(after)}; load ${load()}`);
  const med = (xs: EpochSec[]): EpochSec => ({ wall: median(xs.map((s) => s.wall)), cpu: median(xs.map((s) => s.cpu)) });
  return { before: med(before), after: med(after), cellPerOp: cellPerOp.length ? med(cellPerOp) : undefined };
}

const load = (): string => loadavg().map((l) => l.toFixed(2)).join(' ');

/** "PyTorch 1.13 CPU, 1 thread" / "…, default threads (torch 1, openblas 2, openmp 1)". */
export function pytorchName(p: PytorchEpochs | undefined, threads: ThreadSetting): string {
  if (!p) return 'PyTorch';
  return `PyTorch ${p.version} CPU, ${threads === 'one' ? '1 thread' : `default threads (${p.defaultThreads})`}`;
}

/**
 * Our epoch times, step by step, then the lab loop against PyTorch (same network, rows, batch).
 * Returns PyTorch's times for the browser bench's ratios (undefined when PyTorch cannot run).
 */
export async function runTrainBench(): Promise<PytorchEpochs | undefined> {
  const backend = await initNodeBackend();
  const { data, source } = loadData();
  const shape = `${data.y.length} × ${data.sampleShape.join(' × ')}`;
  log(`PyTorch reference: the same network on the same ${shape} rows (${source}), batch 32, Adam 1e-3`);
  const pytorch = runPytorch(data);
  const scale = pytorch?.epochSec.lstm.one;
  log(`Ours, Node tfjs backend ${backend.name}, LSTM(128) on ${shape}; median of ${TIMED_EPOCHS} epochs after a warm-up:`);
  const step = (name: string, r: number | { sec: number; kernels: number }, ref = scale): number => {
    const sec = typeof r === 'number' ? r : r.sec;
    const kernels = typeof r === 'number' ? '' : `   ${r.kernels} kernels/step (tf.train.adam)`;
    log(`  ${name.padEnd(62)} ${sec.toFixed(3)} s/epoch${ref ? `   ${(sec / ref).toFixed(2)}× PyTorch 1 thread` : ''}${kernels}`);
    return sec;
  };
  /** A lab-loop line: wall and CPU seconds, each against PyTorch's (1 thread) of the same kind. */
  const loopStep = (name: string, r: EpochSec, kind: 'lstm' | 'gru'): EpochSec => {
    const wallRef = pytorch?.epochSec[kind].one;
    const cpuRef = pytorch?.cpuSec[kind];
    const ratio = (x: number, ref: number | undefined) => (ref ? ` (${(x / ref).toFixed(2)}× PyTorch 1 thread)` : '');
    log(`  ${name.padEnd(62)} wall ${r.wall.toFixed(3)} s/epoch${ratio(r.wall, wallRef)}, CPU ${r.cpu.toFixed(3)} s/epoch${ratio(r.cpu, cpuRef)}`);
    return r;
  };
  if (pytorch) log(`PyTorch 1 thread, CPU s/epoch: LSTM ${pytorch.cpuSec.lstm.toFixed(3)}, GRU ${pytorch.cpuSec.gru.toFixed(3)}`);
  const quick = process.env['BENCH_TRAIN_QUICK'] === '1';
  if (!quick) {
    // The history runs on the per-op path: steps 1–4 build the cell from tf ops.
    step('0 tf.layers LSTM + model.fit (batch 32)', await layersFit(data, 32));
    setFusedKernels(false);
    step('1 custom step: one input matMul, split gates, minimize()', await customStep(data, 32, 'split'));
    step('2 + matMul gradients with explicit transposes (wasm)', await customStep(data, 32, 'split-fast'));
    step('3 + no h·U at t=0, one sigmoid over the gate block', await customStep(data, 32, 'per-op'));
    step('4 + fused LSTM op with hand-written BPTT backward', await customStep(data, 32, 'fused'));
    setFusedKernels(true);
  }
  log(`  5 lab loop (trainNetwork: + metrics, seeded dropout), ${ROUNDS} rounds alternating; load average ${load()}`);
  const lstmAb = await beforeAfter(data, 'lstm');
  loopStep('5a lab loop, per-op kernels (before)', lstmAb.before, 'lstm');
  const lstm = loopStep('5b lab loop, fused LSTM, dense, dropout, loss, Adam (after)', lstmAb.after, 'lstm');
  if (!quick) step('   (for scale) lab loop, batch 64', (await labLoop(data, 64)).wall);
  log(`GRU(128), same data and batch 32:`);
  const gruRef = pytorch?.epochSec.gru.one;
  if (!quick) {
    setFusedKernels(false);
    step('6 GRU custom step, per-op cell (autodiff backward)', await customStep(data, 32, 'gru-per-op'), gruRef);
    step('7 GRU custom step, fused op with hand-written BPTT backward (per-op kernels)', await customStep(data, 32, 'gru-fused'), gruRef);
    setFusedKernels(true);
  }
  const gruAb = await beforeAfter(data, 'gru');
  loopStep('8a GRU lab loop, per-op (before)', gruAb.before, 'gru');
  if (gruAb.cellPerOp) loopStep('8b GRU lab loop, fused head, loss, Adam; per-op GRU cell', gruAb.cellPerOp, 'gru');
  const gru = loopStep('8c GRU lab loop, fused GRU, dense, dropout, loss, Adam (after)', gruAb.after, 'gru');
  log(`  load average at the end ${load()}`);

  for (const [kind, ours] of [['lstm', lstm], ['gru', gru]] as const) {
    const name = kind.toUpperCase();
    // The issue's goal is for the LSTM; the GRU lines are shown for scale.
    const goal = kind === 'lstm' ? { maxRatio: GOAL_NODE_RATIO } : undefined;
    for (const threads of ['one', 'default'] as const) {
      const ref = pytorch?.epochSec[kind][threads];
      report({
        part: 'train',
        what: `${name} epoch, Node ${backend.name} (lab loop, ${shape}, batch 32)`,
        unit: 's',
        ours: ours.wall,
        reference: ref ?? null,
        referenceName: pytorchName(pytorch, threads),
        referenceKind: 'measured',
        goal,
        note: pytorch ? `medians of ${TIMED_EPOCHS} epochs after a warm-up, both sides; load ${load()}` : referenceUnavailable(['numpy', 'torch']) ?? undefined,
      });
    }
    report({
      part: 'train',
      what: `${name} epoch CPU time, Node ${backend.name} (lab loop, ${shape}, batch 32)`,
      unit: 's',
      ours: ours.cpu,
      reference: pytorch?.cpuSec[kind] ?? null,
      referenceName: pytorchName(pytorch, 'one'),
      referenceKind: 'measured',
      goal,
      note: `CPU seconds per epoch: our training thread, PyTorch's process (1 thread); medians of ${TIMED_EPOCHS} epochs after a warm-up: steadier than wall time on a shared machine`,
    });
  }
  return pytorch;
}

// `npx tsx bench/train.ts` runs it directly.
if (import.meta.url === `file://${process.argv[1]}`) void runTrainBench();
