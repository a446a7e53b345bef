/**
 * tfjs backend choice by measurement. On the course machines wasm (SIMD) beats software WebGL and
 * cpu (shared/BROWSER.md); on a laptop with a GPU WebGL may win. So we time a short LSTM-like
 * training step (forward + backward of a 32×128·128×512 matMul, gates, a loss) on each candidate
 * and keep the fastest, unless the caller names one.
 *
 * Wasm files: the browser passes the `?url` imports of the three `.wasm` files, Node passes the
 * directory inside node_modules (src/node/tfNode.ts). Both go to {@link configureWasm}.
 *
 * Browser use (from a worker):
 *   chooseBackend({ wasmPaths: { 'tfjs-backend-wasm.wasm': wasmUrl, 'tfjs-backend-wasm-simd.wasm': simdUrl,
 *                                'tfjs-backend-wasm-threaded-simd.wasm': threadedUrl } })
 * The WebGL candidate pays its shader compilation in the untimed warm-up step (seconds on software
 * WebGL); callers that already know WebGL is software (renderer string contains "SwiftShader")
 * can pass `candidates: ['wasm', 'cpu']` to skip it.
 */
import * as tf from '@tensorflow/tfjs';
import { getThreadsCount, setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { LabError } from '../errors';
import { matMulFast } from './network';
import { registerWasmConv2DBackpropFilter, registerWasmHeapSlices, registerWasmSharedIdentity } from './wasmKernels';
import type { WasmInfo } from './wasmInfo';

export type { WasmInfo } from './wasmInfo';

export type BackendName = 'webgl' | 'wasm' | 'cpu';

/** Either a directory URL/prefix ending in `/`, or the three files by name. */
export type WasmPaths =
  | string
  | {
      'tfjs-backend-wasm.wasm'?: string;
      'tfjs-backend-wasm-simd.wasm'?: string;
      'tfjs-backend-wasm-threaded-simd.wasm'?: string;
    };

export interface BackendOptions {
  /** Use this backend (no benchmark); fails with a LabError when it cannot start. */
  override?: BackendName;
  /** Backends to try, in order; default webgl, wasm, cpu. */
  candidates?: BackendName[];
  wasmPaths?: WasmPaths;
  /** Timed repetitions of the benchmark step after one warm-up; default 8. */
  repetitions?: number;
  /**
   * XNNPACK thread-pool size for the threaded SIMD binary (which tfjs can run only where
   * SharedArrayBuffer exists: a cross-origin isolated page and its workers). Default: the number
   * of logical cores (`navigator.hardwareConcurrency`); tfjs's own default gives 1 thread on a
   * 2-core machine. Takes effect when the wasm backend (re)starts.
   */
  wasmThreads?: number;
  /**
   * Give up on the threaded binary when it has not started after this long (ms; default 30 000)
   * and use the single-threaded one. This covers a start that waits on something asynchronous for
   * ever (tfjs's start-up promise never settles). It cannot cover thread workers that fail after
   * they start: then this thread stays blocked (presumably waiting synchronously for its threads),
   * no timer fires, and only the page can notice (measured with wasmThreads.ts's fix switched off:
   * "ReferenceError: e is not defined" in each thread worker, and no timer ran in the training
   * worker for 120 s).
   */
  threadedStartTimeoutMs?: number;
}


export interface BackendChoice {
  /** The backend now active in tfjs. */
  name: BackendName;
  /** Mean time of one benchmark step per candidate, ms; null when the backend failed to start. */
  stepMs: Partial<Record<BackendName, number | null>>;
  /** Why this one: "measured fastest" or "override". */
  reason: 'measured' | 'override' | 'only-available';
  /** Set when the chosen backend is wasm. */
  wasm?: WasmInfo;
}

let wasmConfigured = false;
let lastChoice: BackendChoice | undefined;
/** The wasm binaries' benchmark times once they have been compared (once per context). */
let wasmCompared: WasmBinaryTimes | undefined;
/** tfjs-backend-wasm's backend factory, kept to register it again (restartWasm). */
let wasmFactory: (() => tf.KernelBackend | Promise<tf.KernelBackend>) | undefined;
/** The priority tfjs-backend-wasm registers its backend with (its base.ts). */
const WASM_PRIORITY = 2;

/** ms per benchmark step of the two wasm binaries; null when one could not start. */
export type WasmBinaryTimes = NonNullable<WasmInfo['compared']>;

/**
 * The key with the smallest time; null and undefined times are skipped, ties keep the key listed
 * first. Undefined when no key has a time. Picks the backend and the wasm binary.
 */
export function pickFastest<K extends string>(times: Partial<Record<K, number | null>>): K | undefined {
  let best: K | undefined;
  for (const [k, v] of Object.entries(times) as [K, number | null | undefined][]) {
    if (typeof v !== 'number' || !Number.isFinite(v)) continue;
    if (best === undefined || v < (times[best] as number)) best = k;
  }
  return best;
}

/**
 * The threaded binary must beat the single-threaded one on the picker step by this factor to be
 * kept. The picker step is small; the LSTM, the lab's most used network, gained nothing from
 * threads and used twice the CPU (measured 2 Dec on 2 cores: threaded 2.1–3.5× the single binary's
 * epoch), while a near tie on the step (3.8 vs 4.1 ms, quiet machine) had picked threads. Only a
 * clear win on the step — more idle cores — suggests the networks gain too. At 1.25× it still
 * picked threads on another 2-core machine (2 Dec, afternoon: 5.3 vs 6.8 ms, 1.28×) whose LSTM
 * epoch then took 0.268 s against 0.143 s with the single-threaded binary in the next run; on 2
 * cores the step can be at most 2× faster, so only a win close to that keeps threads.
 */
export const THREADED_MIN_SPEEDUP = 1.6;

/** Which wasm binary to keep: threaded only when it is clearly faster (THREADED_MIN_SPEEDUP); else the fastest. */
export function pickWasmBinary(times: WasmBinaryTimes): keyof WasmBinaryTimes | undefined {
  const best = pickFastest(times);
  const single = times.simd;
  if (best === 'threaded-simd' && typeof single === 'number' && Number.isFinite(single) && (times['threaded-simd'] as number) * THREADED_MIN_SPEEDUP > single) return 'simd';
  return best;
}

/** Tell tfjs-backend-wasm where its `.wasm` files are. Must run before the wasm backend starts. */
export function configureWasm(paths: WasmPaths): void {
  if (typeof paths === 'string') setWasmPaths(paths);
  else setWasmPaths(paths as Record<string, string>);
  wasmConfigured = true;
}

/**
 * The wasm binary and thread count tfjs-backend-wasm is running with, read from the same feature
 * flags tfjs uses to pick the binary (so it names the one actually loaded). Call after the wasm
 * backend has started.
 */
export async function readWasmInfo(): Promise<WasmInfo> {
  const [simd, threads] = await Promise.all([tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'), tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT')]);
  return {
    binary: simd && threads ? 'threaded-simd' : simd ? 'simd' : 'plain',
    threads: getThreadsCount(),
    crossOriginIsolated: (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true,
    ...(wasmCompared ? { compared: { ...wasmCompared } } : {}),
  };
}

/** Memory of the tfjs backend, in bytes. */
export interface BackendMemory {
  /** Bytes of the live tensors as tfjs counts them (per tensor: a buffer shared by two tensors counts twice). */
  tensorBytes: number;
  /**
   * Size of the wasm backend's linear memory (absent on other backends): tensors, XNNPACK's
   * packed weights and buffers, and the allocator's free space. It grows to the largest step's
   * need and never shrinks, so it is the high-water mark of the backend's memory.
   */
  wasmHeapBytes?: number;
}

/** What the backend holds now (see {@link BackendMemory}): the bench and the training worker's progress report it. */
export function backendMemory(): BackendMemory {
  const heap = tf.getBackend() === 'wasm' ? (tf.backend() as unknown as { wasm?: { HEAPU8?: Uint8Array } }).wasm?.HEAPU8?.length : undefined;
  return { tensorBytes: tf.memory().numBytes, ...(heap !== undefined ? { wasmHeapBytes: heap } : {}) };
}

/** The backend tfjs is using now. */
export function activeBackend(): string {
  return tf.getBackend();
}

/** The last result of {@link chooseBackend}, if any. */
export function lastBackendChoice(): BackendChoice | undefined {
  return lastChoice;
}

async function trySetBackend(name: BackendName): Promise<boolean> {
  if (name === 'wasm' && !wasmConfigured)
    throw new LabError('bad-argument', 'The wasm backend needs its .wasm file locations: call configureWasm(paths) first (or pass wasmPaths).');
  try {
    const ok = await tf.setBackend(name);
    if (ok) await tf.ready();
    return ok && tf.getBackend() === name;
  } catch {
    // tfjs logs its own reason (no WebGL context, wasm fetch failed); a backend that cannot start
    // is simply not a candidate.
    return false;
  }
}

/**
 * CNN training on wasm needs the filter-gradient kernel tfjs-backend-wasm 4.22 lacks, and its
 * Slice, SplitV and Unpack copy their whole input per call, and its Identity copies every tensor
 * tfjs saves for a gradient (wasmKernels.ts).
 */
function patchWasmKernels(): void {
  registerWasmConv2DBackpropFilter();
  registerWasmHeapSlices();
  registerWasmSharedIdentity();
}

/** One representative training step: LSTM-sized matMuls, gates and a loss, forward + backward. */
function benchmarkStep(w: tf.Variable<tf.Rank.R2>, u: tf.Variable<tf.Rank.R2>, x: tf.Tensor2D, h: tf.Tensor2D): void {
  const g = tf.tidy(() => {
    const grads = tf.variableGrads(() => {
      const z = tf.add(matMulFast(x, w), matMulFast(h, u));
      const s = tf.sigmoid(z);
      return tf.mean(tf.square(tf.mul(s, tf.tanh(z)))) as tf.Scalar;
    }, [w, u]);
    return grads.value;
  });
  g.dataSync(); // force the work on async backends (webgl) before timing stops
  g.dispose();
}

/** Resolve to false when `p` has not settled after `ms`. */
function withTimeout(p: Promise<boolean>, ms: number): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<boolean>((res) => (timer = setTimeout(() => res(false), ms)));
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}

