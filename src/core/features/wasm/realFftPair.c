/*
 * Two real FFTs at once for RealFft (fft.ts): each frame of length N read as N/2 complex points
 * goes through fft.js's radix-4 complex transform (lib/fft.js _transform4 with _singleTransform2/4,
 * forward direction), then RealFft's split step and |X|², |X| and the frame's largest |X|².
 * Built by scripts/build-wasm.mjs (module "fft") into realFftPairWasm.ts; used by
 * fftKernel.ts.
 *
 * Bit-identical to the TypeScript path: every operation is fft.js's (or forwardSpectra's), in the
 * same order, on IEEE doubles (no FMA: -ffp-contract=off, and wasm has none in simd128). The two
 * frames ride in the two lanes of f64x2 (lane 0 = frame A, lane 1 = frame B), so each lane sees
 * exactly one frame's sequence of operations; inv = 1 products of fft.js are left out (exact).
 */
#include <wasm_simd128.h>

typedef double v2d __attribute__((vector_size(16)));

static void single2(v2d *out, const v2d *data, int outOff, int off, int step) {
  v2d evenR = data[off], evenI = data[off + 1], oddR = data[off + step], oddI = data[off + step + 1];
  out[outOff] = evenR + oddR;
  out[outOff + 1] = evenI + oddI;
  out[outOff + 2] = evenR - oddR;
  out[outOff + 3] = evenI - oddI;
}

static void single4(v2d *out, const v2d *data, int outOff, int off, int step) {
  int step2 = step * 2, step3 = step * 3;
  v2d Ar = data[off], Ai = data[off + 1], Br = data[off + step], Bi = data[off + step + 1];
  v2d Cr = data[off + step2], Ci = data[off + step2 + 1], Dr = data[off + step3], Di = data[off + step3 + 1];
  v2d T0r = Ar + Cr, T0i = Ai + Ci, T1r = Ar - Cr, T1i = Ai - Ci;
  v2d T2r = Br + Dr, T2i = Bi + Di, T3r = Br - Dr, T3i = Bi - Di;
  out[outOff] = T0r + T2r;
  out[outOff + 1] = T0i + T2i;
  out[outOff + 2] = T1r + T3i;
  out[outOff + 3] = T1i - T3r;
  out[outOff + 4] = T0r - T2r;
  out[outOff + 5] = T0i - T2i;
  out[outOff + 6] = T1r - T3i;
  out[outOff + 7] = T1i + T3r;
}

// fft.js transform(out, data) of n complex points, both lanes; table: fft.js's table (2n doubles:
// cos, −sin), bitrev: its _bitrev (1 << width ints). Indices count doubles as in fft.js.
static void transformPair(v2d *out, const v2d *data, int n, const double *table, const int *bitrev, int width) {
  int size = 2 * n;
  int step = 1 << width;
  int len = (size / step) << 1;
  int outOff, t;
  if (len == 4) {
    for (outOff = 0, t = 0; outOff < size; outOff += len, t++) single2(out, data, outOff, bitrev[t], step);
  } else {
    for (outOff = 0, t = 0; outOff < size; outOff += len, t++) single4(out, data, outOff, bitrev[t], step);
  }
  for (step >>= 2; step >= 2; step >>= 2) {
    len = (size / step) << 1;
    int quarterLen = len >> 2;
    for (outOff = 0; outOff < size; outOff += len) {
      int limit = outOff + quarterLen;
      for (int i = outOff, k = 0; i < limit; i += 2, k += step) {
        int A = i, B = A + quarterLen, C = B + quarterLen, D = C + quarterLen;
        v2d Ar = out[A], Ai = out[A + 1], Br = out[B], Bi = out[B + 1];
        v2d Cr = out[C], Ci = out[C + 1], Dr = out[D], Di = out[D + 1];
        double tbr = table[k], tbi = table[k + 1];
        double tcr = table[2 * k], tci = table[2 * k + 1];
        double tdr = table[3 * k], tdi = table[3 * k + 1];
        v2d MBr = Br * tbr - Bi * tbi;
        v2d MBi = Br * tbi + Bi * tbr;
        v2d MCr = Cr * tcr - Ci * tci;
        v2d MCi = Cr * tci + Ci * tcr;
        v2d MDr = Dr * tdr - Di * tdi;
        v2d MDi = Dr * tdi + Di * tdr;
        v2d T0r = Ar + MCr, T0i = Ai + MCi, T1r = Ar - MCr, T1i = Ai - MCi;
        v2d T2r = MBr + MDr, T2i = MBi + MDi, T3r = MBr - MDr, T3i = MBi - MDi;
        out[A] = T0r + T2r;
        out[A + 1] = T0i + T2i;
        out[B] = T1r + T3i;
        out[B + 1] = T1i - T3r;
        out[C] = T0r - T2r;
        out[C + 1] = T0i - T2i;
        out[D] = T1r - T3i;
        out[D + 1] = T1i + T3r;
      }
    }
  }
}

