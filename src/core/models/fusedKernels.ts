/**
 * The LSTM's forward and backward passes, a Dense layer's (with ReLU or none), dropout, the
 * softmax cross-entropy loss and the Adam update as single tfjs kernels on the
 * backends whose tensors live in memory JavaScript can read (wasm: the heap; cpu: typed arrays).
 *
 * Why: on wasm a training step of the NTNU LSTM ran ~256 kernels, and per kernel the engine's
 * bookkeeping (scopes, tracking, tape, saved clones) cost more than the arithmetic (Node CPU
 * profile: ~2/3 of the step outside wasm). Inside one kernel the matMuls, sigmoids and tanhs call
 * the backend's own kernel functions directly — no engine in between — and the element-wise
 * products, sums and slices are plain loops over the arrays.
 *
 * The loops repeat the per-op path's float32 arithmetic operation by operation (Math.fround after
 * every +, −, ×, ÷, √; float32 IEEE results are exactly those of the float64 operation rounded
 * once), and the transcendental functions and matMuls are the backend's kernels on the same
 * values, so the results are bit-identical to the per-op path on the same backend
 * (fusedKernels.test.ts checks that on wasm and cpu).
 */
import * as tf from '@tensorflow/tfjs';
import { adamKernel } from './wasm/adamKernel';

const fr = Math.fround;

/** What a fused kernel needs from a backend: allocate, view as Float32Array, free, and run a backend kernel without the engine. */
export interface ArrayBackend {
  alloc(shape: number[]): tf.TensorInfo;
  /** A view of the values; re-take it after any alloc or run (a wasm heap growth detaches old views). */
  view(t: tf.TensorInfo): Float32Array;
  free(t: tf.TensorInfo): void;
  run(kernel: string, inputs: Record<string, tf.TensorInfo>, attrs?: Record<string, unknown>): tf.TensorInfo;
}

interface WasmBackendApi {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(t: tf.TensorInfo): Float32Array;
  disposeData(dataId: object): boolean;
}

interface CpuBackendApi {
  makeTensorInfo(shape: number[], dtype: tf.DataType, values: Float32Array): tf.TensorInfo;
  data: { get(dataId: object): { values: Float32Array } };
  disposeData(dataId: object): boolean;
}

/** The backends with typed-array access, and how to get it. */
const ARRAY_BACKENDS: Record<string, (backend: unknown) => Omit<ArrayBackend, 'run'>> = {
  wasm: (backend) => {
    const b = backend as WasmBackendApi;
    return { alloc: (shape) => b.makeOutput(shape, 'float32'), view: (t) => b.typedArrayFromHeap(t), free: (t) => void b.disposeData(t.dataId) };
  },
  cpu: (backend) => {
    const b = backend as CpuBackendApi;
    return {
      alloc: (shape) => b.makeTensorInfo(shape, 'float32', new Float32Array(shape.reduce((a, d) => a * d, 1))),
      view: (t) => b.data.get(t.dataId).values,
      free: (t) => void b.disposeData(t.dataId),
    };
  },
};

export function arrayBackend(name: string, backend: unknown): ArrayBackend {
  const base = (ARRAY_BACKENDS[name] as (b: unknown) => Omit<ArrayBackend, 'run'>)(backend);
  return {
    ...base,
    run: (kernel, inputs, attrs = {}) =>
      tf.getKernel(kernel, name)!.kernelFunc({ inputs, attrs: attrs as tf.NamedAttrMap, backend: backend as tf.KernelBackend }) as tf.TensorInfo,
  };
}

/** The same data under another shape (no copy; not to be freed on its own). */
function reshaped(t: tf.TensorInfo, shape: number[]): tf.TensorInfo {
  return { dataId: t.dataId, shape, dtype: t.dtype };
}

const LSTM_FORWARD = 'LabLstmForward';
const MATMUL_GRAD = 'LabMatMulGrad';
const LSTM_BACKWARD = 'LabLstmBackward';
const ADAM = 'LabAdamStep';
const DENSE_FORWARD = 'LabDenseForward';
const DENSE_BACKWARD = 'LabDenseBackward';
const DROPOUT = 'LabDropout';
const SOFTMAX_CE = 'LabSoftmaxCrossEntropy';
const SOFTMAX_CE_GRAD = 'LabSoftmaxCrossEntropyGrad';
const GRU_FORWARD = 'LabGruForward';
const GRU_BACKWARD = 'LabGruBackward';

interface LstmAttrs {
  units: number;
  reverse: boolean;
  /** Whether to compute the gradient for x (false when x is the model's input: nothing reads it). */
  inputGrad: boolean;
}

/**
 * dst = srcᵀ for a row-major [rows, cols] src (dst is [cols, rows]), in 16 × 16 tiles: the plain
 * double loop writes with a stride of `rows` and was 4× slower on 512 × 128 (measured).
 * hpss.ts has the same tiling for Float64Array; one function for both element types would be
 * polymorphic in its inner loop, which V8 optimises worse, so each keeps its own.
 */
function transposeInto(src: Float32Array, rows: number, cols: number, dst: Float32Array): void {
  const B = 16;
  for (let r0 = 0; r0 < rows; r0 += B) {
    const r1 = Math.min(rows, r0 + B);
    for (let c0 = 0; c0 < cols; c0 += B) {
      const c1 = Math.min(cols, c0 + B);
      for (let r = r0; r < r1; r++) {
        const o = r * cols;
        for (let c = c0; c < c1; c++) dst[c * rows + r] = src[o + c] as number;
      }
    }
  }
}

/** A new [cols, rows] tensor holding tᵀ for t seen as [rows, cols]. */
function transposed(ab: ArrayBackend, t: tf.TensorInfo, rows: number, cols: number): tf.TensorInfo {
  const out = ab.alloc([cols, rows]);
  transposeInto(ab.view(t), rows, cols, ab.view(out));
  return out;
}

/**
 * a·b with a [m, k], b [k, n]. tfjs-backend-wasm hands b to XNNPACK, which packs it into a new
 * operator for every new b tensor and keeps it by tensor id — so a tensor must never be
 * rewritten after it served as b (measured: a fresh 128 × 512 b costs ~2.5× the product itself,
 * a JS transpose of it ~⅓ of the product). Every b in a training step is new — the weights change
 * at each step — so the products below are arranged (transposing in JS where needed) so that b
 * is the small operand: Wᵀ·xᵀ rather than x·W, U·dzᵀ rather than dz·Uᵀ. Each output element is
 * the same products summed in the same order either way, so the values are unchanged.
 */
function matMul(ab: ArrayBackend, a: tf.TensorInfo, b: tf.TensorInfo): tf.TensorInfo {
  return ab.run('BatchMatMul', { a, b }, { transposeA: false, transposeB: false });
}

