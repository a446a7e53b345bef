/**
 * The WebAssembly SIMD kernel for one Adam step over all of a model's weights (adam.c, built by
 * scripts/build-wasm.mjs into adamWasm.ts). fusedKernels.ts's adamStep runs it where WebAssembly
 * SIMD is present; the result is bit for bit its per-op update (the same float32 operations).
 *
 * Why: the per-op update runs eleven elementwise kernels over the flat vector, each writing a new
 * tensor: 1.5 ms a step for the LSTM's 116 k weights, a fifth of its training step (tf.profile,
 * Node). Here it is one pass; the copies in and out are most of what is left.
 *
 * Memory: m, v, the weights and the gradient, 16 bytes a weight (1.9 MB for the LSTM), kept.
 */
import { Float32KernelMemory, threadKernel, type KernelGetter, type WasmMemory } from '../../features/wasm/loadModule';
import { ADAM_WASM_BASE64 } from './adamWasm';

interface Exports {
  adamStep(m: number, v: number, w: number, g: number, n: number, b1: number, c1: number, b2: number, c2: number, stepScale: number, vScale: number, eps: number): void;
  __heap_base: { value: number };
}

/** Adam's float32 constants for one step (see adam.c). */
export interface AdamConstants {
  beta1: number;
  beta2: number;
  epsilon: number;
  /** learningRate / (1 − β₁ᵗ). */
  stepScale: number;
  /** 1 / √(1 − β₂ᵗ). */
  vScale: number;
}

export class AdamKernel extends Float32KernelMemory {
  constructor(
    memory: WasmMemory,
    private readonly ex: Exports,
  ) {
    super(memory, ex.__heap_base.value);
  }

  /**
   * One step: reads m, v (flat over all weights), the weights and their gradients (in the same
   * order), writes the new m, v and weights into `mOut`, `vOut` and `wOut`.
   */
  step(m: Float32Array, v: Float32Array, weights: Float32Array[], grads: Float32Array[], c: AdamConstants, mOut: Float32Array, vOut: Float32Array, wOut: Float32Array[]): void {
    const n = m.length;
    const n4 = Math.ceil(n / 4) * 4;
    const at = { m: this.base, v: this.base + n4, w: this.base + 2 * n4, g: this.base + 3 * n4 };
    this.reserve(at.g + n4);
    this.heap.set(m, at.m);
    this.heap.set(v, at.v);
    let off = 0;
    weights.forEach((w, i) => {
      this.heap.set(w, at.w + off);
      this.heap.set(grads[i] as Float32Array, at.g + off);
      off += w.length;
    });
    const fr = Math.fround;
    this.ex.adamStep(4 * at.m, 4 * at.v, 4 * at.w, 4 * at.g, n, fr(c.beta1), fr(1 - c.beta1), fr(c.beta2), fr(1 - c.beta2), fr(c.stepScale), fr(c.vScale), fr(c.epsilon));
    mOut.set(this.heap.subarray(at.m, at.m + n));
    vOut.set(this.heap.subarray(at.v, at.v + n));
    off = 0;
    wOut.forEach((w) => {
      w.set(this.heap.subarray(at.w + off, at.w + off + w.length));
      off += w.length;
    });
  }
}

/**
 * This thread's kernel, compiled on first call, or undefined where WebAssembly or its SIMD is
 * missing (the per-op update gives the same values there); `.setEnabled(false)` turns it off.
 */
export const adamKernel: KernelGetter<AdamKernel> = threadKernel(ADAM_WASM_BASE64, (memory, ex) => new AdamKernel(memory, ex as unknown as Exports));
