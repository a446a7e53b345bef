/**
 * Short-time Fourier transform exactly as librosa 0.10.1 frames it: centred frames (frame t is
 * centred on sample t·hop), periodic Hann window (scipy `get_window('hann', n, fftbins=True)`),
 * n_fft 2048, hop 512, and the signal padded by n_fft/2 on both sides with the chosen mode.
 *
 * Spectra are stored frame-major: bin k of frame t is at `t * nBins + k`.
 */
import { RealFft } from './fft';
import { realFftPairKernel } from './wasm/fftKernel';
import { workArray } from './workArrays';

/** numpy.pad modes librosa uses: 'reflect' (old default), 'constant' (zeros, 0.10 default), 'edge'. */
export type PadMode = 'reflect' | 'constant' | 'edge';

export const DEFAULT_N_FFT = 2048;
export const DEFAULT_HOP_SAMPLES = 512;

export interface Stft {
  nFrames: number;
  /** nFft / 2 + 1. */
  nBins: number;
  nFft: number;
  hopSamples: number;
  padMode: PadMode;
  /** Real parts, frame-major nFrames × nBins. */
  re: Float64Array;
  /** Imaginary parts, frame-major nFrames × nBins. */
  im: Float64Array;
}

/** Number of centred frames librosa produces for a signal: 1 + ⌊n / hop⌋. */
export function countFrames(nSamples: number, hopSamples = DEFAULT_HOP_SAMPLES): number {
  return 1 + Math.floor(nSamples / hopSamples);
}

/** Periodic Hann window of length n: 0.5 − 0.5·cos(2πi/n). */
export function periodicHann(n: number): Float64Array {
  const w = new Float64Array(n);
  for (let i = 0; i < n; i++) w[i] = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / n);
  return w;
}

/** Source index for padded position j (may be outside [0, n)) under numpy.pad's `mode`; −1 means zero. */
export function padIndex(j: number, n: number, mode: PadMode): number {
  if (j >= 0 && j < n) return j;
  if (mode === 'constant') return -1;
  if (mode === 'edge') return j < 0 ? 0 : n - 1;
  // reflect (mirror without repeating the edge sample), periodic for pads longer than the signal
  if (n === 1) return 0;
  const period = 2 * (n - 1);
  let m = j % period;
  if (m < 0) m += period;
  return m >= n ? period - m : m;
}

/** y padded with `padSamples` on both sides by numpy.pad's `mode` (into `out` when given). */
export function padSignal(y: ArrayLike<number>, padSamples: number, mode: PadMode, out: Float64Array = new Float64Array(y.length + 2 * padSamples)): Float64Array {
  const n = y.length;
  for (let i = 0; i < n; i++) out[padSamples + i] = y[i] as number;
  for (let j = 0; j < padSamples; j++) {
    const a = padIndex(j - padSamples, n, mode);
    const b = padIndex(n + j, n, mode);
    out[j] = a < 0 ? 0 : (y[a] as number);
    out[padSamples + n + j] = b < 0 ? 0 : (y[b] as number);
  }
  return out;
}

export interface StftOptions {
  padMode: PadMode;
  nFft?: number;
  hopSamples?: number;
  /**
   * An STFT of the same signal with another pad mode: frames that never touch the padding are
   * copied from it instead of recomputed (only the 2–3 edge frames differ between pad modes).
   */
  reuse?: Stft;
}

const fftCache = new Map<number, RealFft>();
/** Shared FFT instance per size (single-threaded per worker, so sharing scratch is safe). */
export function getRealFft(size: number): RealFft {
  let f = fftCache.get(size);
  if (!f) {
    f = new RealFft(size);
    fftCache.set(size, f);
  }
  return f;
}

/** Centred STFT of `y` (librosa.stft with center=True). */
export function computeStft(y: ArrayLike<number>, opts: StftOptions): Stft {
  return runStft(y, opts, true, false).stft as Stft;
}

/** One clip's spectrogram family, computed in one pass over the frames. */
export interface Spectra {
  nFrames: number;
  nBins: number;
  /** |X|², frame-major (as {@link powerSpectrogram}). */
  power: Float64Array;
  /** |X| = √power, frame-major (as {@link magnitudeFromPower}). */
  magnitude: Float64Array;
  /** Each frame's largest |X|² (0 for a silent frame), taken while the frame is in cache. */
  powerFrameMax: Float64Array;
  /** The complex STFT, when asked for (an inverse STFT needs it). */
  stft: Stft | null;
}