/** The input projection of every step, transposed: (x·W)ᵀ = Wᵀ·xᵀ [G, n·T] (column i·T + t) for x [n, T, F], W [F, G]. */
function inputProjectionT(ab: ArrayBackend, x: tf.TensorInfo, W: tf.TensorInfo): tf.TensorInfo {
  const [n, T, F] = x.shape as [number, number, number];
  const Wt = transposed(ab, W, F, W.shape[1] as number);
  const xT = transposed(ab, x, n * T, F);
  const xwT = matMul(ab, Wt, xT);
  [Wt, xT].forEach((t) => ab.free(t));
  return xwT;
}

/**
 * z = (x·W)_t + b (+ (h·U) after the first step) for one time step t, with (x·W)ᵀ [4H, n·T] and
 * (h·U)ᵀ [4H, n]; also copies the cell-input block z_g. The loops are small functions of typed
 * arrays and numbers only, so V8 keeps them optimised whatever the kernels around them do.
 */
function gatePreactivations(z: Float32Array, zg: Float32Array, xwT: Float32Array, b: Float32Array, huT: Float32Array | undefined, n: number, T: number, t: number, H: number): void {
  const G = 4 * H;
  const nT = n * T;
  for (let i = 0; i < n; i++) {
    const r = i * T + t;
    for (let j = 0; j < G; j++) {
      const a = fr((xwT[j * nT + r] as number) + (b[j] as number));
      z[i * G + j] = huT ? fr(a + (huT[j * n + i] as number)) : a;
    }
    zg.set(z.subarray(i * G + 2 * H, i * G + 3 * H), i * H);
  }
}

/** c = f⊙c + i⊙g in place (c = i⊙g at the first step); s = σ(z) [n, 4H], tg = tanh(z_g) [n, H]. */
function cellState(c: Float32Array, s: Float32Array, tg: Float32Array, n: number, H: number, first: boolean): void {
  const G = 4 * H;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < H; j++) {
      const q = i * G + j;
      const p = i * H + j;
      const ig = fr((s[q] as number) * (tg[p] as number));
      c[p] = first ? ig : fr(fr((s[q + H] as number) * (c[p] as number)) + ig);
    }
  }
}

/** h = o⊙tanh(c), written as h [n, H] and hᵀ [H, n]. */
function cellOutput(h: Float32Array, hT: Float32Array, s: Float32Array, tc: Float32Array, n: number, H: number): void {
  const G = 4 * H;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < H; j++) {
      const v = fr((s[i * G + 3 * H + j] as number) * (tc[i * H + j] as number));
      h[i * H + j] = v;
      hT[j * n + i] = v;
    }
  }
}

/**
 * One step back: from dhᵀ [H, n] and the carried dc (unless `last`), dzᵀ [4H, n] of this step
 * (also written to column i·T + t of dZᵀ [4H, n·T]) and dc for the step before, in place.
 * The arithmetic is the per-op backward's, operation for operation (see lstmFused in network.ts).
 */
function cellBackward(dzT: Float32Array, dZT: Float32Array, dc: Float32Array, dhT: Float32Array, s: Float32Array, tg: Float32Array, tc: Float32Array, cPrev: Float32Array | undefined, n: number, T: number, t: number, H: number, last: boolean): void {
  const G = 4 * H;
  const nT = n * T;
  for (let i = 0; i < n; i++) {
    const col = i * T + t;
    for (let j = 0; j < H; j++) {
      const q = i * G + j;
      const p = i * H + j;
      const si = s[q] as number;
      const sf = s[q + H] as number;
      const so = s[q + 3 * H] as number;
      const g = tg[p] as number;
      const tcp = tc[p] as number;
      const dh = dhT[j * n + i] as number;
      const dcNow = fr(fr(dh * so) * fr(1 - fr(tcp * tcp)));
      const dcT = last ? dcNow : fr((dc[p] as number) + dcNow);
      const cp = cPrev ? (cPrev[p] as number) : 0;
      const dzi = fr(fr(dcT * g) * fr(si * fr(1 - si)));
      const dzf = fr(fr(dcT * cp) * fr(sf * fr(1 - sf)));
      const dzg = fr(fr(dcT * si) * fr(1 - fr(g * g)));
      const dzo = fr(fr(dh * tcp) * fr(so * fr(1 - so)));
      dzT[j * n + i] = dzi;
      dzT[(j + H) * n + i] = dzf;
      dzT[(j + 2 * H) * n + i] = dzg;
      dzT[(j + 3 * H) * n + i] = dzo;
      dZT[j * nT + col] = dzi;
      dZT[(j + H) * nT + col] = dzf;
      dZT[(j + 2 * H) * nT + col] = dzg;
      dZT[(j + 3 * H) * nT + col] = dzo;
      dc[p] = fr(dcT * sf);
    }
  }
}

/**
 * Forward: inputs x [n, T, F], kernel W [F, 4H], recurrent U [H, 4H], bias b [4H] (Keras gate
 * order i, f, c, o). Outputs: h of the last step [n, H], then per step k in processing order
 * (k = 0 is the last time step when `reverse`): S = σ(z) [T, n, 4H], TG = tanh(z_g) [T, n, H]
 * (the cell-input block; tanh of the other blocks is never used), C = c [T, n, H],
 * TC = tanh(c) [T, n, H], HS = h [T, n, H] — what the backward pass reads.
 */
function lstmForward(ab: ArrayBackend, x: tf.TensorInfo, W: tf.TensorInfo, U: tf.TensorInfo, b: tf.TensorInfo, { units: H, reverse }: LstmAttrs): tf.TensorInfo[] {
  const [n, T] = x.shape as [number, number, number];
  const G = 4 * H;
  const xwT = inputProjectionT(ab, x, W);
  const Ut = transposed(ab, U, H, G);
  const outs = [ab.alloc([n, H]), ab.alloc([T, n, G]), ab.alloc([T, n, H]), ab.alloc([T, n, H]), ab.alloc([T, n, H]), ab.alloc([T, n, H])];
  const [hOut, S, TG, C, TC, HS] = outs as [tf.TensorInfo, tf.TensorInfo, tf.TensorInfo, tf.TensorInfo, tf.TensorInfo, tf.TensorInfo];
  const z = ab.alloc([n, G]);
  const zg = ab.alloc([n, H]);
  const c = ab.alloc([n, H]);
  const h = ab.alloc([n, H]);
  // hᵀ, the b of the next step's product: a new tensor each step, since XNNPACK keeps b packed
  // per tensor id (rewriting a b in place would multiply by its old values).
  let hT: tf.TensorInfo | undefined;
  for (let k = 0; k < T; k++) {
    const t = reverse ? T - 1 - k : k;
    // z = x_t·W + b (+ h·U after the first step, where the state is zero and h·U is skipped);
    // (h·U)ᵀ = Uᵀ·hᵀ is [4H, n].
    const huT = hT ? matMul(ab, Ut, hT) : undefined;
    if (hT) ab.free(hT);
    gatePreactivations(ab.view(z), ab.view(zg), ab.view(xwT), ab.view(b), huT ? ab.view(huT) : undefined, n, T, t, H);
    if (huT) ab.free(huT);
    const s = ab.run('Sigmoid', { x: z });
    const tg = ab.run('Tanh', { x: zg });
    ab.view(S).set(ab.view(s), k * n * G);
    ab.view(TG).set(ab.view(tg), k * n * H);
    cellState(ab.view(c), ab.view(s), ab.view(tg), n, H, k === 0);
    ab.view(C).set(ab.view(c), k * n * H);
    const tc = ab.run('Tanh', { x: c });
    hT = ab.alloc([H, n]);
    cellOutput(ab.view(h), ab.view(hT), ab.view(s), ab.view(tc), n, H);
    ab.view(TC).set(ab.view(tc), k * n * H);
    ab.view(HS).set(ab.view(h), k * n * H);
    [s, tg, tc].forEach((t) => ab.free(t));
  }
  ab.view(hOut).set(ab.view(h));
  [xwT, Ut, z, zg, c, h, hT as tf.TensorInfo].forEach((t) => ab.free(t));
  return outs;
}

