/*
 * HPSS median filters (kernel 31, scipy.ndimage 'reflect' borders) and soft masks as a
 * WebAssembly SIMD kernel. scripts/build-wasm.mjs builds it into hpssMedianWasm.ts;
 * hpssKernel.ts loads it; hpss.ts keeps its TypeScript filters as the fallback and as the
 * reference this must match bit for bit.
 *
 * Each f64x2 lane keeps its own sorted window of 31 values and LANES (8) windows slide together
 * (8 bins along time, or 8 frames along frequency). A step deletes the value leaving the window
 * and inserts the one entering it, slot by slot, with no branch and no search:
 *   delete o:  d[k] = w[k] < o ? w[k] : w[k+1]          (k < 30: one copy of o goes)
 *   insert v:  w'[k] = max(d[k-1], min(v, d[k]))         (d[-1] = -inf, d[30] = +inf)
 * No slot depends on another within a step, so the work is wide, not a chain. The windows start
 * full of +inf: the first 31 steps delete +inf and insert the first 31 values.
 *
 * Domain: values in [+0, +inf] (a magnitude spectrogram; inDomain checks it). There, the bit
 * patterns order as signed 64-bit integers, so "w[k] >= o" is one integer compare (w[k] > o − 1,
 * pcmpgtq, a port the float min/max do not use), and the delete's select is a min:
 *   d[k] = pmin(w[k+1], w[k] | (w[k] >= o ? all ones : 0))   (all ones is a NaN: pmin keeps w[k+1])
 * pmin/pmax (b < a ? b : a) are one minpd/maxpd each; on this domain they equal min/max.
 */
#include <wasm_simd128.h>

#define K 31
#define H 15
#define LANES 8
#define NV (LANES / 2)
#define BLOCK 32
#define FLOAT32_TINY 1.1754943508222875e-38

/* scipy 'reflect' (d c b a | a b c d | d c b a): the source index for position j of n. */
static int reflect(int j, int n) {
  if (n == 1) return 0;
  int period = 2 * n;
  int m = j % period;
  if (m < 0) m += period;
  return m >= n ? period - 1 - m : m;
}

/* One step of one lane pair's window w (31 vectors): delete o, insert v. */
static inline void update(v128_t *w, v128_t o, v128_t v) {
  v128_t oLess = wasm_i64x2_sub(o, wasm_i64x2_splat(1));
  v128_t a = w[0];
  v128_t dPrev = wasm_f64x2_splat(-__builtin_inf());
#pragma clang loop unroll(full)
  for (int k = 0; k < K - 1; k++) {
    v128_t b = w[k + 1];
    v128_t d = wasm_f64x2_pmin(b, wasm_v128_or(a, wasm_i64x2_gt(a, oLess)));
    w[k] = wasm_f64x2_pmax(dPrev, wasm_f64x2_pmin(v, d));
    dPrev = d;
    a = b;
  }
  w[K - 1] = wasm_f64x2_pmax(dPrev, v);
}

/* Bytes of scratch medianTime / medianFrequency need for an nFrames × nBins matrix. */
int scratchBytes(int nFrames, int nBins) {
  int n = nFrames > nBins ? nFrames : nBins;
  return 16 * (NV * K + LANES / 2 + (n + K + 3) / 4) + 2 * 8 * n * BLOCK;
}

/*
 * Sliding medians of LANES sequences at once. Step j (0 ≤ j < n + 30) reads the LANES values at
 * in + idx[j]·inStride, so output i is the median of steps i .. i + 30; it goes to out + i·outStride.
 * scratch: the NV windows (31 vectors each), a row of LANES +inf (what the first 31 steps delete),
 * then idx; idx[j] = reflect(j − 15, n) is filled by the caller (see reflectIndex).
 */