/**
 * The STFT's power and magnitude spectrograms (and the complex STFT if `keepComplex`), each
 * frame's |X|² and |X| taken while its spectrum is still in cache: the same numbers as
 * computeStft → powerSpectrogram → magnitudeFromPower, without two more passes over 10 MB arrays
 * (and without the 21 MB complex matrix when nothing inverts it). With `pooled`, every returned
 * array is a reused work array (workArrays.ts), valid only until the next pooled call.
 */
export function computeSpectra(y: ArrayLike<number>, opts: StftOptions & { keepComplex: boolean; pooled?: boolean }): Spectra {
  const r = runStft(y, opts, opts.keepComplex, true, opts.pooled ?? false);
  return { nFrames: r.nFrames, nBins: r.nBins, power: r.power as Float64Array, magnitude: r.magnitude as Float64Array, powerFrameMax: r.powerFrameMax as Float64Array, stft: r.stft };
}

/** Periodic Hann windows by length (an STFT asks for the same 2048-point window every call). */
const hannCache = new Map<number, Float64Array>();
function cachedHann(n: number): Float64Array {
  let w = hannCache.get(n);
  if (!w) {
    w = periodicHann(n);
    hannCache.set(n, w);
  }
  return w;
}

/**
 * One clip's centred, windowed frames and their FFTs, one frame at a time: the framing that
 * computeStft, computeSpectra and the log-mel share. Frames inside the signal read it directly;
 * only the few frames that reach into the padding look up each sample's source (padIndex), so
 * the padded signal is never built (a copy of the whole clip saved).
 */
export class StftFramer {
  readonly nFft: number;
  readonly hopSamples: number;
  readonly nBins: number;
  readonly nFrames: number;
  private readonly half: number;
  private readonly y: ArrayLike<number>;
  private readonly padMode: PadMode;
  private readonly win: Float64Array;
  private readonly fft: RealFft;
  private readonly frame: Float64Array;

  constructor(y: ArrayLike<number>, padMode: PadMode, nFft = DEFAULT_N_FFT, hopSamples = DEFAULT_HOP_SAMPLES) {
    this.nFft = nFft;
    this.hopSamples = hopSamples;
    this.half = nFft >> 1;
    this.nBins = this.half + 1;
    this.nFrames = countFrames(y.length, hopSamples);
    this.y = y;
    this.padMode = padMode;
    this.win = cachedHann(nFft);
    this.fft = getRealFft(nFft);
    this.frame = new Float64Array(nFft);
  }

  /** Whether frame t lies wholly inside the signal (so no pad mode changes it). */
  isInterior(t: number, nSamples: number): boolean {
    const start = t * this.hopSamples; // padded coordinates: original samples start-half .. start+half-1
    return start - this.half >= 0 && start + this.half <= nSamples;
  }

  /** Window frame t and write its bins 0..nFft/2 to re/im from `offset`. */
  transform(t: number, re: Float64Array, im: Float64Array, offset: number): void {
    this.fft.forward(this.window(t), re, im, offset);
  }

  /**
   * {@link transform}, also writing |X|² and |X| to `power`/`magnitude` from `pOffset` as the
   * FFT's split step produces each bin (RealFft.forwardSpectra). Returns the frame's largest |X|².
   */
  transformSpectra(t: number, re: Float64Array, im: Float64Array, offset: number, power: Float64Array, magnitude: Float64Array, pOffset: number): number {
    return this.fft.forwardSpectra(this.window(t), re, im, offset, power, magnitude, pOffset);
  }

  /** Frame t, windowed, in the framer's scratch buffer. */
  private window(t: number): Float64Array {
    this.windowInto(t, this.frame, 1, 0);
    return this.frame;
  }

  /**
   * Frame t, windowed, into out[i·stride + lane] for i < nFft (stride 2: one lane of the wasm
   * kernel's interleaved pair, see wasm/fftKernel.ts).
   */
  windowInto(t: number, out: Float64Array, stride: number, lane: number): void {
    const { y, win, nFft } = this;
    const n = y.length;
    const s0 = t * this.hopSamples - this.half; // signal index of the frame's first sample
    if (s0 >= 0 && s0 + nFft <= n) {
      // four per pass (nFft is a power of two ≥ 4): ~1.4× the one-per-pass loop in V8
      for (let i = 0; i < nFft; i += 4) {
        const j = s0 + i;
        const d = i * stride + lane;
        out[d] = (y[j] as number) * (win[i] as number);
        out[d + stride] = (y[j + 1] as number) * (win[i + 1] as number);
        out[d + 2 * stride] = (y[j + 2] as number) * (win[i + 2] as number);
        out[d + 3 * stride] = (y[j + 3] as number) * (win[i + 3] as number);
      }
    } else {
      // an edge frame: numpy.pad's value for each position, as padSignal would have stored
      for (let i = 0; i < nFft; i++) {
        const j = padIndex(s0 + i, n, this.padMode);
        out[i * stride + lane] = (j < 0 ? 0 : (y[j] as number)) * (win[i] as number);
      }
    }
  }
}