/**
 * Backward through time for {@link lstmForward}: inputs dy [n, H] (gradient of the last h), x,
 * W, U and the forward's S, TG, C, TC, HS. Outputs dW, dU, db, and dx when `inputGrad`. Per
 * step, with dc carried back: dc += dh⊙o⊙(1 − tanh²c); dz = [dc⊙g, dc⊙c₋₁, dc⊙i, dh⊙tanh c] ⊙
 * [σ', σ', tanh', σ']; dh₋₁ = dz·Uᵀ, dc₋₁ = dc⊙f. Weight gradients are matMuls over all steps.
 * The gradients are built transposed (dzᵀ, dWᵀ, dUᵀ), see {@link matMul}.
 */
function lstmBackward(ab: ArrayBackend, ins: tf.TensorInfo[], { units: H, reverse, inputGrad }: LstmAttrs): tf.TensorInfo[] {
  const [dy, x, W, U, S, TG, C, TC, HS] = ins as [tf.TensorInfo, tf.TensorInfo, tf.TensorInfo, tf.TensorInfo, tf.TensorInfo, tf.TensorInfo, tf.TensorInfo, tf.TensorInfo, tf.TensorInfo];
  const [n, T, F] = x.shape as [number, number, number];
  const G = 4 * H;
  const nT = n * T;
  const R = (T - 1) * n;
  // dzᵀ of every step in time order ([4H, n·T], column i·T + t), and for the recurrent gradient
  // the steps k ≥ 1 (from the last back): their dzᵀ ([4H, (T − 1)·n]) and previous h.
  const dZT = ab.alloc([G, nT]);
  const rec = T > 1 ? { dzT: ab.alloc([G, R]), hPrev: ab.alloc([R, H]) } : undefined;
  const dc = ab.alloc([n, H]);
  // dh as [H, n] (the layout U·dzᵀ returns).
  let dhT = transposed(ab, dy, n, H);
  for (let k = T - 1; k >= 0; k--) {
    const t = reverse ? T - 1 - k : k;
    // The b of this step's product: a new tensor each step (see hᵀ in the forward pass).
    const dzT = ab.alloc([G, n]);
    cellBackward(
      ab.view(dzT),
      ab.view(dZT),
      ab.view(dc),
      ab.view(dhT),
      ab.view(S).subarray(k * n * G, (k + 1) * n * G),
      ab.view(TG).subarray(k * n * H, (k + 1) * n * H),
      ab.view(TC).subarray(k * n * H, (k + 1) * n * H),
      k > 0 ? ab.view(C).subarray((k - 1) * n * H, k * n * H) : undefined,
      n,
      T,
      t,
      H,
      k === T - 1,
    );
    if (rec && k > 0) {
      const r0 = (T - 1 - k) * n;
      const rv = ab.view(rec.dzT);
      const dzv = ab.view(dzT);
      for (let g = 0; g < G; g++) rv.set(dzv.subarray(g * n, (g + 1) * n), g * R + r0);
      ab.view(rec.hPrev).set(ab.view(HS).subarray((k - 1) * n * H, k * n * H), r0 * H);
    }
    ab.free(dhT);
    // (dz·Uᵀ)ᵀ = U·dzᵀ: [H, n].
    if (k > 0) dhT = matMul(ab, U, dzT);
    ab.free(dzT);
  }
  // dWᵀ = dZᵀ·x ([4H, F]); db = Σ over samples and steps (rows of dZᵀ).
  const xFlat = reshaped(x, [nT, F]);
  const dWT = matMul(ab, dZT, xFlat);
  const dW = transposed(ab, dWT, G, F);
  const db = ab.run('Sum', { x: dZT }, { axis: [1], keepDims: false });
  let dU: tf.TensorInfo;
  if (rec) {
    // dUᵀ = Σ_k dz_kᵀ·h_{k−1} ([4H, H]).
    const dUT = matMul(ab, rec.dzT, rec.hPrev);
    dU = transposed(ab, dUT, G, H);
    [dUT, rec.dzT, rec.hPrev].forEach((t) => ab.free(t));
  } else {
    dU = ab.alloc([H, G]);
    ab.view(dU).fill(0);
  }
  const grads = [dW, dU, db];
  if (inputGrad) {
    // dxᵀ = W·dZᵀ ([F, n·T]).
    const dXT = matMul(ab, W, dZT);
    grads.unshift(reshaped(transposed(ab, dXT, F, nT), [n, T, F]));
    ab.free(dXT);
  }
  [dZT, dc, dWT].forEach((t) => ab.free(t));
  return grads;
}

interface GruAttrs {
  units: number;
  /** Whether to compute the gradient for x (false when x is the model's input: nothing reads it). */
  inputGrad: boolean;
}

/** Columns [c0, c0 + cols) of a row-major [rows, stride] matrix, as a new [rows, cols] tensor. */
function columns(ab: ArrayBackend, t: tf.TensorInfo, rows: number, stride: number, c0: number, cols: number): tf.TensorInfo {
  const out = ab.alloc([rows, cols]);
  const src = ab.view(t);
  const dst = ab.view(out);
  for (let r = 0; r < rows; r++) dst.set(src.subarray(r * stride + c0, r * stride + c0 + cols), r * cols);
  return out;
}

/**
 * a = (x·W)_t + b over the gate columns [c0, c0 + width) for step t, plus (h·U)ᵀ [width, n] when
 * given; (x·W)ᵀ is [3H, n·T] with column i·T + t. The per-op path adds b to x·W first, then h·U.
 */