/**
 * Start the wasm backend afresh on the threaded SIMD binary or on the single-threaded one.
 * tfjs-backend-wasm picks its binary from the WASM_HAS_MULTITHREAD_SUPPORT flag when its backend
 * factory runs, once; so set the flag, drop the running backend (its dispose ends its thread
 * workers) and register the same factory again. Tensors on the old wasm backend are lost: call
 * this before any exist (the picker runs before training). False when it did not start.
 */
export async function restartWasm(threaded: boolean, opts: BackendOptions = {}): Promise<boolean> {
  wasmFactory ??= tf.findBackendFactory('wasm') ?? undefined;
  const factory = wasmFactory;
  if (!factory) return false;
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', threaded);
  if (tf.findBackendFactory('wasm')) tf.removeBackend('wasm');
  tf.registerBackend('wasm', factory, WASM_PRIORITY);
  if (!threaded) return trySetBackend('wasm');
  const nav = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator;
  const threads = Math.max(1, Math.min(8, opts.wasmThreads ?? nav?.hardwareConcurrency ?? 1));
  setThreadsCount(threads);
  // tfjs-backend-wasm 4.22 caps its pool at navigator.hardwareConcurrency / 2 (its backend.cc
  // assumes two logical cores per physical one, and reads the count while the module starts), so a
  // 2-core machine got 1 thread: the threaded binary's overhead with no parallelism. Report twice
  // the cores asked for while the module starts, then restore the browser's own value.
  const own = nav ? Object.getOwnPropertyDescriptor(nav, 'hardwareConcurrency') : undefined;
  if (nav) Object.defineProperty(nav, 'hardwareConcurrency', { value: 2 * threads, configurable: true });
  let ok: boolean;
  try {
    ok = await withTimeout(trySetBackend('wasm'), opts.threadedStartTimeoutMs ?? 30_000);
  } finally {
    if (nav) {
      if (own) Object.defineProperty(nav, 'hardwareConcurrency', own);
      else delete nav.hardwareConcurrency;
    }
  }
  if (!ok) {
    // A start that timed out is still pending: removeBackend makes tfjs drop it.
    tf.removeBackend('wasm');
    tf.registerBackend('wasm', factory, WASM_PRIORITY);
  }
  return ok;
}