/** The frame loop behind computeStft and computeSpectra: one FFT per frame ({@link StftFramer}). */
function runStft(y: ArrayLike<number>, opts: StftOptions, keepComplex: boolean, spectra: boolean, pooled = false): { nFrames: number; nBins: number; stft: Stft | null; power: Float64Array | null; magnitude: Float64Array | null; powerFrameMax: Float64Array | null } {
  const framer = new StftFramer(y, opts.padMode, opts.nFft ?? DEFAULT_N_FFT, opts.hopSamples ?? DEFAULT_HOP_SAMPLES);
  const { nFft, nBins, nFrames, hopSamples: hop } = framer;
  // every element of these is written below, so stale pooled contents are never read
  const matrix = (key: string): Float64Array => (pooled ? workArray(key, nFrames * nBins, false) : new Float64Array(nFrames * nBins));
  const re = keepComplex ? matrix('stft.re') : null;
  const im = keepComplex ? matrix('stft.im') : null;
  const power = spectra ? matrix('stft.power') : null;
  const magnitude = spectra ? matrix('stft.magnitude') : null;
  const powerFrameMax = spectra ? new Float64Array(nFrames) : null;
  const frameRe = new Float64Array(nBins);
  const frameIm = new Float64Array(nBins);
  const reuse = opts.reuse && opts.reuse.nFrames === nFrames && opts.reuse.nFft === nFft && opts.reuse.hopSamples === hop ? opts.reuse : undefined;
  const kernel = power && magnitude && powerFrameMax && !reuse ? realFftPairKernel(nFft) : undefined;
  if (kernel && power && magnitude && powerFrameMax) {
    // two frames per kernel call (an odd last frame paired with itself, its copy dropped): the
    // same bits as RealFft.forwardSpectra frame by frame (wasm/fftKernel.ts)
    for (let t = 0; t < nFrames; t += 2) {
      const u = t + 1 < nFrames ? t + 1 : t;
      framer.windowInto(t, kernel.input, 2, 0);
      framer.windowInto(u, kernel.input, 2, 1);
      kernel.run();
      const o = t * nBins;
      power.set(kernel.powA, o);
      magnitude.set(kernel.magA, o);
      re?.set(kernel.reA, o);
      im?.set(kernel.imA, o);
      powerFrameMax[t] = kernel.frameMax[0] as number;
      if (u === t) break;
      const o2 = o + nBins;
      power.set(kernel.powB, o2);
      magnitude.set(kernel.magB, o2);
      re?.set(kernel.reB, o2);
      im?.set(kernel.imB, o2);
      powerFrameMax[u] = kernel.frameMax[1] as number;
    }
  }
  const n = y.length;
  for (let t = 0; t < (kernel ? 0 : nFrames); t++) {
    const o = t * nBins;
    if (!(reuse && framer.isInterior(t, n))) {
      // the kept matrices, or per-frame scratch
      const sRe = re ?? frameRe;
      const sIm = im ?? frameIm;
      const so = re ? o : 0;
      // |X|² and |X| are taken in the FFT's split step, while each bin is in registers
      if (power && magnitude && powerFrameMax) powerFrameMax[t] = framer.transformSpectra(t, sRe, sIm, so, power, magnitude, o);
      else framer.transform(t, sRe, sIm, so);
      continue;
    }
    if (re && im) {
      re.set(reuse.re.subarray(o, o + nBins), o);
      im.set(reuse.im.subarray(o, o + nBins), o);
    }
    if (power && magnitude && powerFrameMax) {
      let mx = 0;
      for (let k = 0; k < nBins; k++) {
        const a = reuse.re[o + k] as number;
        const b = reuse.im[o + k] as number;
        const p = a * a + b * b;
        power[o + k] = p;
        magnitude[o + k] = Math.sqrt(p);
        if (p > mx) mx = p;
      }
      powerFrameMax[t] = mx;
    }
  }
  const stft = re && im ? { nFrames, nBins, nFft, hopSamples: hop, padMode: opts.padMode, re, im } : null;
  return { nFrames, nBins, stft, power, magnitude, powerFrameMax };
}

/** |X|² per bin, frame-major. */
export function powerSpectrogram(s: Stft): Float64Array {
  const out = new Float64Array(s.re.length);
  for (let i = 0; i < out.length; i++) {
    const a = s.re[i] as number;
    const b = s.im[i] as number;
    out[i] = a * a + b * b;
  }
  return out;
}

