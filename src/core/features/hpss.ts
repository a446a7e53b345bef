/**
 * Harmonic/percussive separation as librosa.decompose.hpss(S, kernel_size=31, power=2,
 * mask=False, margin=1): median filters of the magnitude (31 frames along time for harmonic,
 * 31 bins along frequency for percussive, scipy.ndimage.median_filter mode='reflect'), then
 * soft masks H²/(H²+P²) (0.5 where both are below float32 tiny). Own DSP.
 *
 * The median filters are the hot spot (librosa spends most of its 2 s here). With kernel 31,
 * both sides ≥ 8 and a non-negative input (a magnitude), they and the soft masks run in the
 * WebAssembly SIMD kernel (wasm/hpssKernel.ts: eight branch-free sorted windows at once, ~3.5×
 * faster) where the engine has SIMD; elsewhere, or with `simd` false, in TypeScript: a sorted
 * sliding window of 31 values updated by one binary-search delete + insert per step. Both give
 * the same bits.
 */

import { HPSS_KERNEL_MIN_SIDE, type HpssKernel, hpssKernel } from './wasm/hpssKernel';
import { workArray } from './workArrays';

const FLOAT32_TINY = 1.1754943508222875e-38;

/** scipy.ndimage 'reflect' boundary (d c b a | a b c d | d c b a): index for position j. */
function reflectHalf(j: number, n: number): number {
  if (n === 1) return 0;
  const period = 2 * n;
  let m = j % period;
  if (m < 0) m += period;
  return m >= n ? period - 1 - m : m;
}

/**
 * Copy `n` values (src[offset + i·stride]) with their scipy-reflected borders into the contiguous
 * scratch `ext` (length ≥ n + kernel − 1), sort the first window into `win` (length kernel) and
 * write the first median to dst[offset].
 */
function startRow(src: Float64Array, offset: number, stride: number, n: number, kernel: number, dst: Float64Array, win: Float64Array, ext: Float64Array): void {
  const h = kernel >> 1;
  if (n > h) {
    for (let j = 0; j < h; j++) {
      ext[h - 1 - j] = src[offset + j * stride] as number;
      ext[n + h + j] = src[offset + (n - 1 - j) * stride] as number;
    }
    for (let j = 0; j < n; j++) ext[h + j] = src[offset + j * stride] as number;
  } else for (let j = 0; j < n + 2 * h; j++) ext[j] = src[offset + reflectHalf(j - h, n) * stride] as number;
  for (let i = 0; i < kernel; i++) win[i] = ext[i] as number;
  win.sort();
  dst[offset] = win[h] as number;
}

/**
 * Sliding median of `n` values (src[offset + i·stride]) with window `kernel` (odd) and scipy
 * reflect boundaries, written to dst at the same positions (dst may be src: the row is copied to
 * `ext` first); `win` holds the sorted window.
 */
function slidingMedian(src: Float64Array, offset: number, stride: number, n: number, kernel: number, dst: Float64Array, win: Float64Array, ext: Float64Array): void {
  const h = kernel >> 1;
  startRow(src, offset, stride, n, kernel, dst, win, ext);
  const last = kernel - 1;
  if (kernel === 31) {
    slide31(ext, n, dst, offset, stride, win);
    return;
  }
  for (let i = 1; i < n; i++) {
    const outV = ext[i - 1] as number;
    const inV = ext[i + 2 * h] as number;
    if (outV !== inV) {
      // locate outV (binary search for its leftmost occurrence)
      let lo = 0;
      let hi = last;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if ((win[mid] as number) < outV) lo = mid + 1;
        else hi = mid;
      }
      let pos = lo;
      // slide inV into place, shifting neighbours over the removed slot
      if (inV > outV) {
        while (pos < last) {
          const nx = win[pos + 1] as number;
          if (nx >= inV) break;
          win[pos] = nx;
          pos++;
        }
      } else {
        while (pos > 0) {
          const pv = win[pos - 1] as number;
          if (pv <= inV) break;
          win[pos] = pv;
          pos--;
        }
      }
      win[pos] = inV;
    }
    dst[offset + i * stride] = win[h] as number;
  }
}

/**
 * Rank of v in the sorted 31-value window (how many values are below v, i.e. its leftmost slot):
 * a branch-free binary search (Number(bool) compiles to a flag, not a jump).
 */
function rankIn31(win: Float64Array, v: number): number {
  let p = Number((win[15] as number) < v) << 4;
  p += Number((win[p + 7] as number) < v) << 3;
  p += Number((win[p + 3] as number) < v) << 2;
  p += Number((win[p + 1] as number) < v) << 1;
  return p + Number((win[p] as number) < v);
}