function gruPreactivations(a: Float32Array, xwT: Float32Array, b: Float32Array, huT: Float32Array | undefined, n: number, T: number, t: number, c0: number, width: number): void {
  const nT = n * T;
  for (let i = 0; i < n; i++) {
    const r = i * T + t;
    for (let j = 0; j < width; j++) {
      const v = fr((xwT[(c0 + j) * nT + r] as number) + (b[c0 + j] as number));
      a[i * width + j] = huT ? fr(v + (huT[j * n + i] as number)) : v;
    }
  }
}

/** r⊙h as rh [n, H] (the tape) and rhᵀ [H, n] (the b of the next product); s = σ(a_zr) [n, 2H]. */
function resetState(rh: Float32Array, rhT: Float32Array, s: Float32Array, h: Float32Array, n: number, H: number): void {
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < H; j++) {
      const v = fr((s[i * 2 * H + H + j] as number) * (h[i * H + j] as number));
      rh[i * H + j] = v;
      rhT[j * n + i] = v;
    }
  }
}

/**
 * h' = ĥ + z⊙(h − ĥ) (at the first step, h = 0: ĥ − z⊙ĥ), in place in h [n, H], also as hᵀ [H, n]:
 * the per-op path's arithmetic.
 */
function gruOutput(h: Float32Array, hT: Float32Array, s: Float32Array, hh: Float32Array, n: number, H: number, first: boolean): void {
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < H; j++) {
      const p = i * H + j;
      const z = s[i * 2 * H + j] as number;
      const c = hh[p] as number;
      const v = first ? fr(c - fr(z * c)) : fr(c + fr(z * fr((h[p] as number) - c)));
      h[p] = v;
      hT[j * n + i] = v;
    }
  }
}

/**
 * Forward: inputs x [n, T, F], kernel W [F, 3H], recurrent U [H, 3H], bias b [3H] (tfjs-layers
 * and Keras with reset_after = false, gate order z, r, h): z, r = σ(xW_zr + b_zr + h·U_zr),
 * ĥ = tanh(xW_h + b_h + (r⊙h)·U_h), h' = z⊙h + (1 − z)⊙ĥ; at t = 0 (h = 0) the products with U
 * are skipped, as in the per-op path. Outputs: h of the last step [n, H], then per step t:
 * S = σ(a_zr) [T, n, 2H], HH = ĥ [T, n, H], HS = h' [T, n, H], RH = r⊙h [T, n, H] (zero at t = 0).
 */
function gruForward(ab: ArrayBackend, x: tf.TensorInfo, W: tf.TensorInfo, U: tf.TensorInfo, b: tf.TensorInfo, { units: H }: GruAttrs): tf.TensorInfo[] {
  const [n, T] = x.shape as [number, number, number];
  const G = 3 * H;
  const xwT = inputProjectionT(ab, x, W);
  // U_zrᵀ [2H, H] and U_hᵀ [H, H]: the a operands of (h·U_zr)ᵀ = U_zrᵀ·hᵀ and (rh·U_h)ᵀ = U_hᵀ·rhᵀ.
  const [UzrT, UhT] = [columns(ab, U, H, G, 0, 2 * H), columns(ab, U, H, G, 2 * H, H)].map((u, g) => {
    const uT = transposed(ab, u, H, g === 0 ? 2 * H : H);
    ab.free(u);
    return uT;
  }) as [tf.TensorInfo, tf.TensorInfo];
  const outs = [ab.alloc([n, H]), ab.alloc([T, n, 2 * H]), ab.alloc([T, n, H]), ab.alloc([T, n, H]), ab.alloc([T, n, H])];
  const [hOut, S, HH, HS, RH] = outs as [tf.TensorInfo, tf.TensorInfo, tf.TensorInfo, tf.TensorInfo, tf.TensorInfo];
  ab.view(RH).fill(0, 0, n * H);
  const azr = ab.alloc([n, 2 * H]);
  const ah = ab.alloc([n, H]);
  const h = ab.alloc([n, H]);
  // hᵀ and rhᵀ serve as b of a product: new tensors each step (see hᵀ in lstmForward).
  let hT: tf.TensorInfo | undefined;
  for (let t = 0; t < T; t++) {
    const huT = hT ? matMul(ab, UzrT, hT) : undefined;
    if (hT) ab.free(hT);
    gruPreactivations(ab.view(azr), ab.view(xwT), ab.view(b), huT ? ab.view(huT) : undefined, n, T, t, 0, 2 * H);
    if (huT) ab.free(huT);
    const s = ab.run('Sigmoid', { x: azr });
    let rhuT: tf.TensorInfo | undefined;
    if (t > 0) {
      const rhT = ab.alloc([H, n]);
      resetState(ab.view(RH).subarray(t * n * H, (t + 1) * n * H), ab.view(rhT), ab.view(s), ab.view(h), n, H);
      rhuT = matMul(ab, UhT, rhT);
      ab.free(rhT);
    }
    gruPreactivations(ab.view(ah), ab.view(xwT), ab.view(b), rhuT ? ab.view(rhuT) : undefined, n, T, t, 2 * H, H);
    if (rhuT) ab.free(rhuT);
    const hh = ab.run('Tanh', { x: ah });
    hT = ab.alloc([H, n]);
    gruOutput(ab.view(h), ab.view(hT), ab.view(s), ab.view(hh), n, H, t === 0);
    ab.view(S).set(ab.view(s), t * n * 2 * H);
    ab.view(HH).set(ab.view(hh), t * n * H);
    ab.view(HS).set(ab.view(h), t * n * H);
    [s, hh].forEach((v) => ab.free(v));
  }
  ab.view(hOut).set(ab.view(h));
  [xwT, UzrT, UhT, azr, ah, h, hT as tf.TensorInfo].forEach((v) => ab.free(v));
  return outs;
}

/**
 * First half of a GRU step back, from dh'ᵀ [H, n]: da_h = dh'⊙(1 − z)⊙(1 − ĥ²) and
 * da_z = dh'⊙(h − ĥ)⊙z(1 − z), written transposed to daHᵀ [H, n], the z rows of daZrᵀ [2H, n] and
 * column i·T + t of dAᵀ [3H, n·T]. At t = 0 the r rows of dAᵀ are 0 (r only meets the zero state).
 */
