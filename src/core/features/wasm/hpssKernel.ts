/**
 * The WebAssembly SIMD kernel for the HPSS median filters (kernel 31) and soft masks: the C in
 * hpssMedian.c, built by scripts/build-hpss-wasm.mjs into hpssMedianWasm.ts. hpss.ts uses it
 * where it applies and falls back to its TypeScript filters elsewhere; both give the same bits.
 *
 * Why: the TypeScript sliding window is a data-dependent search and shift per value (~110 ms CPU
 * for the two filters of a 30 s clip); the kernel slides eight windows at once with branch-free
 * min/max over the 31 slots (~30 ms, bench/hpssKernel.ts).
 *
 * The module (3.8 kB) compiles synchronously on first use, in Node, in workers and on a page's
 * main thread (under Chrome's 4 kB limit there). It owns no memory: one WebAssembly.Memory per
 * thread holds the magnitude, the two medians and scratch (3 × 8 bytes a cell plus ~0.7 MB for a
 * 30 s clip), grown on demand and kept, like the recipes' work arrays.
 */

import { HPSS_WASM_BASE64 } from './hpssMedianWasm';

/** The slice of the WebAssembly API used here (src/core type-checks without the DOM lib, which declares it). */
interface WasmApi {
  Memory: new (d: { initial: number }) => { readonly buffer: ArrayBuffer; grow(pages: number): number };
  Module: new (bytes: Uint8Array<ArrayBuffer>) => object;
  Instance: new (m: object, imports: object) => { exports: Record<string, unknown> };
}

/** The module's exports (pointers are byte offsets into its memory). */
interface Exports {
  medianTime(src: number, dst: number, nFrames: number, nBins: number, scratch: number): void;
  medianFrequency(src: number, dst: number, nFrames: number, nBins: number, scratch: number): void;
  scratchBytes(nFrames: number, nBins: number): number;
  inDomain(src: number, n: number): number;
  softMasks(harm: number, perc: number, n: number, percussive: number): void;
}

const PAGE_BYTES = 65536;

/**
 * The kernel's smallest matrix side: eight windows slide together (the last group of bins or
 * frames overlaps the one before it), so smaller matrices stay with the TypeScript filters.
 */
export const HPSS_KERNEL_MIN_SIDE = 8;

/** The kernel instance of this thread: load a matrix, then take its medians or masks out. */
export class HpssKernel {
  private heap: Float64Array;
  private nFrames = 0;
  private nBins = 0;

  constructor(
    private readonly memory: { readonly buffer: ArrayBuffer; grow(pages: number): number },
    private readonly ex: Exports,
  ) {
    this.heap = new Float64Array(memory.buffer);
  }

  /**
   * Copy the frame-major nFrames × nBins magnitude in. False (nothing to take out) when a value
   * lies outside the kernel's domain [+0, +inf] (a negative, −0 or NaN): the kernel orders values
   * by their bits, which is their numeric order only there.
   */
  load(mag: Float64Array, nFrames: number, nBins: number): boolean {
    const n = nFrames * nBins;
    const need = 24 * n + this.ex.scratchBytes(nFrames, nBins);
    if (need > this.memory.buffer.byteLength) {
      this.memory.grow(Math.ceil((need - this.memory.buffer.byteLength) / PAGE_BYTES));
      this.heap = new Float64Array(this.memory.buffer); // growing detached the old view
    }
    this.heap.set(mag.subarray(0, n), 0);
    this.nFrames = nFrames;
    this.nBins = nBins;
    return this.ex.inDomain(0, n) === 1;
  }

  /** The loaded matrix's 31-wide median along `axis` (scipy reflect borders) into `out`. */
  median(axis: 'time' | 'frequency', out: Float64Array): void {
    const n = this.nFrames * this.nBins;
    const run = axis === 'time' ? this.ex.medianTime : this.ex.medianFrequency;
    run(0, 8 * n, this.nFrames, this.nBins, 24 * n);
    out.set(this.heap.subarray(n, 2 * n));
  }

  /**
   * Both medians of the loaded matrix and their soft masks (hpss.ts's softMasks): the harmonic
   * mask into `harmonic`, the percussive one into `percussive` when given.
   */
  masks(harmonic: Float64Array, percussive?: Float64Array): void {
    const n = this.nFrames * this.nBins;
    this.ex.medianTime(0, 8 * n, this.nFrames, this.nBins, 24 * n);
    this.ex.medianFrequency(0, 16 * n, this.nFrames, this.nBins, 24 * n);
    this.ex.softMasks(8 * n, 16 * n, n, percussive ? 1 : 0);
    harmonic.set(this.heap.subarray(n, 2 * n));
    percussive?.set(this.heap.subarray(2 * n, 3 * n));
  }
}

let cached: HpssKernel | null | undefined;

/** The base64 module text as bytes (atob: Node ≥ 16, browsers and workers). */
function decodeModule(): Uint8Array<ArrayBuffer> {
  const text = atob(HPSS_WASM_BASE64);
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return bytes;
}

/**
 * This thread's kernel, compiled on first call, or undefined where WebAssembly or its SIMD is
 * unavailable (an old engine: the TypeScript filters are the answer there, not an error).
 */
export function hpssKernel(): HpssKernel | undefined {
  if (cached !== undefined) return cached ?? undefined;
  cached = null;
  const wasm = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
  if (!wasm) return undefined;
  try {
    const memory = new wasm.Memory({ initial: 1 });
    const instance = new wasm.Instance(new wasm.Module(decodeModule()), { env: { memory } });
    cached = new HpssKernel(memory, instance.exports as unknown as Exports);
  } catch {
    // CompileError without SIMD; the TypeScript filters give the same values
  }
  return cached ?? undefined;
}
