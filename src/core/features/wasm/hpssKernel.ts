/**
 * The WebAssembly SIMD kernel for the HPSS median filters (kernel 31) and soft masks: the C in
 * hpssMedian.c, built by scripts/build-wasm.mjs into hpssMedianWasm.ts. hpss.ts uses it
 * where it applies and falls back to its TypeScript filters elsewhere; both give the same bits.
 *
 * Why: the TypeScript sliding window is a data-dependent search and shift per value (~110 ms CPU
 * for the two filters of a 30 s clip); the kernel slides eight windows at once with branch-free
 * min/max over the 31 slots (~35 ms with the soft mask, bench/hpssKernel.ts).
 *
 * The module (3.7 kB) compiles synchronously on first use, in Node, in workers and on a page's
 * main thread (under Chrome's 4 kB limit there). It imports its memory: one WebAssembly.Memory
 * per thread holds, from the module's __heap_base on, the magnitude, the time medians and
 * scratch (2 × 8 bytes a cell plus ~0.7 MB: 22 MB for a 30 s clip), grown on demand and kept,
 * like the recipes' work arrays.
 */

import { HPSS_WASM_BASE64 } from './hpssMedianWasm';
import { threadKernel, WASM_PAGE_BYTES, type KernelGetter, type WasmMemory } from './loadModule';

/** The module's exports (pointers are byte offsets into its memory). */
interface Exports {
  medianTime(src: number, dst: number, nFrames: number, nBins: number, scratch: number): void;
  medianFrequency(src: number, harm: number, nFrames: number, nBins: number, scratch: number, mode: number): void;
  scratchBytes(nFrames: number, nBins: number): number;
  inDomain(src: number, n: number): number;
  /** Where the caller's bytes start (below: the module's shadow stack). */
  __heap_base: { value: number };
}

/** medianFrequency's modes (hpssMedian.c): what it writes over the matrix and the time medians. */
const MEDIANS = 0;
const BOTH_MASKS = 1;
const HARMONIC_MASK = 2;

/**
 * The kernel's smallest matrix side: eight windows slide together (the last group of bins or
 * frames overlaps the one before it), so smaller matrices stay with the TypeScript filters.
 */
export const HPSS_KERNEL_MIN_SIDE = 8;

/**
 * The kernel instance of this thread: load a matrix, then take its medians or masks out (once:
 * the frequency pass works in place over the loaded matrix, so load again before the next).
 * Memory: the matrix and the time medians (2 × 8 bytes a cell) and scratch.
 */
export class HpssKernel {
  private heap: Float64Array;
  private nFrames = 0;
  private nBins = 0;
  /** The loaded matrix's first double in `heap` (then the time medians, then scratch). */
  private readonly base: number;

  constructor(
    private readonly memory: WasmMemory,
    private readonly ex: Exports,
  ) {
    this.heap = new Float64Array(memory.buffer);
    this.base = Math.ceil(ex.__heap_base.value / 16) * 2;
  }

  /** Byte offsets of the matrix, the time medians and scratch for n cells. */
  private offsets(n: number): { src: number; harm: number; scratch: number } {
    const src = 8 * this.base;
    return { src, harm: src + 8 * n, scratch: src + 16 * n };
  }

  /**
   * Copy the frame-major nFrames × nBins magnitude in. False (nothing to take out) when a value
   * lies outside the kernel's domain [+0, +inf] (a negative, −0 or NaN): the kernel orders values
   * by their bits, which is their numeric order only there.
   */
  load(mag: Float64Array, nFrames: number, nBins: number): boolean {
    const n = nFrames * nBins;
    const need = this.offsets(n).scratch + this.ex.scratchBytes(nFrames, nBins);
    if (need > this.memory.buffer.byteLength) {
      this.memory.grow(Math.ceil((need - this.memory.buffer.byteLength) / WASM_PAGE_BYTES));
      this.heap = new Float64Array(this.memory.buffer); // growing detached the old view
    }
    this.heap.set(mag.subarray(0, n), this.base);
    this.nFrames = nFrames;
    this.nBins = nBins;
    return this.ex.inDomain(this.offsets(n).src, n) === 1;
  }

  /** The loaded matrix's 31-wide median along `axis` (scipy reflect borders) into `out`. */
  median(axis: 'time' | 'frequency', out: Float64Array): void {
    const n = this.nFrames * this.nBins;
    const o = this.offsets(n);
    if (axis === 'time') {
      this.ex.medianTime(o.src, o.harm, this.nFrames, this.nBins, o.scratch);
      out.set(this.heap.subarray(this.base + n, this.base + 2 * n));
    } else {
      this.ex.medianFrequency(o.src, o.harm, this.nFrames, this.nBins, o.scratch, MEDIANS);
      out.set(this.heap.subarray(this.base, this.base + n));
    }
  }

  /**
   * Both medians of the loaded matrix and their soft masks (hpss.ts's softMasks, computed as the
   * frequency medians come out): the harmonic mask into `harmonic`, the percussive one into
   * `percussive` when given.
   */
  masks(harmonic: Float64Array, percussive?: Float64Array): void {
    const n = this.nFrames * this.nBins;
    const o = this.offsets(n);
    this.ex.medianTime(o.src, o.harm, this.nFrames, this.nBins, o.scratch);
    this.ex.medianFrequency(o.src, o.harm, this.nFrames, this.nBins, o.scratch, percussive ? BOTH_MASKS : HARMONIC_MASK);
    harmonic.set(this.heap.subarray(this.base + n, this.base + 2 * n));
    percussive?.set(this.heap.subarray(this.base, this.base + n));
  }
}

/**
 * This thread's kernel, compiled on first call, or undefined where WebAssembly or its SIMD is
 * unavailable (an old engine: the TypeScript filters are the answer there, not an error).
 */
export const hpssKernel: KernelGetter<HpssKernel> = threadKernel(HPSS_WASM_BASE64, (memory, ex) => new HpssKernel(memory, ex as unknown as Exports));