/** |X| per bin, frame-major (from a power spectrogram, to share the work). */
export function magnitudeFromPower(power: Float64Array): Float64Array {
  const out = new Float64Array(power.length);
  for (let i = 0; i < out.length; i++) out[i] = Math.sqrt(power[i] as number);
  return out;
}

/** Centre frequency of each STFT bin in Hz: k·sr/nFft (librosa.fft_frequencies). */
export function fftFrequenciesHz(sampleRateHz: number, nFft = DEFAULT_N_FFT): Float64Array {
  const nBins = (nFft >> 1) + 1;
  const f = new Float64Array(nBins);
  for (let k = 0; k < nBins; k++) f[k] = (k * sampleRateHz) / nFft;
  return f;
}

/**
 * Inverse STFT of two spectrograms at once (librosa.istft, center=True, no `length`): windowed
 * overlap-add divided by the summed squared window where that sum exceeds float32 `tiny`, then
 * the first nFft/2 samples dropped. Output length is hop·(nFrames − 1), as librosa returns.
 */
export function inverseStftPair(
  aRe: Float64Array, aIm: Float64Array, bRe: Float64Array, bIm: Float64Array,
  nFrames: number, nFft = DEFAULT_N_FFT, hopSamples = DEFAULT_HOP_SAMPLES,
): [Float64Array, Float64Array] {
  const fft = getRealFft(nFft);
  const nBins = (nFft >> 1) + 1;
  const ola = new OverlapAdd(nFrames, nFft, hopSamples);
  for (let t = 0; t < nFrames; t++) {
    fft.inversePair(aRe, aIm, bRe, bIm, t * nBins, ola.frameA, ola.frameB);
    ola.add(t);
  }
  return ola.finish();
}

/**
 * Inverse STFT of S·mask (an HPSS part) without materialising the masked spectrum; same
 * conventions and output length as {@link inverseStftPair}. Frames go through the FFT two at a
 * time (frame t as the real part, t + 1 as the imaginary part), half the transforms of one each.
 * With `pooled`, the result is a reused work array (valid until the next pooled call).
 */
export function inverseStftMasked(s: Stft, mask: Float64Array, pooled = false): Float64Array {
  const fft = getRealFft(s.nFft);
  const ola = new OverlapAdd(s.nFrames, s.nFft, s.hopSamples, false, pooled);
  for (let t = 0; t < s.nFrames; t += 2) {
    // an odd last frame is paired with itself and its copy ignored
    const u = t + 1 < s.nFrames ? t + 1 : t;
    const z = fft.inverseMaskedPairRaw(s.re, s.im, mask, t * s.nBins, mask, u * s.nBins);
    if (u !== t) ola.addInterleavedRawPair(t, z);
    else ola.addInterleavedRawPart(t, z, 0);
  }
  return ola.finish()[0];
}

let windowSumCache: { key: string; sum: Float64Array } | null = null;
/**
 * Σ_t w²[j − t·hop + nFft/2] over the frames covering output sample j (the centred, trimmed
 * istft output of nFrames frames): what librosa's window_sumsquare divides by. It depends on the
 * frame count only, not the signal, so it is built once and reused for every clip of the same
 * length (all 30 s clips). Frames are added in ascending order from 0, the order the
 * overlap-add used to accumulate it in, so the sums are the same to the last bit.
 */
function windowSquareSum(nFrames: number, nFft: number, hop: number): Float64Array {
  const key = `${nFrames}/${nFft}/${hop}`;
  if (windowSumCache?.key === key) return windowSumCache.sum;
  const win = cachedHann(nFft);
  const half = nFft >> 1;
  const sum = new Float64Array(Math.max(0, hop * (nFrames - 1)));
  for (let t = 0; t < nFrames; t++) {
    const o = t * hop - half;
    const i1 = Math.min(nFft, sum.length - o);
    for (let i = Math.max(0, -o); i < i1; i++) {
      const w = win[i] as number;
      sum[o + i] = (sum[o + i] as number) + w * w;
    }
  }
  windowSumCache = { key, sum };
  return sum;
}