/** Remove the value in slot p and insert v, q values being below v before the removal. */
function replaceIn31(win: Float64Array, p: number, q: number, v: number): void {
  if (q > p) {
    q--;
    for (let k = p; k < q; k++) win[k] = win[k + 1] as number;
  } else for (let k = p; k > q; k--) win[k] = win[k - 1] as number;
  win[q] = v;
}

/**
 * The kernel-31 case (librosa's default): both ranks by {@link rankIn31}, then one bounded
 * shift. About 30 % faster than the generic loop, which mispredicts its exits.
 */
function slide31(ext: Float64Array, n: number, dst: Float64Array, offset: number, stride: number, win: Float64Array): void {
  for (let i = 1; i < n; i++) {
    const inV = ext[i + 30] as number;
    replaceIn31(win, rankIn31(win, ext[i - 1] as number), rankIn31(win, inV), inV);
    dst[offset + i * stride] = win[15] as number;
  }
}

/**
 * {@link slide31} on two contiguous rows at once (dst[oA + i], dst[oB + i]). The two windows are
 * independent, so interleaving their searches and shifts lets the CPU overlap one row's load
 * chain with the other's mispredicted shift exit: ~15 % faster than one row at a time.
 */
function slide31Pair(extA: Float64Array, extB: Float64Array, n: number, dst: Float64Array, oA: number, oB: number, wA: Float64Array, wB: Float64Array): void {
  for (let i = 1; i < n; i++) {
    const inA = extA[i + 30] as number;
    const inB = extB[i + 30] as number;
    const p = rankIn31(wA, extA[i - 1] as number);
    const r = rankIn31(wB, extB[i - 1] as number);
    const q = rankIn31(wA, inA);
    const s = rankIn31(wB, inB);
    replaceIn31(wA, p, q, inA);
    dst[oA + i] = wA[15] as number;
    replaceIn31(wB, r, s, inB);
    dst[oB + i] = wB[15] as number;
  }
}

/** Sliding median along each of `nRows` contiguous rows of length n (src row r at r·n), into dst (may be src). */
function medianRows(src: Float64Array, nRows: number, n: number, kernel: number, dst: Float64Array): void {
  const win = new Float64Array(kernel);
  const ext = new Float64Array(n + kernel);
  let r = 0;
  if (kernel === 31) {
    const winB = new Float64Array(kernel);
    const extB = new Float64Array(n + kernel);
    for (; r + 1 < nRows; r += 2) {
      startRow(src, r * n, 1, n, kernel, dst, win, ext);
      startRow(src, (r + 1) * n, 1, n, kernel, dst, winB, extB);
      slide31Pair(ext, extB, n, dst, r * n, (r + 1) * n, win, winB);
    }
  }
  for (; r < nRows; r++) slidingMedian(src, r * n, 1, n, kernel, dst, win, ext);
}

/** Cache-blocked transpose of a row-major rows × cols matrix into dst (cols × rows). */
function transpose(src: Float64Array, rows: number, cols: number, dst: Float64Array): void {
  const B = 32; // 32 × 32 doubles = 8 KiB per tile: source and destination tiles stay in L1
  for (let r0 = 0; r0 < rows; r0 += B) {
    const r1 = Math.min(rows, r0 + B);
    for (let c0 = 0; c0 < cols; c0 += B) {
      const c1 = Math.min(cols, c0 + B);
      for (let r = r0; r < r1; r++) {
        const so = r * cols;
        for (let c = c0; c < c1; c++) dst[c * rows + r] = src[so + c] as number;
      }
    }
  }
}

/** The WebAssembly kernel loaded with `mag` when it applies (see the file comment), else undefined. */
function loadedKernel(mag: Float64Array, nFrames: number, nBins: number, kernel: number, simd: boolean): HpssKernel | undefined {
  if (!simd || kernel !== 31 || nFrames < HPSS_KERNEL_MIN_SIDE || nBins < HPSS_KERNEL_MIN_SIDE) return undefined;
  const k = hpssKernel();
  return k?.load(mag, nFrames, nBins) ? k : undefined;
}

/**
 * Median filter of a frame-major nFrames × nBins matrix along time (per bin) or along frequency
 * (per frame), into `out` when given (every element is written). `simd` false keeps to the
 * TypeScript filters (same values).
 */