function gruBackwardZ(dAT: Float32Array, daHT: Float32Array, daZrT: Float32Array, dhT: Float32Array, s: Float32Array, hh: Float32Array, hPrev: Float32Array | undefined, n: number, T: number, t: number, H: number): void {
  const nT = n * T;
  for (let i = 0; i < n; i++) {
    const col = i * T + t;
    for (let j = 0; j < H; j++) {
      const p = i * H + j;
      const z = s[i * 2 * H + j] as number;
      const c = hh[p] as number;
      const dh = dhT[j * n + i] as number;
      const daH = fr(fr(dh * fr(1 - z)) * fr(1 - fr(c * c)));
      const daZ = fr(fr(dh * fr((hPrev ? (hPrev[p] as number) : 0) - c)) * fr(z * fr(1 - z)));
      daHT[j * n + i] = daH;
      daZrT[j * n + i] = daZ;
      dAT[(2 * H + j) * nT + col] = daH;
      dAT[j * nT + col] = daZ;
      if (!hPrev) dAT[(H + j) * nT + col] = 0;
    }
  }
}

/** da_r = (d(r⊙h))⊙h⊙r(1 − r) from d(r⊙h)ᵀ = U_h·da_hᵀ [H, n], into the r rows of daZrᵀ and dAᵀ. */
function gruBackwardR(dAT: Float32Array, daZrT: Float32Array, dRhT: Float32Array, s: Float32Array, hPrev: Float32Array, n: number, T: number, t: number, H: number): void {
  const nT = n * T;
  for (let i = 0; i < n; i++) {
    const col = i * T + t;
    for (let j = 0; j < H; j++) {
      const r = s[i * 2 * H + H + j] as number;
      const v = fr(fr((dRhT[j * n + i] as number) * (hPrev[i * H + j] as number)) * fr(r * fr(1 - r)));
      daZrT[(H + j) * n + i] = v;
      dAT[(H + j) * nT + col] = v;
    }
  }
}

/** dh = dh'⊙z + d(r⊙h)⊙r + (da_zr·U_zrᵀ), all [H, n] (transposed), as the per-op path sums them. */
function gruBackwardH(out: Float32Array, dhT: Float32Array, dRhT: Float32Array, dzrUT: Float32Array, s: Float32Array, n: number, H: number): void {
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < H; j++) {
      const q = j * n + i;
      const z = s[i * 2 * H + j] as number;
      const r = s[i * 2 * H + H + j] as number;
      out[q] = fr(fr(fr((dhT[q] as number) * z) + fr((dRhT[q] as number) * r)) + (dzrUT[q] as number));
    }
  }
}

/**
 * Backward through time for {@link gruForward}: inputs dy [n, H], x, W, U and the forward's S, HH,
 * HS, RH. Outputs dW, dU, db, and dx first when `inputGrad`; the arithmetic is gruFused's per-op
 * backward (network.ts), operation for operation. Gradients are built transposed, see {@link matMul}.
 */
function gruBackward(ab: ArrayBackend, ins: tf.TensorInfo[], { units: H, inputGrad }: GruAttrs): tf.TensorInfo[] {
  const [dy, x, W, U, S, HH, HS, RH] = ins as [tf.TensorInfo, tf.TensorInfo, tf.TensorInfo, tf.TensorInfo, tf.TensorInfo, tf.TensorInfo, tf.TensorInfo, tf.TensorInfo];
  const [n, T, F] = x.shape as [number, number, number];
  const G = 3 * H;
  const nT = n * T;
  const R = (T - 1) * n;
  const Uzr = columns(ab, U, H, G, 0, 2 * H);
  const Uh = columns(ab, U, H, G, 2 * H, H);
  const dAT = ab.alloc([G, nT]);
  // Steps t ≥ 1 from the last back (the per-op path's order): da_zrᵀ, da_hᵀ, previous h, r⊙h.
  const rec = T > 1 ? { zrT: ab.alloc([2 * H, R]), hT: ab.alloc([H, R]), hPrev: ab.alloc([R, H]), rh: ab.alloc([R, H]) } : undefined;
  let dhT = transposed(ab, dy, n, H);
  for (let t = T - 1; t >= 0; t--) {
    const daHT = ab.alloc([H, n]);
    const daZrT = ab.alloc([2 * H, n]);
    const step = (v: tf.TensorInfo, w: number) => ab.view(v).subarray(t * n * w, (t + 1) * n * w);
    const hPrev = t > 0 ? () => ab.view(HS).subarray((t - 1) * n * H, t * n * H) : undefined;
    gruBackwardZ(ab.view(dAT), ab.view(daHT), ab.view(daZrT), ab.view(dhT), step(S, 2 * H), step(HH, H), hPrev?.(), n, T, t, H);
    if (!hPrev || !rec) {
      [dhT, daHT, daZrT].forEach((v) => ab.free(v));
      break;
    }
    const dRhT = matMul(ab, Uh, daHT);
    gruBackwardR(ab.view(dAT), ab.view(daZrT), ab.view(dRhT), step(S, 2 * H), hPrev(), n, T, t, H);
    const r0 = (T - 1 - t) * n;
    const zv = ab.view(daZrT);
    const zrT = ab.view(rec.zrT);
    for (let g = 0; g < 2 * H; g++) zrT.set(zv.subarray(g * n, (g + 1) * n), g * R + r0);
    const hv = ab.view(daHT);
    const hTv = ab.view(rec.hT);
    for (let g = 0; g < H; g++) hTv.set(hv.subarray(g * n, (g + 1) * n), g * R + r0);
    ab.view(rec.hPrev).set(hPrev(), r0 * H);
    ab.view(rec.rh).set(step(RH, H), r0 * H);
    const dzrUT = matMul(ab, Uzr, daZrT);
    const next = ab.alloc([H, n]);
    gruBackwardH(ab.view(next), ab.view(dhT), ab.view(dRhT), ab.view(dzrUT), step(S, 2 * H), n, H);
    [dhT, daHT, daZrT, dRhT, dzrUT].forEach((v) => ab.free(v));
    dhT = next;
  }
  // dWᵀ = dAᵀ·x ([3H, F]); db = Σ over samples and steps (rows of dAᵀ).
  const dWT = matMul(ab, dAT, reshaped(x, [nT, F]));
  const dW = transposed(ab, dWT, G, F);
  const db = ab.run('Sum', { x: dAT }, { axis: [1], keepDims: false });
  const dU = ab.alloc([H, G]);
  const dUv = ab.view(dU);
  dUv.fill(0);
  if (rec) {
    // dU_zrᵀ = Σ da_zrᵀ·h_prev ([2H, H]), dU_hᵀ = Σ da_hᵀ·(r⊙h_prev) ([H, H]), into dU's columns.
    const dUzrT = matMul(ab, rec.zrT, rec.hPrev);
    const dUhT = matMul(ab, rec.hT, rec.rh);
    const a = ab.view(dUzrT);
    const c = ab.view(dUhT);
    const d = ab.view(dU);
    for (let k = 0; k < H; k++) {
      for (let j = 0; j < 2 * H; j++) d[k * G + j] = a[j * H + k] as number;
      for (let j = 0; j < H; j++) d[k * G + 2 * H + j] = c[j * H + k] as number;
    }
    [dUzrT, dUhT, rec.zrT, rec.hT, rec.hPrev, rec.rh].forEach((v) => ab.free(v));
  }
  const grads = [dW, dU, db];
  if (inputGrad) {
    // dxᵀ = W·dAᵀ ([F, n·T]).
    const dXT = matMul(ab, W, dAT);
    grads.unshift(reshaped(transposed(ab, dXT, F, nT), [n, T, F]));
    ab.free(dXT);
  }
  [Uzr, Uh, dAT, dWT].forEach((v) => ab.free(v));
  return grads;
}