/**
 * Where the threaded SIMD binary can run (SharedArrayBuffer: a cross-origin isolated browser
 * context; never Node), time the benchmark step on it and on the single-threaded SIMD binary,
 * once per context, and leave the faster one running. A no-op elsewhere: tfjs then runs its only
 * choice. Must run before any tensor lives on the wasm backend.
 */
async function startFasterWasmBinary(opts: BackendOptions, repetitions: number): Promise<boolean> {
  if (wasmCompared) return trySetBackend('wasm');
  const [simd, threads] = await Promise.all([tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'), tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT')]);
  if (!simd || !threads) return trySetBackend('wasm');
  // Single first, then threaded: when the threaded binary wins (the hope) it is already running.
  const times: WasmBinaryTimes = { simd: null, 'threaded-simd': null };
  for (const threaded of [false, true]) {
    if (!(await restartWasm(threaded, opts))) continue;
    // A freshly started module runs V8's baseline code until the optimised tier is ready: time
    // a second round (measured in the e2e run: 28 ms per step in the first round, 8 ms later).
    await measureActive(repetitions);
    times[threaded ? 'threaded-simd' : 'simd'] = await measureActive(repetitions);
  }
  wasmCompared = times;
  const best = pickWasmBinary(times);
  if (best === undefined) return false;
  return best === 'threaded-simd' ? tf.getBackend() === 'wasm' && (await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT')) === true : restartWasm(false, opts);
}