export function medianFilter(mag: Float64Array, nFrames: number, nBins: number, kernel: number, axis: 'time' | 'frequency', out: Float64Array = new Float64Array(mag.length), simd = true): Float64Array {
  const wasm = loadedKernel(mag, nFrames, nBins, kernel, simd);
  if (wasm) {
    wasm.median(axis, out);
    return out;
  }
  if (axis === 'frequency') {
    medianRows(mag, nFrames, nBins, kernel, out);
    return out;
  }
  // Along time, each bin's sequence is strided by nBins (8 KiB apart): reading and writing it in
  // place touches a new cache line and page per value, which made this filter ~1.7× slower than
  // the frequency one. Filtering a tiled transpose row by row (in place: each row is copied into
  // scratch before it is written) and transposing back costs two cheap passes instead.
  const byBin = workArray('hpss.byBin', mag.length, false); // fully overwritten by the transpose
  transpose(mag, nFrames, nBins, byBin);
  medianRows(byBin, nBins, nFrames, kernel, byBin);
  transpose(byBin, nBins, nFrames, out);
  return out;
}

export interface HpssMasks {
  /** Harmonic soft mask, frame-major like the input. */
  harmonic: Float64Array;
  /** Percussive soft mask (1 − harmonic except where both medians vanish: 0.5 each). */
  percussive: Float64Array;
}

/** Soft masks from the magnitude spectrogram (frame-major nFrames × nBins), into `out` when given. */
export function computeHpssMasks(mag: Float64Array, nFrames: number, nBins: number, kernel = 31, out?: HpssMasks, simd = true): HpssMasks {
  const wasm = loadedKernel(mag, nFrames, nBins, kernel, simd);
  if (wasm) {
    const masks = out ?? { harmonic: new Float64Array(mag.length), percussive: new Float64Array(mag.length) };
    wasm.masks(masks.harmonic, masks.percussive);
    return masks;
  }
  const harm = medianFilter(mag, nFrames, nBins, kernel, 'time', out?.harmonic, false);
  const perc = medianFilter(mag, nFrames, nBins, kernel, 'frequency', out?.percussive, false);
  softMasks(harm, perc, true); // masks reuse the median buffers
  return { harmonic: harm, percussive: perc };
}

/**
 * The harmonic soft mask alone (same numbers as {@link computeHpssMasks}' `harmonic`), into
 * `out.harmonic` when given; `out.percussive` is scratch for the percussive median. Enough for a
 * caller that inverts only the harmonic part: the recipes take the percussive signal as y − that.
 * (The WebAssembly kernel keeps its medians in its own memory and leaves `out.percussive` alone.)
 */
export function computeHarmonicMask(mag: Float64Array, nFrames: number, nBins: number, kernel = 31, out?: HpssMasks, simd = true): Float64Array {
  const wasm = loadedKernel(mag, nFrames, nBins, kernel, simd);
  if (wasm) {
    const harm = out?.harmonic ?? new Float64Array(mag.length);
    wasm.masks(harm);
    return harm;
  }
  const harm = medianFilter(mag, nFrames, nBins, kernel, 'time', out?.harmonic, false);
  softMasks(harm, medianFilter(mag, nFrames, nBins, kernel, 'frequency', out?.percussive, false), false);
  return harm;
}

/**
 * librosa.util.softmask(H, P, power=2) and its complement, in place over the two medians:
 * H²/(H²+P²) after scaling both by z = max(H, P), 0.5 where z < float32 tiny. One of H/z, P/z
 * is exactly 1 (x/x), so with r = min/max the masks are 1/(1+r²) and r²/(r²+1): the same
 * roundings as dividing both by z and squaring, in one division (two with the percussive mask)
 * instead of four. With `percussive` false, `perc` keeps the medians. hpssMedian.c's softMask2
 * does the same operations in the same order (same bits).
 */
function softMasks(harm: Float64Array, perc: Float64Array, percussive: boolean): void {
  for (let i = 0; i < harm.length; i++) {
    const h = harm[i] as number;
    const p = perc[i] as number;
    const hWins = h > p;
    const z = hWins ? h : p;
    if (z < FLOAT32_TINY) {
      harm[i] = 0.5;
      if (percussive) perc[i] = 0.5;
      continue;
    }
    const r = (hWins ? p : h) / z;
    const r2 = r * r;
    const den = 1 + r2;
    harm[i] = (hWins ? 1 : r2) / den;
    if (percussive) perc[i] = (hWins ? r2 : 1) / den;
  }
}

/** Naive median filter of one row (sorts every window), scipy 'reflect' borders — the test reference. */
export function medianFilterNaive(row: Float64Array, kernel: number): Float64Array {
  const n = row.length;
  const h = kernel >> 1;
  const out = new Float64Array(n);
  const w = new Float64Array(kernel);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < kernel; j++) w[j] = row[reflectHalf(i - h + j, n)] as number;
    w.sort();
    out[i] = w[h] as number;
  }
  return out;
}
