/**
 * The WebAssembly SIMD kernel for the CNN's batch norm → ReLU → max-pool (bnPool.c, built by
 * scripts/build-wasm.mjs into bnPoolWasm.ts): batchNormPool.ts runs its passes here when the pool
 * windows do not overlap (pool = strides, 'valid', as in every lab CNN) and the channel count is a
 * multiple of 4, and keeps its TypeScript loops for everything else; both give the same bits.
 *
 * Why: the TypeScript passes cost ~20 ns an element; in the laptop VGG's training step they were
 * more than half the time (bench/cnnSpeed.ts, issue 11).
 *
 * The module imports its own memory (one per thread, grown on demand and kept). A tensor lives on
 * tfjs's heap, so the kernel works one sample at a time: each pass copies a sample in (and its
 * result out), which keeps this memory at about two samples — 2 MB for the desktop VGG's first
 * block — instead of whole tensors.
 */
import { Float32KernelMemory, threadKernel, type KernelGetter, type WasmMemory } from '../../features/wasm/loadModule';
import { BN_POOL_WASM_BASE64 } from './bnPoolWasm';

/** The module's exports (pointers are byte offsets into its memory). */
interface Exports {
  colSums(x: number, rows: number, c: number, acc: number): void;
  colSqDiffSums(x: number, rows: number, c: number, mean: number, acc: number): void;
  bnPoolForward(x: number, h: number, w: number, c: number, ph: number, pw: number, mean: number, gamma: number, root: number, beta: number, last: number, out: number): void;
  bnPoolRoute(x: number, h: number, w: number, c: number, ph: number, pw: number, mean: number, gamma: number, root: number, beta: number, last: number, dOut: number, dx: number, dGamma: number, dBeta: number): void;
  bnPoolInput(x: number, rows: number, c: number, mean: number, root: number, scaleA: number, scaleB: number, offsetB: number, dx: number): void;
  __heap_base: { value: number };
}

/** A sample's geometry: h × w × c in, pool windows ph × pw (stride = window, 'valid'). */
export interface BnPoolSample {
  h: number;
  w: number;
  c: number;
  ph: number;
  pw: number;
}

/** Per-channel vectors, in the order they sit in the kernel's memory. */
const VECTORS = ['mean', 'gamma', 'root', 'beta', 'scaleA', 'scaleB', 'offsetB', 'accA', 'accB'] as const;
type Vector = (typeof VECTORS)[number];

/** The kernel instance of this thread (see the file comment). */
export class BnPoolKernel extends Float32KernelMemory {
  constructor(
    memory: WasmMemory,
    private readonly ex: Exports,
  ) {
    super(memory, ex.__heap_base.value);
  }

  /** Float offsets of the vectors and the x, pooled (dOut / out) and dx sample areas for a geometry. */
  private layout(s: BnPoolSample): Record<Vector | 'x' | 'pooled' | 'dx', number> & { end: number } {
    const c4 = Math.ceil(s.c / 4) * 4;
    const at = {} as Record<Vector | 'x' | 'pooled' | 'dx', number>;
    let p = this.base;
    for (const v of VECTORS) {
      at[v] = p;
      p += c4;
    }
    const inSize = s.h * s.w * s.c;
    at.x = p;
    at.pooled = p += inSize;
    at.dx = p += Math.floor(s.h / s.ph) * Math.floor(s.w / s.pw) * s.c;
    return { ...at, end: p + inSize };
  }

  private prepare(s: BnPoolSample): ReturnType<BnPoolKernel['layout']> {
    const at = this.layout(s);
    this.reserve(at.end);
    return at;
  }

  /** Float32 per-channel sums of channel-last `x` in row order: Σx, then (given the mean) Σ f32(x − μ)². */
  columnSums(x: Float32Array, s: BnPoolSample, mean?: ArrayLike<number>): Float32Array {
    const at = this.prepare(s);
    const per = s.h * s.w * s.c;
    this.heap.fill(0, at.accA, at.accA + s.c);
    if (mean) this.heap.set(mean, at.mean);
    for (let i = 0; i < x.length; i += per) {
      this.heap.set(x.subarray(i, i + per), at.x);
      if (mean) this.ex.colSqDiffSums(4 * at.x, s.h * s.w, s.c, 4 * at.mean, 4 * at.accA);
      else this.ex.colSums(4 * at.x, s.h * s.w, s.c, 4 * at.accA);
    }
    return this.heap.slice(at.accA, at.accA + s.c);
  }

