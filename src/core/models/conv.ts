/**
 * conv2d with gradients that are fast on tfjs-backend-wasm 4.22.
 *
 * The stock gradient of `tf.conv2d` calls Conv2DBackpropInput, which wasm runs as plain scalar
 * loops, and Conv2DBackpropFilter, which wasm lacks (the lab builds one from the 3-D kernel in
 * wasmKernels.ts). Here both gradients are rewritten in terms of the ops wasm runs through
 * XNNPACK — conv2d itself — as a `tf.customGrad`:
 *
 * - input gradient: dx = conv2d(dy zero-dilated by the stride and padded, W flipped in space with
 *   its in/out channels swapped), stride 1, 'valid';
 * - filter gradient: the im2col product Pᵀ·dy. Where the output channels come in fours and the
 *   backend's tensors are readable (wasm, cpu), the lab's WebAssembly SIMD kernel computes it with
 *   the patches read in place (wasm/convFilterGradKernel.ts: 3–4× faster than the next way on the
 *   small VGG, and no temporaries). Elsewhere, one conv2d of x (channels and batch swapped) with
 *   dy as the filter, dilated by the stride. An explicit im2col (kh·kw strided slices of x
 *   stacked, then one matMul) was the first version: on wasm its slices and stack cost more than
 *   the whole stock gradient for the deeper layers.
 *
 * Shapes are NHWC, filters [kh, kw, in, out] as in tf.conv2d. Checked against the cpu backend's
 * autodiff of tf.conv2d in conv.test.ts; bench/conv.ts measures a training step.
 */
import * as tf from '@tensorflow/tfjs';
import { LabError } from '../errors';
import { arrayBackend, hasFusedKernels } from './fusedKernels';
import { convFilterGradKernel, type FilterGradGeometry } from './wasm/convFilterGradKernel';

export type ConvPadding = 'same' | 'valid';

interface ConvGeometry {
  outH: number;
  outW: number;
  padTop: number;
  padLeft: number;
}

/** Output size and top/left padding as tfjs (and TensorFlow) compute them. */
export function convGeometry(h: number, w: number, kh: number, kw: number, sh: number, sw: number, pad: ConvPadding): ConvGeometry {
  if (pad === 'valid') return { outH: Math.floor((h - kh) / sh) + 1, outW: Math.floor((w - kw) / sw) + 1, padTop: 0, padLeft: 0 };
  const outH = Math.ceil(h / sh);
  const outW = Math.ceil(w / sw);
  // 'same': the smaller half of the padding goes on top / left.
  return {
    outH,
    outW,
    padTop: Math.floor(Math.max(0, (outH - 1) * sh + kh - h) / 2),
    padLeft: Math.floor(Math.max(0, (outW - 1) * sw + kw - w) / 2),
  };
}

/** Pad (or crop, for negative amounts) the two spatial axes of an NHWC tensor. */
function padSpatial(x: tf.Tensor4D, top: number, bottom: number, left: number, right: number): tf.Tensor4D {
  const [b, h, w, c] = x.shape;
  let y = x;
  if (top > 0 || bottom > 0 || left > 0 || right > 0) y = tf.pad(y, [[0, 0], [Math.max(0, top), Math.max(0, bottom)], [Math.max(0, left), Math.max(0, right)], [0, 0]]);
  if (top < 0 || bottom < 0 || left < 0 || right < 0) {
    const t0 = Math.max(0, -top);
    const l0 = Math.max(0, -left);
    y = tf.slice(y, [0, t0, l0, 0], [b, h + top + bottom, w + left + right, c]);
  }
  return y;
}

/** dy with s − 1 zeros between neighbouring rows (columns): [b, (oh − 1)·sh + 1, (ow − 1)·sw + 1, c]. */
function dilate(dy: tf.Tensor4D, sh: number, sw: number): tf.Tensor4D {
  if (sh === 1 && sw === 1) return dy;
  const [b, oh, ow, c] = dy.shape;
  const spread = tf.pad(tf.reshape(dy, [b, oh, 1, ow, 1, c]), [[0, 0], [0, 0], [0, sh - 1], [0, 0], [0, sw - 1], [0, 0]]);
  return tf.slice(tf.reshape(spread, [b, oh * sh, ow * sw, c]) as tf.Tensor4D, [0, 0, 0, 0], [b, (oh - 1) * sh + 1, (ow - 1) * sw + 1, c]);
}

