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
   * XNNPACK thread-pool size for the wasm backend (used only by the threaded SIMD binary, which
   * tfjs picks when the context is cross-origin isolated); tfjs's default is the number of logical
   * cores. Takes effect only before the wasm backend first starts.
   */
  wasmThreads?: number;
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

/** Time the benchmark step on the active backend, ms per step. */
async function measureActive(repetitions: number): Promise<number> {
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
  if (opts.override) {
    if (!(await trySetBackend(opts.override))) throw new LabError('bad-argument', `The ${opts.override} backend is not available here.`);
    if (opts.override === 'wasm') patchWasmKernels();
    lastChoice = { name: opts.override, stepMs: {}, reason: 'override', ...(opts.override === 'wasm' ? { wasm: await readWasmInfo() } : {}) };
    return lastChoice;
  }
  const candidates = opts.candidates ?? (['webgl', 'wasm', 'cpu'] as BackendName[]);
  const repetitions = opts.repetitions ?? 8;
  const stepMs: BackendChoice['stepMs'] = {};
  let best: BackendName | undefined;
  for (const name of candidates) {
    if (name === 'wasm' && !wasmConfigured) {
      stepMs[name] = null;
      continue;
    }
    if (!(await trySetBackend(name))) {
      stepMs[name] = null;
      continue;
    }
    const ms = await measureActive(repetitions);
    stepMs[name] = ms;
    if (best === undefined || ms < (stepMs[best] as number)) best = name;
  }
  if (!best) throw new LabError('internal', `No tfjs backend could start (tried ${candidates.join(', ')}).`);
  await trySetBackend(best);
  if (best === 'wasm') patchWasmKernels();
  const started = Object.values(stepMs).filter((v) => v !== null).length;
  lastChoice = { name: best, stepMs, reason: started > 1 ? 'measured' : 'only-available', ...(best === 'wasm' ? { wasm: await readWasmInfo() } : {}) };
  return lastChoice;
}
