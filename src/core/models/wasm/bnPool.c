/*
 * Batch norm (batch statistics) -> ReLU -> max-pool, forward and backward, for non-overlapping
 * pool windows (pool = strides, 'valid'), as a WebAssembly SIMD kernel: four channels of an NHWC
 * tensor per f32x4 lane group. scripts/build-wasm.mjs builds it into bnPoolWasm.ts;
 * bnPoolKernel.ts loads it and feeds it one sample at a time; batchNormPool.ts keeps its
 * TypeScript loops as the fallback and as the reference this must match bit for bit.
 *
 * Every rounding is the TypeScript path's (which is tfjs-backend-wasm's single ops'):
 * - sums in float32, per channel, in row order (lanes are channels, so vectors keep that order);
 * - bn(x) = f32(offset + f32(f32(x - mean) * scale) / root): the division and the sum in double;
 * - the pool's tie rule: the last maximum in row-major window order when `last`, else the first;
 * - no multiply-add is fused (-ffp-contract=off).
 * Channel counts must be multiples of 4 (the caller checks).
 */
#include <wasm_simd128.h>

typedef v128_t v4f;
#define PROMOTE_HI(v) wasm_f64x2_promote_low_f32x4(wasm_i32x4_shuffle(v, v, 2, 3, 0, 1))

/* f32(offset + p / root) for four lanes, with p, offset, root as float32 and the arithmetic in double. */
static inline v4f bnFinish(v4f p, v128_t rootLo, v128_t rootHi, v128_t offLo, v128_t offHi) {
  v128_t pLo = wasm_f64x2_promote_low_f32x4(p);
  v128_t pHi = PROMOTE_HI(p);
  v128_t lo = wasm_f64x2_add(offLo, wasm_f64x2_div(pLo, rootLo));
  v128_t hi = wasm_f64x2_add(offHi, wasm_f64x2_div(pHi, rootHi));
  v4f a = wasm_f32x4_demote_f64x2_zero(lo);
  v4f b = wasm_f32x4_demote_f64x2_zero(hi);
  return wasm_i32x4_shuffle(a, b, 0, 1, 4, 5);
}

#define LOAD(p) wasm_v128_load(p)
#define STORE(p, v) wasm_v128_store(p, v)

/* acc[k] += x[r * c + k] over rows r in order. */
void colSums(const float *x, int rows, int c, float *acc) {
  for (int k = 0; k < c; k += 4) {
    v4f a = LOAD(acc + k);
    const float *p = x + k;
    for (int r = 0; r < rows; r++, p += c) a = wasm_f32x4_add(a, LOAD(p));
    STORE(acc + k, a);
  }
}

/* acc[k] += f32(d * d) with d = f32(x[r * c + k] - mean[k]), over rows r in order. */
void colSqDiffSums(const float *x, int rows, int c, const float *mean, float *acc) {
  for (int k = 0; k < c; k += 4) {
    v4f a = LOAD(acc + k);
    v4f m = LOAD(mean + k);
    const float *p = x + k;
    for (int r = 0; r < rows; r++, p += c) {
      v4f d = wasm_f32x4_sub(LOAD(p), m);
      a = wasm_f32x4_add(a, wasm_f32x4_mul(d, d));
    }
    STORE(acc + k, a);
  }
}

/*
 * The pool pass over one h x w x c sample: for each window (ph x pw, stride = window, 'valid')
 * and channel, the flat index (within the sample) of the largest z = bn(x; mean, gamma, root,
 * beta) by the tie rule, or -1 when no value compares (all NaN), and that z.
 * mode 0 (forward): out[o] = the window's max of relu(z) (0 when none);
 * mode 1 (backward routing): dx[best] = dOut[o] where z > 0, every other cell of dx set to 0.
 */
