/**
 * Batch norm (batch statistics) → ReLU → max-pool, forward and backward, as two tfjs kernels on
 * the backends whose tensors JavaScript can read (wasm: the heap; cpu: typed arrays).
 *
 * Why: memory. In the small VGG's first block at batch 32 on 128 × 128 crops, one full-size
 * tensor is 16.8 MB (laptop) or 33.6 MB (desktop). Through single ops the forward pass holds the
 * block's input, the moments' squared differences, the batch norm's output and the ReLU's at
 * once, and the backward pass the input, the recomputed ReLU, the MaxPoolGrad output and two
 * closed-form products (x̂·dy, then γσ⁻¹·dy and the batch-norm part of dx): up to five full-size
 * tensors, the wasm heap's peak for the whole training step (bench/cnnMemory.ts). Here the
 * forward pass holds the input and the pooled output only, and the backward pass the input, dx
 * and the pooled gradient: each element of x is recomputed where it is needed instead of stored.
 *
 * The arithmetic is that of the single ops (batchNorm.ts) as tfjs-backend-wasm's kernels do it,
 * rounding for rounding: μ and the biased σ² as tf.moments (float32 sums in row order),
 * z = batchNorm(x) by the wasm kernel's formula, the pool of relu(z), and the closed-form
 * gradient dx = γσ⁻¹·dy + x̂·(−γσ⁻¹·dγ/N) − γσ⁻¹·dβ/N with dβ = Σ dy, dγ = Σ dy·x̂ — so on wasm
 * the values and gradients are bit-identical to the single ops' (on cpu, whose kernels compute
 * in double, they agree to float32 rounding). The gradient goes to the window's maximum with the
 * tie rule of the backend's own MaxPoolGrad — cpu: the first maximum in row-major window order,
 * wasm: the last — so with equal values in a window (constant stretches of a quantised
 * spectrogram) the gradient lands where tfjs's would.
 * Checked against tfjs's autodiff of the separate ops in batchNormPool.test.ts.
 *
 * Where the pool windows do not overlap and the channels come in fours (every lab CNN), the
 * passes run in the WebAssembly SIMD kernel of wasm/bnPoolKernel.ts, with the same roundings (the
 * tests compare the bits with the kernel on and off); the TypeScript loops below are the rest.
 */
import * as tf from '@tensorflow/tfjs';
import { arrayBackend, hasFusedKernels, type ArrayBackend } from './fusedKernels';
import { bnPoolKernel, type BnPoolKernel, type BnPoolSample } from './wasm/bnPoolKernel';

const fr = Math.fround;

/** Pool window, strides and padding as tf.maxPool takes them, plus the backend's tie rule. */
export interface BnPoolAttrs {
  epsilon: number;
  pool: [number, number];
  strides: [number, number];
  padding: 'same' | 'valid';
  /** True when the gradient of a window with several equal maxima goes to the last of them (wasm), false for the first (cpu). */
  lastMaxWins: boolean;
}

interface PoolShape {
  b: number;
  h: number;
  w: number;
  c: number;
  oh: number;
  ow: number;
  padTop: number;
  padLeft: number;
}

/** Output size and top/left padding of the pool, as tf.maxPool computes them. */
function poolShape(shape: readonly number[], a: BnPoolAttrs): PoolShape {
  const [b, h, w, c] = shape as [number, number, number, number];
  const [ph, pw] = a.pool;
  const [sh, sw] = a.strides;
  if (a.padding === 'valid') return { b, h, w, c, oh: Math.floor((h - ph) / sh) + 1, ow: Math.floor((w - pw) / sw) + 1, padTop: 0, padLeft: 0 };
  const oh = Math.ceil(h / sh);
  const ow = Math.ceil(w / sw);
  return { b, h, w, c, oh, ow, padTop: Math.floor(Math.max(0, (oh - 1) * sh + ph - h) / 2), padLeft: Math.floor(Math.max(0, (ow - 1) * sw + pw - w) / 2) };
}

/**
 * The WebAssembly kernel and the sample geometry it takes, when it applies: windows that do not
 * overlap (pool = strides, 'valid': every lab CNN's pool) and a channel count that is a multiple
 * of 4; undefined otherwise (the TypeScript passes below).
 */
