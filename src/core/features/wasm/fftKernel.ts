/**
 * The WebAssembly SIMD kernel for two real FFTs at once: the C in realFftPair.c, built by
 * `node scripts/build-wasm.mjs fft` into realFftPairWasm.ts. The STFT (stft.ts) sends its
 * frames through it two at a time where WebAssembly SIMD exists, and through RealFft (fft.ts)
 * elsewhere; both give the same bits (fftKernel.test.ts).
 *
 * Why: fft.js in V8 was most of the STFT's time. The kernel runs fft.js's own radix-4 algorithm,
 * operation for operation, with two frames in the two lanes of f64x2, and the split step with
 * |X|², |X| and the frame maximum after it: measured ~2.7× fewer CPU µs per pair of 2048-point
 * frames than RealFft.forward twice (bench/fftKernel.ts).
 *
 * Each size has its own instance and memory (a few pages: twiddle tables, the interleaved input,
 * the half-size transform and the eight output rows), laid out once, so the views below stay valid.
 */
import FFT from 'fft.js';
import { splitTwiddles } from '../fft';
import { instantiateKernel, WASM_PAGE_BYTES, webAssemblyApi, type WasmApi } from './loadModule';
import { FFT_WASM_BASE64 } from './realFftPairWasm';

interface Exports {
  spectraPair(
    input: number, z: number, half: number, table: number, bitrev: number, width: number, twCos: number, twSin: number,
    reA: number, imA: number, reB: number, imB: number, powA: number, magA: number, powB: number, magB: number, frameMax: number,
  ): void;
  __heap_base: { value: number };
}

/** fft.js's precomputed state for its transform (its own fields, read so the kernel uses the same numbers). */
interface FftJsTables {
  table: number[];
  _bitrev: number[];
  _width: number;
}

/** Two real FFTs of one power-of-two size: fill {@link input}, call {@link run}, read the rows. */
export class RealFftPairKernel {
  /** Transform length in samples. */
  readonly size: number;
  /** size / 2 + 1. */
  readonly nBins: number;
  /** The two windowed frames interleaved: input[2i] = frame A's sample i, input[2i + 1] = frame B's. */
  readonly input: Float64Array;
  readonly reA: Float64Array;
  readonly imA: Float64Array;
  readonly reB: Float64Array;
  readonly imB: Float64Array;
  /** |X|² of frame A, bins 0..size/2 (as RealFft.forwardSpectra). */
  readonly powA: Float64Array;
  /** |X| of frame A. */
  readonly magA: Float64Array;
  readonly powB: Float64Array;
  readonly magB: Float64Array;
  /** The largest |X|² of frame A (index 0) and frame B (index 1). */
  readonly frameMax: Float64Array;
  private readonly ex: Exports;
  /** spectraPair's arguments: the block offsets, sizes and fft.js's width. */
  private readonly args: Parameters<Exports['spectraPair']>;

  constructor(size: number, wasm: WasmApi) {
    this.size = size;
    const half = size >> 1;
    const nBins = half + 1;
    this.nBins = nBins;
    const fft = new FFT(half) as unknown as FftJsTables;
    const [twCos, twSin] = splitTwiddles(size);
    // byte layout after __heap_base, each block 16-byte aligned: input, z (2·size doubles each),
    // fft.js's table (size doubles), bitrev (int32), twCos, twSin, 8 rows, frameMax
    const rowBytes = Math.ceil((8 * nBins) / 16) * 16;
    const sizes = [16 * size, 16 * size, 8 * size, Math.ceil((4 * fft._bitrev.length) / 16) * 16, rowBytes, rowBytes, ...new Array<number>(8).fill(rowBytes), 16];
    // one page more than the blocks need: the module's stack and __heap_base come first (1 KiB)
    const memory = new wasm.Memory({ initial: 1 + Math.ceil(sizes.reduce((a, b) => a + b, 0) / WASM_PAGE_BYTES) });
    this.ex = instantiateKernel(wasm, FFT_WASM_BASE64, memory) as unknown as Exports;
    const heapBase = Math.ceil(this.ex.__heap_base.value / 16) * 16;
    if (heapBase > WASM_PAGE_BYTES) throw new RangeError('fft kernel: __heap_base beyond the first page');
    const offsets: number[] = [];
    let at = heapBase;
    for (const b of sizes) {
      offsets.push(at);
      at += b;
    }
    const f64 = (i: number, length: number): Float64Array => new Float64Array(memory.buffer, offsets[i] as number, length);
    this.input = f64(0, 2 * size);
    f64(2, size).set(fft.table);
    new Int32Array(memory.buffer, offsets[3] as number, fft._bitrev.length).set(fft._bitrev);
    f64(4, nBins).set(twCos);
    f64(5, nBins).set(twSin);
    [this.reA, this.imA, this.reB, this.imB, this.powA, this.magA, this.powB, this.magB] = [6, 7, 8, 9, 10, 11, 12, 13].map((i) => f64(i, nBins)) as [Float64Array, Float64Array, Float64Array, Float64Array, Float64Array, Float64Array, Float64Array, Float64Array];
    this.frameMax = f64(14, 2);
    const o = offsets as [number, number, number, number, number, number, number, number, number, number, number, number, number, number, number];
    this.args = [o[0], o[1], half, o[2], o[3], fft._width, o[4], o[5], o[6], o[7], o[8], o[9], o[10], o[11], o[12], o[13], o[14]];
  }

  /** Transform the two frames in {@link input} into the output rows. */
  run(): void {
    this.ex.spectraPair(...this.args);
  }
}

const kernels = new Map<number, RealFftPairKernel | null>();

/**
 * This thread's kernel for `size` (a power of two ≥ 8), built on first call, or undefined where
 * WebAssembly or its SIMD is unavailable (RealFft gives the same values there).
 */
export function realFftPairKernel(size: number): RealFftPairKernel | undefined {
  let k = kernels.get(size);
  if (k === undefined) {
    k = null;
    const wasm = webAssemblyApi();
    if (wasm && size >= 8 && (size & (size - 1)) === 0) {
      try {
        k = new RealFftPairKernel(size, wasm);
      } catch {
        // CompileError without SIMD: RealFft is the answer there, not an error
      }
    }
    kernels.set(size, k);
  }
  return k ?? undefined;
}
