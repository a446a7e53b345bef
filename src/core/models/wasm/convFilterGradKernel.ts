/**
 * The WebAssembly SIMD kernel for a convolution's filter gradient (convFilterGrad.c, built by
 * scripts/build-wasm.mjs into convFilterGradWasm.ts); conv.ts runs it through the engine where the
 * backend's tensors are readable arrays (wasm, cpu) and the output channels come in fours.
 *
 * Why: the other way to get this product on wasm is XNNPACK's convolution with the roles swapped
 * (x's channels as its batch, dy as an oh × ow filter; conv.ts), which needs x padded and
 * transposed, dy transposed and packed, and runs the product through an indirection buffer of
 * oh·ow taps: 2–12 GFLOP/s for the small VGG's layers, against ~23 for the forward convolution.
 * Here the patches are read where they lie (bench/conv.ts measures both).
 *
 * The module imports its own memory (one per thread, grown on demand and kept): dW and one
 * sample of x and of dy at a time (0.6 MB for the laptop VGG's first layer).
 */
import { Float32KernelMemory, threadKernel, type KernelGetter, type WasmMemory } from '../../features/wasm/loadModule';
import { CONV_GRAD_WASM_BASE64 } from './convFilterGradWasm';

interface Exports {
  filterGrad(x: number, h: number, w: number, ci: number, dy: number, oh: number, ow: number, co: number, kh: number, kw: number, sh: number, sw: number, padTop: number, padLeft: number, dW: number): void;
  __heap_base: { value: number };
}

/** The convolution's filter size, strides and top/left padding. */
export interface FilterGradGeometry {
  kh: number;
  kw: number;
  sh: number;
  sw: number;
  padTop: number;
  padLeft: number;
}

/** The kernel instance of this thread (see the file comment). */
export class ConvFilterGradKernel extends Float32KernelMemory {
  constructor(
    memory: WasmMemory,
    private readonly ex: Exports,
  ) {
    super(memory, ex.__heap_base.value);
  }

  /**
   * dW [kh, kw, ci, co] (written, not added to) of the convolution of x [b, h, w, ci] that gave
   * dy [b, oh, ow, co]. co must be a multiple of 4.
   */
  filterGrad(x: Float32Array, xShape: readonly number[], dy: Float32Array, dyShape: readonly number[], g: FilterGradGeometry, dW: Float32Array): void {
    const [b, h, w, ci] = xShape as [number, number, number, number];
    const [, oh, ow, co] = dyShape as [number, number, number, number];
    const perX = h * w * ci;
    const perDy = oh * ow * co;
    const size = g.kh * g.kw * ci * co;
    // dW, then x and dy for one sample, each 16-byte aligned.
    const at = { dW: this.base, x: this.base + Math.ceil(size / 4) * 4, dy: 0 };
    at.dy = at.x + Math.ceil(perX / 4) * 4;
    this.reserve(at.dy + perDy);
    this.heap.fill(0, at.dW, at.dW + size);
    for (let n = 0; n < b; n++) {
      this.heap.set(x.subarray(n * perX, (n + 1) * perX), at.x);
      this.heap.set(dy.subarray(n * perDy, (n + 1) * perDy), at.dy);
      this.ex.filterGrad(4 * at.x, h, w, ci, 4 * at.dy, oh, ow, co, g.kh, g.kw, g.sh, g.sw, g.padTop, g.padLeft, 4 * at.dW);
    }
    dW.set(this.heap.subarray(at.dW, at.dW + size));
  }
}

/**
 * This thread's kernel, compiled on first call, or undefined where WebAssembly or its SIMD is
 * missing (conv.ts takes its XNNPACK path there); `.setEnabled(false)` turns it off for tests and benches.
 */
export const convFilterGradKernel: KernelGetter<ConvFilterGradKernel> = threadKernel(CONV_GRAD_WASM_BASE64, (memory, ex) => new ConvFilterGradKernel(memory, ex as unknown as Exports));