function kernelFor(s: PoolShape, a: BnPoolAttrs): { k: BnPoolKernel; sample: BnPoolSample } | undefined {
  const [ph, pw] = a.pool;
  if (a.padding !== 'valid' || a.strides[0] !== ph || a.strides[1] !== pw || s.c % 4 !== 0) return undefined;
  const k = bnPoolKernel();
  return k && { k, sample: { h: s.h, w: s.w, c: s.c, ph, pw } };
}

/**
 * Per-channel mean and biased variance over all axes but the last, as tf.moments computes them on
 * wasm: float32 sums in row order (its Mean and Sum kernels add sequentially), then ÷ N; the
 * variance from the float32 squares of the float32 differences.
 */
function moments(x: Float32Array, c: number, fast?: { k: BnPoolKernel; sample: BnPoolSample }): { mean: Float32Array; variance: Float32Array } {
  const n = x.length / c;
  if (fast) {
    const mean = fast.k.columnSums(x, fast.sample);
    for (let k = 0; k < c; k++) mean[k] = (mean[k] as number) / n;
    const variance = fast.k.columnSums(x, fast.sample, mean);
    for (let k = 0; k < c; k++) variance[k] = (variance[k] as number) / n;
    return { mean, variance };
  }
  const mean = new Float32Array(c);
  for (let i = 0; i < x.length; i += c) for (let k = 0; k < c; k++) mean[k] = (mean[k] as number) + (x[i + k] as number);
  for (let k = 0; k < c; k++) mean[k] = (mean[k] as number) / n;
  const variance = new Float32Array(c);
  for (let i = 0; i < x.length; i += c)
    for (let k = 0; k < c; k++) {
      const d = fr((x[i + k] as number) - (mean[k] as number));
      variance[k] = (variance[k] as number) + fr(d * d);
    }
  for (let k = 0; k < c; k++) variance[k] = (variance[k] as number) / n;
  return { mean, variance };
}

/**
 * Per channel, as float32: √(σ² + ε), the divisor of tfjs-backend-wasm's batchNorm kernel, and
 * σ⁻¹ = rsqrt(σ² + ε) as tf.rsqrt gives it.
 */
function divisors(variance: ArrayLike<number>, epsilon: number): { root: Float32Array; inv: Float32Array } {
  const c = variance.length;
  const root = new Float32Array(c);
  const inv = new Float32Array(c);
  for (let k = 0; k < c; k++) {
    root[k] = Math.sqrt(fr((variance[k] as number) + fr(epsilon)));
    inv[k] = 1 / (root[k] as number);
  }
  return { root, inv };
}

/**
 * tfjs-backend-wasm's batchNorm of one value: offset + (x − μ)·scale / √(σ² + ε), the difference
 * and the product in float32, the division and the sum in double, rounded once (its C++ kernel
 * keeps the divisor in a double). Checked bit for bit against the kernel in batchNormPool.test.ts.
 */
function bnValue(x: number, mean: number, scale: number, root: number, offset: number): number {
  return fr(offset + fr(fr(x - mean) * scale) / root);
}

/**
 * Visit every pool window of channel-last x: `visit(o, best, z)` with o the output index, best
 * the flat index of the window's largest batch-norm output z (by the tie rule; −1 for an empty
 * window) and z that value.
 */
function forEachWindow(
  x: Float32Array,
  s: PoolShape,
  a: BnPoolAttrs,
  mean: ArrayLike<number>,
  gamma: ArrayLike<number>,
  root: ArrayLike<number>,
  beta: ArrayLike<number>,
  visit: (o: number, best: number, z: number) => void,
): void {
  const { b, h, w, c, oh, ow, padTop, padLeft } = s;
  const [ph, pw] = a.pool;
  const [sh, sw] = a.strides;
  const last = a.lastMaxWins;
  for (let n = 0; n < b; n++)
    for (let oy = 0; oy < oh; oy++) {
      const y0 = Math.max(0, oy * sh - padTop);
      const y1 = Math.min(h, oy * sh - padTop + ph);
      for (let ox = 0; ox < ow; ox++) {
        const x0 = Math.max(0, ox * sw - padLeft);
        const x1 = Math.min(w, ox * sw - padLeft + pw);
        const o = ((n * oh + oy) * ow + ox) * c;
        for (let k = 0; k < c; k++) {
          const m = mean[k] as number;
          const g = gamma[k] as number;
          const r = root[k] as number;
          const bt = beta[k] as number;
          let best = -1;
          let zBest = -Infinity;
          for (let yy = y0; yy < y1; yy++)
            for (let xx = x0; xx < x1; xx++) {
              const i = ((n * h + yy) * w + xx) * c + k;
              const z = bnValue(x[i] as number, m, g, r, bt);
              if (z > zBest || (last && z === zBest)) {
                zBest = z;
                best = i;
              }
            }
          visit(o + k, best, zBest);
        }
      }
    }
}