/** Time the picker's benchmark step on the active backend, ms per step (after one untimed warm-up step). */
export async function measureActive(repetitions: number): Promise<number> {
  return tf.tidy(() => {
    const w = tf.variable(tf.randomUniform([64, 512], -0.1, 0.1, 'float32', 1) as tf.Tensor2D, true);
    const u = tf.variable(tf.randomUniform([128, 512], -0.1, 0.1, 'float32', 2) as tf.Tensor2D, true);
    const x = tf.randomUniform([96, 64], -1, 1, 'float32', 3) as tf.Tensor2D;
    const h = tf.randomUniform([96, 128], -1, 1, 'float32', 4) as tf.Tensor2D;
    benchmarkStep(w, u, x, h); // warm-up: shader compilation, wasm kernel setup
    const t0 = performance.now();
    for (let i = 0; i < repetitions; i++) benchmarkStep(w, u, x, h);
    const ms = (performance.now() - t0) / repetitions;
    w.dispose();
    u.dispose();
    return ms;
  });
}

/**
 * Pick the tfjs backend: the override when given, else the fastest candidate by measurement.
 * Leaves the chosen backend active and returns the timings.
 */
export async function chooseBackend(opts: BackendOptions = {}): Promise<BackendChoice> {
  if (opts.wasmPaths !== undefined) configureWasm(opts.wasmPaths);
  if (opts.wasmThreads !== undefined) setThreadsCount(opts.wasmThreads);
  const repetitions = opts.repetitions ?? 8;
  const start = (name: BackendName): Promise<boolean> => (name === 'wasm' && wasmConfigured ? startFasterWasmBinary(opts, repetitions) : trySetBackend(name));
  if (opts.override) {
    if (!(await start(opts.override))) throw new LabError('bad-argument', `The ${opts.override} backend is not available here.`);
    if (opts.override === 'wasm') patchWasmKernels();
    lastChoice = { name: opts.override, stepMs: {}, reason: 'override', ...(opts.override === 'wasm' ? { wasm: await readWasmInfo() } : {}) };
    return lastChoice;
  }
  const candidates = opts.candidates ?? (['webgl', 'wasm', 'cpu'] as BackendName[]);
  const stepMs: BackendChoice['stepMs'] = {};
  for (const name of candidates) {
    if (name === 'wasm' && !wasmConfigured) {
      stepMs[name] = null;
      continue;
    }
    if (!(await start(name))) {
      stepMs[name] = null;
      continue;
    }
    stepMs[name] = await measureActive(repetitions);
  }
  const best = pickFastest(stepMs);
  if (!best) throw new LabError('internal', `No tfjs backend could start (tried ${candidates.join(', ')}).`);
  await trySetBackend(best);
  if (best === 'wasm') patchWasmKernels();
  const started = Object.values(stepMs).filter((v) => v !== null).length;
  lastChoice = { name: best, stepMs, reason: started > 1 ? 'measured' : 'only-available', ...(best === 'wasm' ? { wasm: await readWasmInfo() } : {}) };
  return lastChoice;
}