__attribute__((noinline)) static void slide(double *scratch, const double *in, int inStride, double *out, int outStride, int n) {
  v128_t *w = (v128_t *)scratch;
  const double *infRow = (const double *)(w + NV * K);
  const int *idx = (const int *)(infRow + LANES);
  for (int q = 0; q < NV * K; q++) w[q] = wasm_v128_load(infRow);
  for (int j = 0; j < n + K - 1; j++) {
    const double *row = in + idx[j] * inStride;
    const double *gone = j >= K ? in + idx[j - K] * inStride : infRow;
#pragma clang loop unroll(disable)
    for (int q = 0; q < NV; q++) update(w + q * K, wasm_v128_load(gone + 2 * q), wasm_v128_load(row + 2 * q));
    if (j >= K - 1) {
      double *dst = out + (j - (K - 1)) * outStride;
      for (int q = 0; q < NV; q++) wasm_v128_store(dst + 2 * q, w[q * K + H]);
    }
  }
}

/* Fill slide's +inf row and reflect indices for sequences of n; returns the first buffer after them (16-byte aligned). */
static double *reflectIndex(double *scratch, int n) {
  double *infRow = scratch + 2 * NV * K;
  int *idx = (int *)(infRow + LANES);
  for (int l = 0; l < LANES; l++) infRow[l] = __builtin_inf();
#pragma clang loop vectorize(disable)
  for (int j = 0; j < n + K - 1; j++) idx[j] = reflect(j - H, n); /* step j reads position j − 15 */
  return scratch + 2 * (NV * K + LANES / 2 + (n + K + 3) / 4);
}

/*
 * Median along time (per bin) of a frame-major nFrames × nBins matrix src into dst (nBins ≥ LANES).
 * Blocks of BLOCK adjacent bins (LANES when nBins < BLOCK) are copied into ext (nFrames × block),
 * slid LANES at a time into med and copied back: sliding in place down the 8 KiB-strided frames
 * was 1.6× slower (each step touched three far-apart rows). The last block starts at
 * nBins − block and recomputes a few bins (the same values).
 */
void medianTime(const double *src, double *dst, int nFrames, int nBins, double *scratch) {
  int block = nBins >= BLOCK ? BLOCK : LANES;
  double *ext = reflectIndex(scratch, nFrames);
  double *med = ext + nFrames * block;
  for (int k0 = 0; k0 < nBins; k0 += block) {
    int k = k0 + block <= nBins ? k0 : nBins - block;
    for (int t = 0; t < nFrames; t++)
      for (int l = 0; l < block; l += 2) wasm_v128_store(ext + t * block + l, wasm_v128_load(src + t * nBins + k + l));
    for (int l = 0; l < block; l += LANES) slide(scratch, ext + l, block, med + l, block, nFrames);
    for (int t = 0; t < nFrames; t++)
      for (int l = 0; l < block; l += 2) wasm_v128_store(dst + t * nBins + k + l, wasm_v128_load(med + t * block + l));
  }
}

/*
 * hpss.ts's softMasks for two cells: with z = max(H, P) and r = min/max,
 * H' = (H > P ? 1 : r²)/(1 + r²) and P' = (H > P ? r² : 1)/(1 + r²), both 0.5 where z < float32
 * tiny. The same IEEE operations in the same order as the TypeScript, so the same bits.
 */
static inline void softMask2(v128_t h, v128_t p, v128_t *hm, v128_t *pm) {
  v128_t one = wasm_f64x2_splat(1);
  v128_t half = wasm_f64x2_splat(0.5);
  v128_t hWins = wasm_f64x2_gt(h, p);
  v128_t z = wasm_v128_bitselect(h, p, hWins);
  v128_t small = wasm_f64x2_lt(z, wasm_f64x2_splat(FLOAT32_TINY));
  v128_t r = wasm_f64x2_div(wasm_v128_bitselect(p, h, hWins), z);
  v128_t r2 = wasm_f64x2_mul(r, r);
  v128_t den = wasm_f64x2_add(one, r2);
  *hm = wasm_v128_bitselect(half, wasm_f64x2_div(wasm_v128_bitselect(one, r2, hWins), den), small);
  *pm = wasm_v128_bitselect(half, wasm_f64x2_div(wasm_v128_bitselect(r2, one, hWins), den), small);
}

/* What medianFrequency writes. */
enum { MEDIANS = 0, BOTH_MASKS = 1, HARMONIC_MASK = 2 };

