/*
 * The filter gradient of a 2-D convolution (NHWC, filter [kh, kw, ci, co], any stride and
 * padding) as a WebAssembly SIMD kernel, one sample at a time:
 *   dW[ky, kx, c, o] += sum over (oy, ox) of x[oy*sh + ky - padTop, ox*sw + kx - padLeft, c] * dy[oy, ox, o]
 * over the positions where x is inside the sample (outside is the zero padding). conv.ts runs it
 * where it applies (co a multiple of 4) through convFilterGradKernel.ts; scripts/build-wasm.mjs
 * builds it into convFilterGradWasm.ts.
 *
 * It is a matrix product with the patches formed on the fly: a tile of 4 input channels (or 1,
 * when ci is not a multiple of 4) by 8 (or 4) output channels lives in registers while the
 * product runs over every output position of one filter tap, then is added to dW. So no patch
 * matrix, no transposed copy and no padded copy of x is made.
 * Sums are float32; the order is per tap and tile over the positions in row order, then sample by
 * sample (the TypeScript path's convolution adds in another order: results agree to rounding).
 */
#include <wasm_simd128.h>

/* First and one-past-last output index whose input index o*s + k - pad lies in [0, n). */
static inline int firstValid(int k, int pad, int s) {
  int t = pad - k; /* need o*s >= t */
  return t <= 0 ? 0 : (t + s - 1) / s;
}
static inline int endValid(int k, int pad, int s, int n, int outN) {
  int t = n - 1 + pad - k; /* need o*s <= t */
  if (t < 0) return 0;
  int e = t / s + 1;
  return e < outN ? e : outN;
}

#define ACC_ADD(p, v) wasm_v128_store(p, wasm_f32x4_add(wasm_v128_load(p), v))

void filterGrad(const float *x, int h, int w, int ci, const float *dy, int oh, int ow, int co, int kh, int kw, int sh,
                int sw, int padTop, int padLeft, float *dW) {
  const int rows4 = (ci & 3) == 0;
  const int wide = (co & 7) == 0;
  for (int ky = 0; ky < kh; ky++) {
    const int oy0 = firstValid(ky, padTop, sh), oy1 = endValid(ky, padTop, sh, h, oh);
    for (int kx = 0; kx < kw; kx++) {
      const int ox0 = firstValid(kx, padLeft, sw), ox1 = endValid(kx, padLeft, sw, w, ow);
      if (oy0 >= oy1 || ox0 >= ox1) continue;
      float *tap = dW + (ky * kw + kx) * ci * co;
      const int xStep = sw * ci;
      if (rows4) {
        for (int c = 0; c < ci; c += 4)
          for (int o = 0; o < co; o += wide ? 8 : 4) {
            v128_t a00 = wasm_f32x4_splat(0), a01 = a00, a10 = a00, a11 = a00, a20 = a00, a21 = a00, a30 = a00, a31 = a00;
            for (int oy = oy0; oy < oy1; oy++) {
              const float *xp = x + ((oy * sh + ky - padTop) * w + ox0 * sw + kx - padLeft) * ci + c;
              const float *dp = dy + (oy * ow + ox0) * co + o;
              if (wide)
                for (int ox = ox0; ox < ox1; ox++, xp += xStep, dp += co) {
                  v128_t xv = wasm_v128_load(xp), d0 = wasm_v128_load(dp), d1 = wasm_v128_load(dp + 4);
                  v128_t s0 = wasm_i32x4_shuffle(xv, xv, 0, 0, 0, 0), s1 = wasm_i32x4_shuffle(xv, xv, 1, 1, 1, 1);
                  a00 = wasm_f32x4_add(a00, wasm_f32x4_mul(s0, d0));
                  a01 = wasm_f32x4_add(a01, wasm_f32x4_mul(s0, d1));
                  a10 = wasm_f32x4_add(a10, wasm_f32x4_mul(s1, d0));
                  a11 = wasm_f32x4_add(a11, wasm_f32x4_mul(s1, d1));
                  v128_t s2 = wasm_i32x4_shuffle(xv, xv, 2, 2, 2, 2), s3 = wasm_i32x4_shuffle(xv, xv, 3, 3, 3, 3);
                  a20 = wasm_f32x4_add(a20, wasm_f32x4_mul(s2, d0));
                  a21 = wasm_f32x4_add(a21, wasm_f32x4_mul(s2, d1));
                  a30 = wasm_f32x4_add(a30, wasm_f32x4_mul(s3, d0));
                  a31 = wasm_f32x4_add(a31, wasm_f32x4_mul(s3, d1));
                }
              else
                for (int ox = ox0; ox < ox1; ox++, xp += xStep, dp += co) {
                  v128_t xv = wasm_v128_load(xp), d0 = wasm_v128_load(dp);
                  a00 = wasm_f32x4_add(a00, wasm_f32x4_mul(wasm_i32x4_shuffle(xv, xv, 0, 0, 0, 0), d0));
                  a10 = wasm_f32x4_add(a10, wasm_f32x4_mul(wasm_i32x4_shuffle(xv, xv, 1, 1, 1, 1), d0));
                  a20 = wasm_f32x4_add(a20, wasm_f32x4_mul(wasm_i32x4_shuffle(xv, xv, 2, 2, 2, 2), d0));
                  a30 = wasm_f32x4_add(a30, wasm_f32x4_mul(wasm_i32x4_shuffle(xv, xv, 3, 3, 3, 3), d0));
                }
            }
            float *t = tap + c * co + o;
            ACC_ADD(t, a00);
            ACC_ADD(t + co, a10);
            ACC_ADD(t + 2 * co, a20);
            ACC_ADD(t + 3 * co, a30);
            if (wide) {
              ACC_ADD(t + 4, a01);
              ACC_ADD(t + co + 4, a11);
              ACC_ADD(t + 2 * co + 4, a21);
              ACC_ADD(t + 3 * co + 4, a31);
            }
          }
      } else {
        for (int c = 0; c < ci; c++)
          for (int o = 0; o < co; o += wide ? 8 : 4) {
            v128_t a0 = wasm_f32x4_splat(0), a1 = a0;
            for (int oy = oy0; oy < oy1; oy++) {
              const float *xp = x + ((oy * sh + ky - padTop) * w + ox0 * sw + kx - padLeft) * ci + c;
              const float *dp = dy + (oy * ow + ox0) * co + o;
              if (wide)
                for (int ox = ox0; ox < ox1; ox++, xp += xStep, dp += co) {
                  v128_t s = wasm_v128_load32_splat(xp);
                  a0 = wasm_f32x4_add(a0, wasm_f32x4_mul(s, wasm_v128_load(dp)));
                  a1 = wasm_f32x4_add(a1, wasm_f32x4_mul(s, wasm_v128_load(dp + 4)));
                }
              else
                for (int ox = ox0; ox < ox1; ox++, xp += xStep, dp += co)
                  a0 = wasm_f32x4_add(a0, wasm_f32x4_mul(wasm_v128_load32_splat(xp), wasm_v128_load(dp)));
            }
            float *t = tap + c * co + o;
            ACC_ADD(t, a0);
            if (wide) ACC_ADD(t + 4, a1);
          }
      }
    }
  }
}