  private setVectors(at: Record<Vector, number>, v: Partial<Record<Vector, ArrayLike<number>>>): void {
    for (const [name, values] of Object.entries(v)) this.heap.set(values as ArrayLike<number>, at[name as Vector]);
  }

  /** The pooled relu(batchNorm(x)) of every sample into `out`. */
  forward(x: Float32Array, s: BnPoolSample, v: { mean: ArrayLike<number>; gamma: ArrayLike<number>; root: ArrayLike<number>; beta: ArrayLike<number> }, last: boolean, out: Float32Array): void {
    const at = this.prepare(s);
    this.setVectors(at, v);
    const per = s.h * s.w * s.c;
    const perOut = (at.dx - at.pooled);
    for (let i = 0, o = 0; i < x.length; i += per, o += perOut) {
      this.heap.set(x.subarray(i, i + per), at.x);
      this.ex.bnPoolForward(4 * at.x, s.h, s.w, s.c, s.ph, s.pw, 4 * at.mean, 4 * at.gamma, 4 * at.root, 4 * at.beta, last ? 1 : 0, 4 * at.pooled);
      out.set(this.heap.subarray(at.pooled, at.pooled + perOut), o);
    }
  }

  /**
   * Backward, first half: dOut routed to each window's maximum into `dx` (where the ReLU passed
   * it), and dγ, dβ summed over it in row order (into `dGamma`, `dBeta`).
   */
  route(dOut: Float32Array, x: Float32Array, s: BnPoolSample, v: { mean: ArrayLike<number>; gamma: ArrayLike<number>; root: ArrayLike<number>; beta: ArrayLike<number> }, last: boolean, dx: Float32Array, dGamma: Float32Array, dBeta: Float32Array): void {
    const at = this.prepare(s);
    this.setVectors(at, v);
    this.heap.fill(0, at.accA, at.accA + s.c);
    this.heap.fill(0, at.accB, at.accB + s.c);
    const per = s.h * s.w * s.c;
    const perOut = at.dx - at.pooled;
    for (let i = 0, o = 0; i < x.length; i += per, o += perOut) {
      this.heap.set(x.subarray(i, i + per), at.x);
      this.heap.set(dOut.subarray(o, o + perOut), at.pooled);
      this.ex.bnPoolRoute(4 * at.x, s.h, s.w, s.c, s.ph, s.pw, 4 * at.mean, 4 * at.gamma, 4 * at.root, 4 * at.beta, last ? 1 : 0, 4 * at.pooled, 4 * at.dx, 4 * at.accA, 4 * at.accB);
      dx.set(this.heap.subarray(at.dx, at.dx + per), i);
    }
    dGamma.set(this.heap.subarray(at.accA, at.accA + s.c));
    dBeta.set(this.heap.subarray(at.accB, at.accB + s.c));
  }

  /** Backward, second half, in place over `dx`: dx = f32(dx·a) + batchNorm(x; μ, σ², scaleB, offsetB). */
  input(x: Float32Array, s: BnPoolSample, v: { mean: ArrayLike<number>; root: ArrayLike<number>; scaleA: ArrayLike<number>; scaleB: ArrayLike<number>; offsetB: ArrayLike<number> }, dx: Float32Array): void {
    const at = this.prepare(s);
    this.setVectors(at, v);
    const per = s.h * s.w * s.c;
    for (let i = 0; i < x.length; i += per) {
      this.heap.set(x.subarray(i, i + per), at.x);
      this.heap.set(dx.subarray(i, i + per), at.dx);
      this.ex.bnPoolInput(4 * at.x, s.h * s.w, s.c, 4 * at.mean, 4 * at.root, 4 * at.scaleA, 4 * at.scaleB, 4 * at.offsetB, 4 * at.dx);
      dx.set(this.heap.subarray(at.dx, at.dx + per), i);
    }
  }
}

/**
 * This thread's kernel, compiled on first call, or undefined where WebAssembly or its SIMD is
 * missing (the TypeScript passes give the same values there); `.setEnabled(false)` turns it off for tests and benches.
 */
export const bnPoolKernel: KernelGetter<BnPoolKernel> = threadKernel(BN_POOL_WASM_BASE64, (memory, ex) => new BnPoolKernel(memory, ex as unknown as Exports));