/**
 * Gradients of y = a·b (a [m, k], b [k, n]) from dy [m, n]: dA = dy·bᵀ as (b·dyᵀ)ᵀ and
 * dB = aᵀ·dy, so XNNPACK packs dyᵀ and dy (small) rather than bᵀ (see {@link matMul}); the
 * transposes are JS copies (wasm's Transpose kernel was ~2× slower). Same products, same order.
 */
function matMulGrad(ab: ArrayBackend, [dy, a, b]: tf.TensorInfo[]): tf.TensorInfo[] {
  const [m, k] = (a as tf.TensorInfo).shape as [number, number];
  const n = (b as tf.TensorInfo).shape[1] as number;
  const dyT = transposed(ab, dy as tf.TensorInfo, m, n);
  const dAT = matMul(ab, b as tf.TensorInfo, dyT);
  const dA = transposed(ab, dAT, k, m);
  const aT = transposed(ab, a as tf.TensorInfo, m, k);
  const dB = matMul(ab, aT, dy as tf.TensorInfo);
  [dyT, dAT, aT].forEach((t) => ab.free(t));
  return [dA, reshaped(dB, [k, n])];
}

interface AdamAttrs {
  /** Number of variables: inputs are m, v, then the variables, then their gradients. */
  count: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  /** learningRate / (1 − β₁ᵗ). */
  stepScale: number;
  /** 1 / √(1 − β₂ᵗ). */
  vScale: number;
}

/**
 * Adam over all variables (m and v flat over all of them, in order): outputs the new m, v and
 * variables. In one pass of the WebAssembly kernel (wasm/adamKernel.ts) where there is one;
 * otherwise the same backend kernels as {@link FlatAdam}'s per-op update, on the same flat
 * gradient vector and float32 scalars, called without the engine, with the gather of the
 * gradients and the final subtraction (w − step, exact in float32) as loops. Both give the
 * per-op update's bits.
 */
function adamStep(ab: ArrayBackend, ins: tf.TensorInfo[], a: AdamAttrs): tf.TensorInfo[] {
  const [m, v] = ins as [tf.TensorInfo, tf.TensorInfo];
  const vars = ins.slice(2, 2 + a.count);
  const grads = ins.slice(2 + a.count);
  const kernel = adamKernel();
  if (kernel) {
    // Allocate first: an allocation may grow the wasm heap, which detaches earlier views.
    const outs = [ab.alloc(m.shape), ab.alloc(v.shape), ...vars.map((x) => ab.alloc(x.shape))];
    const view = (t: tf.TensorInfo) => ab.view(t);
    kernel.step(view(m), view(v), vars.map(view), grads.map(view), a, view(outs[0]!), view(outs[1]!), outs.slice(2).map(view));
    return outs;
  }
  const g = ab.alloc(m.shape);
  {
    const gv = ab.view(g);
    let off = 0;
    for (const t of grads) {
      const tv = ab.view(t);
      gv.set(tv, off);
      off += tv.length;
    }
  }
  const temps: tf.TensorInfo[] = [g];
  const scalar = (value: number): tf.TensorInfo => {
    const t = ab.alloc([]);
    ab.view(t)[0] = value;
    temps.push(t);
    return t;
  };
  const op = (kernel: string, x: tf.TensorInfo, y?: tf.TensorInfo): tf.TensorInfo => {
    const out = ab.run(kernel, y ? { a: x, b: y } : { x });
    temps.push(out);
    return out;
  };
  // m = β₁m + (1 − β₁)g; v = β₂v + (1 − β₂)g²; step = m·(lr/(1 − β₁ᵗ)) / (√v·(1/√(1 − β₂ᵗ)) + ε).
  const mNew = ab.run('Add', { a: op('Multiply', m, scalar(a.beta1)), b: op('Multiply', g, scalar(1 - a.beta1)) });
  const vNew = ab.run('Add', { a: op('Multiply', v, scalar(a.beta2)), b: op('Multiply', op('Square', g), scalar(1 - a.beta2)) });
  const step = op('RealDiv', op('Multiply', mNew, scalar(a.stepScale)), op('Add', op('Multiply', op('Sqrt', vNew), scalar(a.vScale)), scalar(a.epsilon)));
  const outs = vars.map((x) => ab.alloc(x.shape));
  const sv = ab.view(step);
  let off = 0;
  vars.forEach((x, i) => {
    const xv = ab.view(x);
    const xo = ab.view(outs[i] as tf.TensorInfo);
    for (let j = 0; j < xv.length; j++, off++) xo[j] = fr((xv[j] as number) - (sv[off] as number));
  });
  temps.forEach((t) => ab.free(t));
  return [mNew, vNew, ...outs];
}

interface DenseAttrs {
  /** ReLU after the bias (else linear: hidden linear layers and the logits of the softmax layer). */
  relu: boolean;
  /** Whether to compute the gradient for x (false when x is the model's input). */
  inputGrad: boolean;
}

/** y = act(x·W + b) for x [n, K], W [K, D], b [D]: the per-op path's matMul, bias Add and Relu. */
function denseForward(ab: ArrayBackend, x: tf.TensorInfo, W: tf.TensorInfo, b: tf.TensorInfo, { relu }: DenseAttrs): tf.TensorInfo[] {
  const n = x.shape[0] as number;
  const D = W.shape[1] as number;
  const y = reshaped(matMul(ab, x, W), [n, D]);
  biasActivate(ab.view(y), ab.view(b), n, D, relu);
  return [y];
}

function biasActivate(y: Float32Array, b: Float32Array, n: number, D: number, relu: boolean): void {
  for (let i = 0; i < n; i++) {
    const o = i * D;
    for (let j = 0; j < D; j++) {
      const z = fr((y[o + j] as number) + (b[j] as number));
      y[o + j] = relu && !(z > 0) ? 0 : z;
    }
  }
}

/**
 * Gradients of {@link denseForward} from dy [n, D], with x, W and the output y: dz = dy⊙step(y)
 * (ReLU's gradient, as tfjs's dy·step(x): y > 0 exactly where x·W + b > 0), db = Σ_rows dz (the
 * backend's Sum, as the bias Add's gradient), dx and dW as {@link matMulGrad}. Outputs [dx, dW,
 * db], without dx unless `inputGrad`.
 */