/**
 * Forward: out = maxPool(relu(batchNorm(x; batch μ, σ², β, γ))), and μ, σ² (for the moving
 * averages and the backward pass). `out` is [b, oh, ow, c], `mean`/`variance` [c].
 */
export function bnReluPoolForward(x: Float32Array, shape: readonly number[], gamma: ArrayLike<number>, beta: ArrayLike<number>, a: BnPoolAttrs, out: Float32Array, meanOut: Float32Array, varianceOut: Float32Array): void {
  const s = poolShape(shape, a);
  const fast = kernelFor(s, a);
  const { mean, variance } = moments(x, s.c, fast);
  const { root } = divisors(variance, a.epsilon);
  meanOut.set(mean);
  varianceOut.set(variance);
  if (fast) {
    fast.k.forward(x, fast.sample, { mean, gamma, root, beta }, a.lastMaxWins, out);
    return;
  }
  forEachWindow(x, s, a, mean, gamma, root, beta, (o, best, z) => {
    out[o] = best < 0 ? 0 : Math.max(0, z);
  });
}

/**
 * Backward: given dL/d(out), dL/dx (written to `dx`, full size), dL/dγ and dL/dβ. dy (the
 * gradient at the batch norm's output) is routed into `dx` first — dOut at each window's
 * maximum when that maximum is positive (the ReLU passed it), summed where windows overlap —
 * then `dx` is rewritten in place by batchNorm.ts's closed form, step by step as its kernels
 * round: x̂ = batchNorm(x; μ, σ²), dβ = Σ dy, dγ = Σ dy·x̂ (float32, row order), a = γ·σ⁻¹,
 * dx = dy·a + batchNorm(x; μ, σ², a·(dβ / −N), a·(dγ / −N)).
 */
export function bnReluPoolBackward(
  dOut: Float32Array,
  x: Float32Array,
  shape: readonly number[],
  gamma: ArrayLike<number>,
  beta: ArrayLike<number>,
  mean: ArrayLike<number>,
  variance: ArrayLike<number>,
  a: BnPoolAttrs,
  dx: Float32Array,
  dGamma: Float32Array,
  dBeta: Float32Array,
): void {
  const s = poolShape(shape, a);
  const { c } = s;
  const n = x.length / c;
  const { root, inv } = divisors(variance, a.epsilon);
  const fast = kernelFor(s, a);
  if (fast) fast.k.route(dOut, x, fast.sample, { mean, gamma, root, beta }, a.lastMaxWins, dx, dGamma, dBeta);
  else {
    dx.fill(0);
    forEachWindow(x, s, a, mean, gamma, root, beta, (o, best, z) => {
      if (best >= 0 && z > 0) dx[best] = (dx[best] as number) + (dOut[o] as number);
    });
    // Float32 sums in row order; cells the pool passed nothing to add zero and are skipped.
    dBeta.fill(0);
    dGamma.fill(0);
    for (let i = 0; i < x.length; i += c)
      for (let k = 0; k < c; k++) {
        const d = dx[i + k] as number;
        if (d === 0) continue;
        dBeta[k] = (dBeta[k] as number) + d;
        dGamma[k] = (dGamma[k] as number) + fr(d * bnValue(x[i + k] as number, mean[k] as number, 1, root[k] as number, 0));
      }
  }
  const scaleA = new Float32Array(c);
  const offsetB = new Float32Array(c);
  const scaleB = new Float32Array(c);
  for (let k = 0; k < c; k++) {
    scaleA[k] = (gamma[k] as number) * (inv[k] as number);
    offsetB[k] = (scaleA[k] as number) * fr((dBeta[k] as number) / -n);
    scaleB[k] = (scaleA[k] as number) * fr((dGamma[k] as number) / -n);
  }
  if (fast) {
    fast.k.input(x, fast.sample, { mean, root, scaleA, scaleB, offsetB }, dx);
    return;
  }
  for (let i = 0; i < x.length; i += c)
    for (let k = 0; k < c; k++) {
      const partA = fr((dx[i + k] as number) * (scaleA[k] as number));
      dx[i + k] = partA + bnValue(x[i + k] as number, mean[k] as number, scaleB[k] as number, root[k] as number, offsetB[k] as number);
    }
}