/** dL/dx as a stride-1 'valid' conv2d of the dilated, padded dy with the flipped, channel-transposed filter. */
function inputGradient(dy: tf.Tensor4D, filter: tf.Tensor4D, xShape: number[], sh: number, sw: number, g: ConvGeometry): tf.Tensor4D {
  const [, h, w] = xShape as [number, number, number, number];
  const [kh, kw] = filter.shape;
  const d = dilate(dy, sh, sw);
  // dx[i] = Σ_k dyd[i + padTop − k]·W[k] = Σ_k' dyd[i + padTop − (kh − 1) + k']·W[kh − 1 − k']:
  // a correlation once dyd has kh − 1 − padTop rows on top and enough below to give h rows.
  const top = kh - 1 - g.padTop;
  const left = kw - 1 - g.padLeft;
  const dp = padSpatial(d, top, h + kh - 1 - top - d.shape[1], left, w + kw - 1 - left - d.shape[2]);
  if (d !== dy && d !== dp) d.dispose();
  const wt = tf.transpose(tf.reverse(filter, [0, 1]), [0, 1, 3, 2]) as tf.Tensor4D;
  const dx = convReleasing(dp, wt, 1, 'valid');
  // Freed now rather than when the gradient function's tidy ends: the padded dy is as large as
  // dy, and the filter gradient that comes next is the backward pass's largest step.
  if (dp !== dy) dp.dispose();
  return dx;
}

/**
 * dL/dW[ky, kx, c, o] = Σ_{b, oy, ox} xpad[b, oy·s + ky, ox·s + kx, c] · dy[b, oy, ox, o]: the
 * im2col product Pᵀ·dy, computed as one conv2d with the roles swapped — x's channels as the
 * batch, its batch as the input channels, dy as an oh × ow filter dilated by the stride — so
 * XNNPACK forms the patches through its indirection buffer instead of materialising the kh·kw
 * shifted copies of x (on wasm, slicing and stacking those copies took 2–4× the whole
 * product; see bench/conv.ts).
 *
 * The sum over b is split into chunks of the batch whose dy is at most `chunkBytes`, and the
 * chunks' products are added: dy as a filter is transposed (a copy) and XNNPACK packs it (another
 * copy), so for the small VGG's first layer at batch 32 one whole-batch product held three
 * 16.8 MB copies of dy at once — the wasm heap's peak of the training step (bench/cnnMemory.ts).
 * The sum is the same; only the order of the float additions over the batch changes.
 */
function filterGradient(x: tf.Tensor4D, dy: tf.Tensor4D, sh: number, sw: number, g: ConvGeometry, kh: number, kw: number, chunkBytes: number): tf.Tensor4D {
  if (dy.shape[3] % 4 === 0 && hasFilterGradKernel()) {
    const attrs: FilterGradGeometry = { kh, kw, sh, sw, padTop: g.padTop, padLeft: g.padLeft };
    return tf.engine().runKernel(FILTER_GRAD, { x, dy }, attrs as unknown as tf.NamedAttrMap) as tf.Tensor4D;
  }
  const [b, h, w, c] = x.shape;
  const { outH, outW, padTop, padLeft } = g;
  // Rows and columns the forward pass read: (out − 1)·s + k of the padded input.
  const hx = (outH - 1) * sh + kh;
  const wx = (outW - 1) * sw + kw;
  const perSample = dy.size / b;
  const step = Math.max(1, Math.min(b, Math.floor(chunkBytes / (4 * perSample))));
  let dW: tf.Tensor4D | undefined;
  for (let b0 = 0; b0 < b; b0 += step) {
    const n = Math.min(step, b - b0);
    const xc = n === b ? x : tf.slice(x, [b0, 0, 0, 0], [n, h, w, c]);
    const dyc = n === b ? dy : tf.slice(dy, [b0, 0, 0, 0], [n, outH, outW, dy.shape[3]]);
    const xp = padSpatial(xc, padTop, hx - h - padTop, padLeft, wx - w - padLeft);
    const xt = tf.transpose(xp, [3, 1, 2, 0]) as tf.Tensor4D; // [cin, hx, wx, n]
    if (xp !== xc) xp.dispose();
    if (xc !== x) xc.dispose();
    const dyt = tf.transpose(dyc, [1, 2, 0, 3]) as tf.Tensor4D; // [oh, ow, n, cout]
    if (dyc !== dy) dyc.dispose();
    const part = convReleasing(xt, dyt, 1, 'valid', [sh, sw]); // [cin, kh, kw, cout]
    xt.dispose();
    if (!dW) dW = part;
    else {
      const sum = tf.add(dW, part) as tf.Tensor4D;
      tf.dispose([dW, part]);
      dW = sum;
    }
  }
  const out = tf.transpose(dW as tf.Tensor4D, [1, 2, 0, 3]);
  (dW as tf.Tensor4D).dispose();
  return out;
}

const FILTER_GRAD = 'LabConv2DFilterGrad';
const filterGradRegistered = new Set<string>();

/**
 * True when the filter gradient runs in the WebAssembly kernel (wasm/convFilterGradKernel.ts):
 * on the backends whose tensors JavaScript reads (wasm, cpu), while the fused kernels are on and
 * the engine has WebAssembly SIMD; registers the engine kernel on first use.
 */