/*
 * Median along frequency (per frame) of a frame-major nFrames × nBins matrix, in place over src
 * (nFrames ≥ LANES). LANES frames at a time are interleaved into ext by 2 × 2 transposes (rows
 * past the end repeat the last frame: a group overlapping the previous one would read rows
 * already overwritten), slid together into med and written back:
 *   MEDIANS        the medians P over src;
 *   BOTH_MASKS     with harm holding the time medians H: the harmonic mask over harm and the
 *                  percussive one over src (softMask2);
 *   HARMONIC_MASK  the same, harmonic only (src unchanged).
 */
void medianFrequency(double *src, double *harm, int nFrames, int nBins, double *scratch, int mode) {
  double *ext = reflectIndex(scratch, nBins);
  double *med = ext + nBins * LANES;
  for (int t = 0; t < nFrames; t += LANES) {
    for (int l = 0; l < LANES; l += 2) {
      const double *a = src + (t + l < nFrames ? t + l : nFrames - 1) * nBins;
      const double *b = src + (t + l + 1 < nFrames ? t + l + 1 : nFrames - 1) * nBins;
      int k = 0;
      for (; k + 1 < nBins; k += 2) {
        v128_t x = wasm_v128_load(a + k);
        v128_t y = wasm_v128_load(b + k);
        wasm_v128_store(ext + k * LANES + l, wasm_i64x2_shuffle(x, y, 0, 2));
        wasm_v128_store(ext + (k + 1) * LANES + l, wasm_i64x2_shuffle(x, y, 1, 3));
      }
      if (k < nBins) wasm_v128_store(ext + k * LANES + l, wasm_f64x2_make(a[k], b[k]));
    }
    slide(scratch, ext, LANES, med, LANES, nBins);
    for (int l = 0; l < LANES && t + l < nFrames; l += 2) {
      /* rows a = t + l and b = t + l + 1 (b only if it exists); bins k, k + 1 per 2 × 2 transpose */
      int hasB = t + l + 1 < nFrames;
      double *pa = src + (t + l) * nBins;
      double *ha = harm + (t + l) * nBins;
      for (int k = 0; k < nBins; k += 2) {
        int pair = k + 1 < nBins;
        v128_t x = wasm_v128_load(med + k * LANES + l);
        v128_t y = pair ? wasm_v128_load(med + (k + 1) * LANES + l) : x;
        for (int i = 0; i < 1 + hasB; i++) {
          double *p = pa + i * nBins + k;
          double *h = ha + i * nBins + k;
          v128_t out = i ? wasm_i64x2_shuffle(x, y, 1, 3) : wasm_i64x2_shuffle(x, y, 0, 2);
          if (mode != MEDIANS) {
            v128_t hm, pm;
            softMask2(pair ? wasm_v128_load(h) : wasm_f64x2_splat(*h), out, &hm, &pm);
            if (pair) wasm_v128_store(h, hm);
            else *h = wasm_f64x2_extract_lane(hm, 0);
            if (mode == HARMONIC_MASK) continue;
            out = pm;
          }
          if (pair) wasm_v128_store(p, out);
          else *p = wasm_f64x2_extract_lane(out, 0);
        }
      }
    }
  }
}

/* 1 if every one of the n values is in [+0, +inf] (no sign bit, no NaN), else 0. */
int inDomain(const double *x, int n) {
  v128_t bits = wasm_i64x2_splat(0);
  v128_t nan = wasm_i64x2_splat(0);
  v128_t inf = wasm_f64x2_splat(__builtin_inf());
  int i = 0;
  for (; i + 1 < n; i += 2) {
    v128_t v = wasm_v128_load(x + i);
    bits = wasm_v128_or(bits, v);
    nan = wasm_v128_or(nan, wasm_i64x2_gt(v, inf));
  }
  if (i < n) {
    v128_t v = wasm_f64x2_splat(x[i]);
    bits = wasm_v128_or(bits, v);
    nan = wasm_v128_or(nan, wasm_i64x2_gt(v, inf));
  }
  return !wasm_i64x2_bitmask(bits) && !wasm_v128_any_true(nan);
}