function denseBackward(ab: ArrayBackend, [dy, x, W, y]: tf.TensorInfo[], { relu, inputGrad }: DenseAttrs): tf.TensorInfo[] {
  let dz = dy as tf.TensorInfo;
  if (relu) {
    dz = ab.alloc(dz.shape);
    reluGrad(ab.view(dz), ab.view(dy as tf.TensorInfo), ab.view(y as tf.TensorInfo));
  }
  const db = ab.run('Sum', { x: dz }, { axis: [0], keepDims: false });
  const [dx, dW] = matMulGrad(ab, [dz, x as tf.TensorInfo, W as tf.TensorInfo]) as [tf.TensorInfo, tf.TensorInfo];
  if (relu) ab.free(dz);
  if (!inputGrad) ab.free(dx);
  return inputGrad ? [dx, dW, db] : [dW, db];
}

function reluGrad(dz: Float32Array, dy: Float32Array, y: Float32Array): void {
  for (let j = 0; j < dz.length; j++) dz[j] = fr((dy[j] as number) * ((y[j] as number) > 0 ? 1 : 0));
}

/**
 * Inverted dropout as tf.dropout computes it from the same uniform draws u: multiplier =
 * floor(u + keep) / keep, y = x⊙multiplier. Outputs y and the multiplier (the gradient's factor).
 */
function dropoutForward(ab: ArrayBackend, [x, u]: tf.TensorInfo[], { keep }: { keep: number }): tf.TensorInfo[] {
  const y = ab.alloc((x as tf.TensorInfo).shape);
  const mult = ab.alloc((x as tf.TensorInfo).shape);
  dropoutLoop(ab.view(y), ab.view(mult), ab.view(x as tf.TensorInfo), ab.view(u as tf.TensorInfo), fr(keep));
  return [y, mult];
}

function dropoutLoop(y: Float32Array, mult: Float32Array, x: Float32Array, u: Float32Array, keep: number): void {
  for (let j = 0; j < y.length; j++) {
    const m = fr(Math.floor(fr((u[j] as number) + keep)) / keep);
    mult[j] = m;
    y[j] = fr((x[j] as number) * m);
  }
}

/**
 * The mean softmax cross-entropy −mean_i Σ_k t_ik·logSoftmax(z)_ik of logits z [n, K] against
 * targets t [n, K], as loop.ts's per-op loss computes it: tfjs's logSoftmax (z − max, exp, sum,
 * log) then mul, sum, mean, neg. Reductions and transcendental functions are the backend's
 * kernels, element-wise steps float32 loops. Outputs the loss [] and logSoftmax(z) [n, K] (what
 * the gradient reads).
 */
function softmaxCrossEntropy(ab: ArrayBackend, [z, t]: tf.TensorInfo[]): tf.TensorInfo[] {
  const [n, K] = (z as tf.TensorInfo).shape as [number, number];
  const mx = ab.run('Max', { x: z as tf.TensorInfo }, { reductionIndices: [1], keepDims: true });
  const shifted = ab.alloc([n, K]);
  subtractRowValue(ab.view(shifted), ab.view(z as tf.TensorInfo), ab.view(mx), n, K);
  const e = ab.run('Exp', { x: shifted });
  const se = ab.run('Sum', { x: e }, { axis: [1], keepDims: true });
  const lse = ab.run('Log', { x: se });
  const value = ab.alloc([n, K]);
  subtractRowValue(ab.view(value), ab.view(shifted), ab.view(lse), n, K);
  const prod = ab.alloc([n, K]);
  multiplyInto(ab.view(prod), ab.view(t as tf.TensorInfo), ab.view(value));
  const rows = ab.run('Sum', { x: prod }, { axis: [1], keepDims: false });
  const mean = ab.run('Mean', { x: rows }, { axis: [0], keepDims: false });
  const loss = ab.alloc([]);
  ab.view(loss)[0] = -(ab.view(mean)[0] as number);
  [mx, shifted, e, se, lse, prod, rows, mean].forEach((x) => ab.free(x));
  return [loss, value];
}

/** out[i, k] = a[i, k] − r[i] (float32). */
function subtractRowValue(out: Float32Array, a: Float32Array, r: Float32Array, n: number, K: number): void {
  for (let i = 0; i < n; i++) {
    const ri = r[i] as number;
    for (let k = 0; k < K; k++) out[i * K + k] = fr((a[i * K + k] as number) - ri);
  }
}

function multiplyInto(out: Float32Array, a: Float32Array, b: Float32Array): void {
  for (let j = 0; j < out.length; j++) out[j] = fr((a[j] as number) * (b[j] as number));
}

/**
 * d loss / d z for {@link softmaxCrossEntropy}, from its logSoftmax value and the targets, as
 * tfjs's chain computes it from the loss gradient dy: neg → −dy, mean → −dy/n, sum → broadcast,
 * mul → dℓ = (−dy/n)⊙t, logSoftmax → dℓ − Σ_k dℓ · exp(value).
 */
function softmaxCrossEntropyGrad(ab: ArrayBackend, [dy, value, t]: tf.TensorInfo[]): tf.TensorInfo[] {
  const [n, K] = (value as tf.TensorInfo).shape as [number, number];
  const dl = ab.alloc([n, K]);
  {
    const d = fr(-(ab.view(dy as tf.TensorInfo)[0] as number) / n);
    const dv = ab.view(dl);
    const tv = ab.view(t as tf.TensorInfo);
    for (let j = 0; j < dv.length; j++) dv[j] = fr(d * (tv[j] as number));
  }
  const s = ab.run('Sum', { x: dl }, { axis: [1], keepDims: true });
  const softmax = ab.run('Exp', { x: value as tf.TensorInfo });
  const dz = ab.alloc([n, K]);
  logSoftmaxGrad(ab.view(dz), ab.view(dl), ab.view(s), ab.view(softmax), n, K);
  [dl, s, softmax].forEach((x) => ab.free(x));
  return [dz];
}

function logSoftmaxGrad(dz: Float32Array, dl: Float32Array, s: Float32Array, softmax: Float32Array, n: number, K: number): void {
  for (let i = 0; i < n; i++) {
    const si = s[i] as number;
    for (let k = 0; k < K; k++) dz[i * K + k] = fr((dl[i * K + k] as number) - fr(si * (softmax[i * K + k] as number)));
  }
}