/** Windowed overlap-add of two signals (or one) straight into the centred, trimmed outputs. */
class OverlapAdd {
  readonly frameA: Float64Array;
  readonly frameB: Float64Array;
  private readonly a: Float64Array;
  private readonly b: Float64Array;
  private readonly wss: Float64Array;
  private readonly win: Float64Array;
  private readonly winOverN: Float64Array;
  private readonly half: number;
  /** Output samples below this index are final and already divided by the window sum. */
  private settled = 0;
  constructor(nFrames: number, private readonly nFft: number, private readonly hop: number, pair = true, pooled = false) {
    this.half = nFft >> 1;
    const outLen = Math.max(0, hop * (nFrames - 1));
    // accumulators: pooled ones are zeroed first; the window sum is shared and only read
    this.a = pooled ? workArray('istft.out', outLen, true) : new Float64Array(outLen);
    this.b = new Float64Array(pair ? outLen : 0);
    this.wss = windowSquareSum(nFrames, nFft, hop);
    this.frameA = new Float64Array(nFft);
    this.frameB = new Float64Array(nFft);
    this.win = cachedHann(nFft);
    this.winOverN = this.win.map((w) => w / nFft);
  }
  /** Add frame t (frameA/frameB hold its inverse FFTs). */
  add(t: number): void {
    const { a, b, win, frameA, frameB } = this;
    const o = t * this.hop - this.half; // output index of frame sample 0
    const i0 = Math.max(0, -o);
    const i1 = Math.min(this.nFft, a.length - o);
    for (let i = i0; i < i1; i++) {
      const w = win[i] as number;
      const j = o + i;
      a[j] = (a[j] as number) + w * (frameA[i] as number);
      b[j] = (b[j] as number) + w * (frameB[i] as number);
    }
    this.settle(o + this.hop);
  }
  /**
   * Add frame t to the first output, given as one part of fft.js interleaved output of the
   * unscaled conjugate trick (see RealFft.inverseMaskedPairRaw): part 0 holds re = N·x, part 1
   * holds im = −N·x.
   */
  addInterleavedRawPart(t: number, z: Float64Array, part: 0 | 1): void {
    const { a, winOverN } = this;
    const o = t * this.hop - this.half;
    const i0 = Math.max(0, -o);
    const i1 = Math.min(this.nFft, a.length - o);
    const sign = part === 0 ? 1 : -1;
    for (let i = i0; i < i1; i++) {
      const j = o + i;
      a[j] = (a[j] as number) + sign * (winOverN[i] as number) * (z[2 * i + part] as number);
    }
  }
  /**
   * addInterleavedRawPart(t, z, 0) then addInterleavedRawPart(t + 1, z, 1) in one pass over the
   * output: where the two frames overlap, each sample is read and written once, frame t's term
   * added first as before.
   */
  addInterleavedRawPair(t: number, z: Float64Array): void {
    const { a, winOverN, nFft, hop } = this;
    const o = t * hop - this.half; // output index of frame t's sample 0; frame t + 1 starts hop later
    const i0 = Math.max(0, -o);
    const i1 = Math.min(nFft + hop, a.length - o);
    const e1 = Math.min(hop, nFft, i1);
    for (let i = i0; i < e1; i++) a[o + i] = (a[o + i] as number) + (winOverN[i] as number) * (z[2 * i] as number);
    const e2 = Math.min(nFft, i1);
    for (let i = Math.max(i0, hop); i < e2; i++) {
      const k = i - hop;
      a[o + i] = (a[o + i] as number) + (winOverN[i] as number) * (z[2 * i] as number) + -(winOverN[k] as number) * (z[2 * k + 1] as number);
    }
    for (let i = Math.max(i0, nFft, hop); i < i1; i++) {
      const k = i - hop;
      a[o + i] = (a[o + i] as number) + -(winOverN[k] as number) * (z[2 * k + 1] as number);
    }
    this.settle(o + 2 * hop);
  }
  /**
   * Divide output samples settled … end − 1 by the window sum (librosa's istft, where the sum
   * exceeds float32 tiny). Frames are added in ascending order, so once frame t is in, no later
   * frame reaches below frame t + 1's first sample: those samples are final, and dividing them now,
   * just after the overlap-add wrote them, reads them from cache instead of in a last pass over
   * the whole output. The same division of the same sums either way.
   */
  private settle(end: number): void {
    const { a, b, wss } = this;
    const stop = Math.min(end, a.length);
    const tiny = 1.1754943508222875e-38; // np.finfo(float32).tiny: librosa's window sum is float32
    const pair = b.length > 0;
    for (let i = this.settled; i < stop; i++) {
      const w = wss[i] as number;
      if (w > tiny) {
        a[i] = (a[i] as number) / w;
        if (pair) b[i] = (b[i] as number) / w;
      }
    }
    if (stop > this.settled) this.settled = stop;
  }
  finish(): [Float64Array, Float64Array] {
    this.settle(this.a.length);
    return [this.a, this.b];
  }
}