const FORWARD = 'LabBnReluPool';
const BACKWARD = 'LabBnReluPoolGrad';

type Kernel = (ab: ArrayBackend, inputs: tf.NamedTensorInfoMap, a: BnPoolAttrs) => tf.TensorInfo[];

const KERNELS: Record<string, Kernel> = {
  [FORWARD]: (ab, { x, gamma, beta }, a) => {
    const xi = x as tf.TensorInfo;
    const s = poolShape(xi.shape, a);
    // Allocate first: an allocation may grow the wasm heap, which detaches earlier views.
    const outs = [ab.alloc([s.b, s.oh, s.ow, s.c]), ab.alloc([s.c]), ab.alloc([s.c])];
    const [out, mean, variance] = outs.map((t) => ab.view(t)) as [Float32Array, Float32Array, Float32Array];
    bnReluPoolForward(ab.view(xi), xi.shape, ab.view(gamma as tf.TensorInfo), ab.view(beta as tf.TensorInfo), a, out, mean, variance);
    return outs;
  },
  [BACKWARD]: (ab, { dy, x, gamma, beta, mean, variance }, a) => {
    const xi = x as tf.TensorInfo;
    const c = xi.shape[3] as number;
    const outs = [ab.alloc(xi.shape), ab.alloc([c]), ab.alloc([c])];
    const [dx, dGamma, dBeta] = outs.map((t) => ab.view(t)) as [Float32Array, Float32Array, Float32Array];
    const v = (t: tf.TensorInfo | undefined) => ab.view(t as tf.TensorInfo);
    bnReluPoolBackward(v(dy), v(xi), xi.shape, v(gamma), v(beta), v(mean), v(variance), a, dx, dGamma, dBeta);
    return outs;
  },
};

const registered = new Set<string>();

/**
 * True when the active backend runs these kernels (wasm and cpu, while the fused kernels are on:
 * setFusedKernels(false) turns them off with the others); registers them on first use.
 */
export function hasBnPoolKernels(): boolean {
  const name = tf.getBackend();
  if (!hasFusedKernels()) return false;
  if (registered.has(name)) return true;
  registered.add(name);
  for (const [kernelName, run] of Object.entries(KERNELS))
    if (!tf.getKernel(kernelName, name))
      tf.registerKernel({ kernelName, backendName: name, kernelFunc: ({ inputs, attrs, backend }) => run(arrayBackend(name, backend), inputs, attrs as unknown as BnPoolAttrs) });
  return true;
}

/** The backend's MaxPoolGrad tie rule (see the file comment). */
export function lastMaxWinsOn(backend: string): boolean {
  return backend === 'wasm';
}

/** {@link bnReluPoolForward} through the engine: [out, mean, variance]. Call only when {@link hasBnPoolKernels}. */
export function runBnReluPool(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor, a: BnPoolAttrs): [tf.Tensor, tf.Tensor, tf.Tensor] {
  return tf.engine().runKernel(FORWARD, { x, gamma, beta }, a as unknown as tf.NamedAttrMap) as unknown as [tf.Tensor, tf.Tensor, tf.Tensor];
}

/** {@link bnReluPoolBackward} through the engine: [dx, dγ, dβ]. Call only when {@link hasBnPoolKernels}. */
export function runBnReluPoolGrad(dy: tf.Tensor, x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor, mean: tf.Tensor, variance: tf.Tensor, a: BnPoolAttrs): [tf.Tensor, tf.Tensor, tf.Tensor] {
  return tf.engine().runKernel(BACKWARD, { dy, x, gamma, beta, mean, variance }, a as unknown as tf.NamedAttrMap) as unknown as [tf.Tensor, tf.Tensor, tf.Tensor];
}