function hasFilterGradKernel(): boolean {
  const name = tf.getBackend();
  if ((name !== 'wasm' && name !== 'cpu') || !hasFusedKernels() || !convFilterGradKernel()) return false;
  if (!filterGradRegistered.has(name)) {
    filterGradRegistered.add(name);
    if (!tf.getKernel(FILTER_GRAD, name))
      tf.registerKernel({
        kernelName: FILTER_GRAD,
        backendName: name,
        kernelFunc: ({ inputs, attrs, backend }) => {
          const ab = arrayBackend(name, backend);
          const x = inputs['x'] as tf.TensorInfo;
          const dy = inputs['dy'] as tf.TensorInfo;
          const g = attrs as unknown as FilterGradGeometry;
          // Allocate first: an allocation may grow the wasm heap, which detaches earlier views.
          const out = ab.alloc([g.kh, g.kw, x.shape[3] as number, dy.shape[3] as number]);
          convFilterGradKernel()!.filterGrad(ab.view(x), x.shape, ab.view(dy), dy.shape, g, ab.view(out));
          return out;
        },
      });
  }
  return true;
}

/**
 * tf.conv2d that disposes `filter` (a temporary the caller made) as soon as the convolution is
 * done. tfjs-backend-wasm caches one XNNPACK operator per filter tensor until that tensor is
 * disposed, and the operator holds the filter packed (a copy of it) and an indirection buffer of
 * one pointer per output pixel and kernel tap: 32 × 128 × 128 × 9 × 4 B = 18.9 MB for the first
 * convolution of the small VGG at batch 32. Freed with the filter, that memory is reused by the
 * next op instead of staying alive through the whole backward pass.
 */
function convReleasing(x: tf.Tensor4D, filter: tf.Tensor4D, strides: number | [number, number], pad: ConvPadding, dilations?: [number, number]): tf.Tensor4D {
  const y = tf.conv2d(x, filter, strides, pad, 'NHWC', dilations);
  filter.dispose();
  return y;
}

/** Options of {@link conv2dFast}. */
export interface ConvFastOptions {
  /** Compute the input gradient (default true). False for a first layer, whose input is data: it is given as zeros, unread. */
  inputGrad?: boolean;
  /**
   * Run the forward convolution on a copy of the filter freed at once (default false), so the
   * XNNPACK operator and its indirection buffer (see {@link convReleasing}) do not stay alive
   * through the backward pass. For training; in prediction the cached operator is reused.
   */
  freeOperator?: boolean;
  /**
   * The filter gradient is summed over chunks of the batch whose dy is at most this many bytes
   * (see filterGradient); default {@link FILTER_GRAD_CHUNK_BYTES}. Infinity: one product.
   */
  filterGradChunkBytes?: number;
}

/** Default of {@link ConvFastOptions.filterGradChunkBytes}: 4 MiB (the laptop VGG's first layer at batch 32 in 4 chunks, its second in 2). */
export const FILTER_GRAD_CHUNK_BYTES = 4 * 1024 * 1024;

/**
 * `tf.conv2d(x, filter, strides, pad)` (NHWC, dilation 1) whose backward pass uses conv2d and
 * conv2d only (fast on wasm). `strides` is a number or [rows, cols].
 */
export function conv2dFast(x: tf.Tensor4D, filter: tf.Tensor4D, strides: number | [number, number], pad: ConvPadding, o: ConvFastOptions = {}): tf.Tensor4D {
  const [sh, sw] = typeof strides === 'number' ? [strides, strides] : strides;
  if (x.rank !== 4 || filter.rank !== 4 || x.shape[3] !== filter.shape[2])
    throw new LabError('bad-argument', `conv2dFast needs x [b, h, w, c] and a filter [kh, kw, c, out] with matching c; got ${JSON.stringify(x.shape)} and ${JSON.stringify(filter.shape)}.`);
  if (pad !== 'same' && pad !== 'valid') throw new LabError('bad-argument', `conv2dFast supports 'same' and 'valid' padding, got ${JSON.stringify(pad)}.`);
  const [, h, w] = x.shape;
  const [kh, kw] = filter.shape;
  const g = convGeometry(h, w, kh, kw, sh, sw, pad);
  if (g.outH < 1 || g.outW < 1) throw new LabError('bad-argument', `A ${kh}×${kw} 'valid' convolution does not fit a ${h}×${w} input; use 'same' padding or a larger input.`);
  const op = tf.customGrad(((...args: unknown[]) => {
    const [xi, fi, save] = args as [tf.Tensor4D, tf.Tensor4D, tf.GradSaveFunc];
    save([xi, fi]);
    return {
      value: o.freeOperator ? convReleasing(xi, tf.mul(fi, 1) as tf.Tensor4D, [sh, sw], pad) : tf.conv2d(xi, fi, [sh, sw], pad),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [xs, fs] = saved as [tf.Tensor4D, tf.Tensor4D];
        const dx = o.inputGrad !== false ? inputGradient(dy as tf.Tensor4D, fs, xs.shape, sh, sw, g) : tf.zerosLike(xs);
        return [dx, filterGradient(xs, dy as tf.Tensor4D, sh, sw, g, kh, kw, o.filterGradChunkBytes ?? FILTER_GRAD_CHUNK_BYTES)];
      },
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as (x: tf.Tensor4D, f: tf.Tensor4D) => tf.Tensor4D;
  return op(x, filter);
}