// RealFft.forwardSpectra for two frames whose windowed samples are interleaved in `in`
// (in[i] = (a[i], b[i]), i < 2·half): z = the half-size transform, then for each frame its bins
// 0..half (re, im, |X|², |X|) and its largest |X|² (frameMax[0], frameMax[1]).
// twCos/twSin: cos/sin(2πk/N), k = 0..half. `z` is scratch of 2·half v2d.
void spectraPair(const v2d *in, v2d *z, int half, const double *table, const int *bitrev, int width,
                 const double *twCos, const double *twSin,
                 double *reA, double *imA, double *reB, double *imB,
                 double *powA, double *magA, double *powB, double *magB, double *frameMax) {
  transformPair(z, in, half, table, bitrev, width);
  v2d z0r = z[0], z0i = z[1];
  v2d dc = z0r + z0i, ny = z0r - z0i;
  v2d zero = {0, 0};
  v2d pDc = dc * dc + zero * zero;
  v2d pNy = ny * ny + zero * zero;
  v2d sDc = wasm_f64x2_sqrt(pDc), sNy = wasm_f64x2_sqrt(pNy);
  reA[0] = dc[0]; reB[0] = dc[1]; imA[0] = 0; imB[0] = 0;
  reA[half] = ny[0]; reB[half] = ny[1]; imA[half] = 0; imB[half] = 0;
  powA[0] = pDc[0]; powB[0] = pDc[1]; magA[0] = sDc[0]; magB[0] = sDc[1];
  powA[half] = pNy[0]; powB[half] = pNy[1]; magA[half] = sNy[0]; magB[half] = sNy[1];
  // pmax(m, p) = m < p ? p : m: forwardSpectra's `if (p > mx) mx = p` (a NaN never enters)
  v2d mx = wasm_f64x2_pmax(zero, pDc);
  mx = wasm_f64x2_pmax(mx, pNy);
  int quarter = half >> 1;
  for (int k = 1; k <= quarter; k++) {
    int j = 2 * (half - k);
    v2d a = z[2 * k], b = z[2 * k + 1], c = z[j], d = z[j + 1];
    v2d er = 0.5 * (a + c);
    v2d or = 0.5 * (b + d);
    double cs = twCos[k], sn = twSin[k];
    v2d oi = -0.5 * (a - c);
    v2d r1 = er + cs * or + sn * oi;
    v2d i1 = 0.5 * (b - d) + cs * oi - sn * or;
    double cs2 = twCos[half - k], sn2 = twSin[half - k];
    v2d oi2 = -0.5 * (c - a);
    v2d r2 = er + cs2 * or + sn2 * oi2;
    v2d i2 = 0.5 * (d - b) + cs2 * oi2 - sn2 * or;
    v2d p1 = r1 * r1 + i1 * i1;
    v2d p2 = r2 * r2 + i2 * i2;
    v2d s1 = wasm_f64x2_sqrt(p1), s2 = wasm_f64x2_sqrt(p2);
    int k2 = half - k;
    reA[k] = r1[0]; reB[k] = r1[1]; imA[k] = i1[0]; imB[k] = i1[1];
    reA[k2] = r2[0]; reB[k2] = r2[1]; imA[k2] = i2[0]; imB[k2] = i2[1];
    powA[k] = p1[0]; powB[k] = p1[1]; magA[k] = s1[0]; magB[k] = s1[1];
    powA[k2] = p2[0]; powB[k2] = p2[1]; magA[k2] = s2[0]; magB[k2] = s2[1];
    mx = wasm_f64x2_pmax(mx, p1);
    mx = wasm_f64x2_pmax(mx, p2);
  }
  frameMax[0] = mx[0];
  frameMax[1] = mx[1];
}