static void poolPass(const float *x, int h, int w, int c, int ph, int pw, const float *mean, const float *gamma,
                     const float *root, const float *beta, int last, int mode, float *out, const float *dOut, float *dx) {
  int oh = h / ph, ow = w / pw;
  const v4f zero = wasm_f32x4_splat(0.0f);
  if (mode == 1)
    for (int i = 0; i < h * w * c; i += 4) STORE(dx + i, zero);
  const v4f negInf = wasm_f32x4_splat(-__builtin_inff());
  const v128_t lane = wasm_i32x4_make(0, 1, 2, 3); /* the flat index of lane L is i + L */
  for (int oy = 0; oy < oh; oy++)
    for (int ox = 0; ox < ow; ox++)
      for (int k = 0; k < c; k += 4) {
        v4f m = LOAD(mean + k), g = LOAD(gamma + k), bt = LOAD(beta + k), rt = LOAD(root + k);
        v128_t rootLo = wasm_f64x2_promote_low_f32x4(rt), rootHi = PROMOTE_HI(rt);
        v128_t offLo = wasm_f64x2_promote_low_f32x4(bt), offHi = PROMOTE_HI(bt);
        v4f zBest = negInf;
        v128_t best = wasm_i32x4_splat(-1);
        for (int yy = oy * ph; yy < oy * ph + ph; yy++)
          for (int xx = ox * pw; xx < ox * pw + pw; xx++) {
            int i = (yy * w + xx) * c + k;
            v4f p = wasm_f32x4_mul(wasm_f32x4_sub(LOAD(x + i), m), g);
            v4f z = bnFinish(p, rootLo, rootHi, offLo, offHi);
            v128_t take = last ? wasm_f32x4_ge(z, zBest) : wasm_f32x4_gt(z, zBest);
            zBest = wasm_v128_bitselect(z, zBest, take);
            best = wasm_v128_bitselect(wasm_i32x4_add(wasm_i32x4_splat(i), lane), best, take);
          }
        int o = (oy * ow + ox) * c + k;
        /* best < 0 ? 0 : max(0, z) is z > 0 ? z : +0 (z is a number where a best was found). */
        v128_t pos = wasm_v128_and(wasm_i32x4_ge(best, wasm_i32x4_splat(0)), wasm_f32x4_gt(zBest, zero));
        if (mode == 0) STORE(out + o, wasm_v128_and(zBest, pos));
        else if (wasm_v128_any_true(pos)) {
          /* dx is 0 where dOut goes: 0 + d, as the TypeScript path adds (-0 becomes +0). */
          v4f d = LOAD(dOut + o);
#define ROUTE(L) if (wasm_i32x4_extract_lane(pos, L)) dx[wasm_i32x4_extract_lane(best, L)] = 0.0f + wasm_f32x4_extract_lane(d, L);
          ROUTE(0) ROUTE(1) ROUTE(2) ROUTE(3)
#undef ROUTE
        }
      }
}

void bnPoolForward(const float *x, int h, int w, int c, int ph, int pw, const float *mean, const float *gamma,
                   const float *root, const float *beta, int last, float *out) {
  poolPass(x, h, w, c, ph, pw, mean, gamma, root, beta, last, 0, out, 0, 0);
}

/*
 * Backward, first half, for one sample: route dOut into dx (the gradient at the batch norm's
 * output), then, in row order, dBeta[k] += d and dGamma[k] += f32(d * xhat) for every d != 0,
 * xhat = f32(0 + f32(x - mean) / root).
 */
void bnPoolRoute(const float *x, int h, int w, int c, int ph, int pw, const float *mean, const float *gamma,
                 const float *root, const float *beta, int last, const float *dOut, float *dx, float *dGamma, float *dBeta) {
  poolPass(x, h, w, c, ph, pw, mean, gamma, root, beta, last, 1, 0, dOut, dx);
  const v4f zero = wasm_f32x4_splat(0.0f);
  const v128_t zeroD = wasm_f64x2_splat(0.0);
  int rows = h * w;
  for (int k = 0; k < c; k += 4) {
    v4f m = LOAD(mean + k), rt = LOAD(root + k);
    v128_t rootLo = wasm_f64x2_promote_low_f32x4(rt), rootHi = PROMOTE_HI(rt);
    v4f gb = LOAD(dBeta + k), gg = LOAD(dGamma + k);
    for (int r = 0; r < rows; r++) {
      int i = r * c + k;
      v4f d = LOAD(dx + i);
      v128_t nz = wasm_f32x4_ne(d, zero);
      if (!wasm_v128_any_true(nz)) continue;
      v4f t = wasm_f32x4_sub(LOAD(x + i), m);
      v4f xhat = bnFinish(t, rootLo, rootHi, zeroD, zeroD);
      gb = wasm_v128_bitselect(wasm_f32x4_add(gb, d), gb, nz);
      gg = wasm_v128_bitselect(wasm_f32x4_add(gg, wasm_f32x4_mul(d, xhat)), gg, nz);
    }
    STORE(dBeta + k, gb);
    STORE(dGamma + k, gg);
  }
}

/* Backward, second half, for one sample, in place: dx = f32(dx * scaleA) + bn(x; mean, scaleB, root, offsetB). */
void bnPoolInput(const float *x, int rows, int c, const float *mean, const float *root, const float *scaleA,
                 const float *scaleB, const float *offsetB, float *dx) {
  for (int k = 0; k < c; k += 4) {
    v4f m = LOAD(mean + k), sa = LOAD(scaleA + k), sb = LOAD(scaleB + k), ob = LOAD(offsetB + k), rt = LOAD(root + k);
    v128_t rootLo = wasm_f64x2_promote_low_f32x4(rt), rootHi = PROMOTE_HI(rt);
    v128_t offLo = wasm_f64x2_promote_low_f32x4(ob), offHi = PROMOTE_HI(ob);
    for (int r = 0; r < rows; r++) {
      int i = r * c + k;
      v4f partA = wasm_f32x4_mul(LOAD(dx + i), sa);
      v4f p = wasm_f32x4_mul(wasm_f32x4_sub(LOAD(x + i), m), sb);
      STORE(dx + i, wasm_f32x4_add(partA, bnFinish(p, rootLo, rootHi, offLo, offHi)));
    }
  }
}