const KERNELS: Record<string, (ab: ArrayBackend, inputs: tf.TensorInfo[], attrs: never) => tf.TensorInfo[]> = {
  [LSTM_FORWARD]: (ab, [x, W, U, b], attrs: LstmAttrs) => lstmForward(ab, x!, W!, U!, b!, attrs),
  [LSTM_BACKWARD]: lstmBackward,
  [GRU_FORWARD]: (ab, [x, W, U, b], attrs: GruAttrs) => gruForward(ab, x!, W!, U!, b!, attrs),
  [GRU_BACKWARD]: gruBackward,
  [MATMUL_GRAD]: (ab, ins) => matMulGrad(ab, ins),
  [ADAM]: adamStep,
  [DENSE_FORWARD]: (ab, [x, W, b], attrs: DenseAttrs) => denseForward(ab, x!, W!, b!, attrs),
  [DENSE_BACKWARD]: denseBackward,
  [DROPOUT]: dropoutForward,
  [SOFTMAX_CE]: (ab, ins) => softmaxCrossEntropy(ab, ins),
  [SOFTMAX_CE_GRAD]: (ab, ins) => softmaxCrossEntropyGrad(ab, ins),
};

/** Inputs are passed as a0, a1, … (tfjs kernels take named inputs). */
function positional(inputs: tf.NamedTensorInfoMap): tf.TensorInfo[] {
  const out: tf.TensorInfo[] = [];
  for (let i = 0; inputs[`a${i}`]; i++) out.push(inputs[`a${i}`] as tf.TensorInfo);
  return out;
}

let enabled = true;
let gruEnabled = true;
const registered = new Set<string>();

/**
 * Turn the fused kernels off (the per-op path runs everywhere) or back on: for tests and
 * benchmarks that compare the two in one process. `gru: false` keeps only the GRU cell on the
 * per-op path (the state before its kernels, for the benchmark's before/after).
 */
export function setFusedKernels(on: boolean, { gru = on }: { gru?: boolean } = {}): void {
  enabled = on;
  gruEnabled = gru;
}

/**
 * True when the active backend runs the fused kernels (wasm, cpu); registers them on first use.
 * Other backends (webgl) take the per-op path.
 */
export function hasFusedKernels(): boolean {
  const name = tf.getBackend();
  if (!enabled || !(name in ARRAY_BACKENDS)) return false;
  if (registered.has(name)) return true;
  registered.add(name);
  for (const [kernelName, run] of Object.entries(KERNELS)) {
    if (tf.getKernel(kernelName, name)) continue;
    tf.registerKernel({
      kernelName,
      backendName: name,
      kernelFunc: ({ inputs, attrs, backend }) => run(arrayBackend(name, backend), positional(inputs), attrs as never),
    });
  }
  return true;
}

/** {@link hasFusedKernels}, unless the GRU's kernels are turned off on their own ({@link setFusedKernels}). */
export function hasFusedGru(): boolean {
  return gruEnabled && hasFusedKernels();
}

function runFused(kernel: string, inputs: tf.Tensor[], attrs: object): tf.Tensor[] {
  const named: tf.NamedTensorMap = {};
  inputs.forEach((t, i) => (named[`a${i}`] = t));
  return tf.engine().runKernel(kernel, named, attrs as tf.NamedAttrMap) as unknown as tf.Tensor[];
}

/** {@link lstmForward} through the engine: [h, S, TG, C, TC, HS]. Call only when {@link hasFusedKernels}. */
export function runLstmForward(x: tf.Tensor, W: tf.Tensor, U: tf.Tensor, b: tf.Tensor, attrs: LstmAttrs): tf.Tensor[] {
  return runFused(LSTM_FORWARD, [x, W, U, b], attrs);
}

/** {@link lstmBackward} through the engine: [dW, dU, db], with dx first when `inputGrad`. */
export function runLstmBackward(dy: tf.Tensor, x: tf.Tensor, W: tf.Tensor, U: tf.Tensor, tape: tf.Tensor[], attrs: LstmAttrs): tf.Tensor[] {
  return runFused(LSTM_BACKWARD, [dy, x, W, U, ...tape], attrs);
}

/** {@link gruForward} through the engine: [h, S, HH, HS, RH]. Call only when {@link hasFusedKernels}. */
export function runGruForward(x: tf.Tensor, W: tf.Tensor, U: tf.Tensor, b: tf.Tensor, attrs: GruAttrs): tf.Tensor[] {
  return runFused(GRU_FORWARD, [x, W, U, b], attrs);
}

/** {@link gruBackward} through the engine: [dW, dU, db], with dx first when `inputGrad`. */
export function runGruBackward(dy: tf.Tensor, x: tf.Tensor, W: tf.Tensor, U: tf.Tensor, tape: tf.Tensor[], attrs: GruAttrs): tf.Tensor[] {
  return runFused(GRU_BACKWARD, [dy, x, W, U, ...tape], attrs);
}

/** {@link matMulGrad} through the engine: [dA, dB]. */
export function runMatMulGrad(dy: tf.Tensor, a: tf.Tensor, b: tf.Tensor): tf.Tensor[] {
  return runFused(MATMUL_GRAD, [dy, a, b], {});
}

/** {@link adamStep} through the engine: [m, v, ...variables]. */
export function runAdamStep(m: tf.Tensor, v: tf.Tensor, vars: tf.Tensor[], grads: tf.Tensor[], attrs: Omit<AdamAttrs, 'count'>): tf.Tensor[] {
  return runFused(ADAM, [m, v, ...vars, ...grads], { ...attrs, count: vars.length });
}

/** {@link denseForward} through the engine: [y]. */
export function runDenseForward(x: tf.Tensor, W: tf.Tensor, b: tf.Tensor, attrs: DenseAttrs): tf.Tensor {
  return runFused(DENSE_FORWARD, [x, W, b], attrs)[0] as tf.Tensor;
}

/** {@link denseBackward} through the engine: [dW, db], with dx first when `inputGrad`. */
export function runDenseBackward(dy: tf.Tensor, x: tf.Tensor, W: tf.Tensor, y: tf.Tensor, attrs: DenseAttrs): tf.Tensor[] {
  return runFused(DENSE_BACKWARD, [dy, x, W, y], attrs);
}

/** {@link dropoutForward} through the engine: [y, multiplier]. */
export function runDropout(x: tf.Tensor, uniform: tf.Tensor, keep: number): tf.Tensor[] {
  return runFused(DROPOUT, [x, uniform], { keep });
}

/** {@link softmaxCrossEntropy} through the engine: [loss, logSoftmax]. */
export function runSoftmaxCrossEntropy(logits: tf.Tensor, targets: tf.Tensor): tf.Tensor[] {
  return runFused(SOFTMAX_CE, [logits, targets], {});
}

/** {@link softmaxCrossEntropyGrad} through the engine: d loss / d logits. */
export function runSoftmaxCrossEntropyGrad(dy: tf.Tensor, logSoftmax: tf.Tensor, targets: tf.Tensor): tf.Tensor {
  return runFused(SOFTMAX_CE_GRAD, [dy, logSoftmax, targets], {})[0] as tf.Tensor;
}
