/**
 * Chromagram as librosa 0.10.1 chroma_stft(S=power): tuning from estimate_tuning (piptrack on the
 * power spectrogram, 150–4000 Hz, threshold 0.1·frame max, histogram at 0.01 semitone), the
 * librosa.filters.chroma bank (ctroct 5, octwidth 2, base_c, L2-normalised columns, float32),
 * then each frame divided by its max (norm=inf). Our own DSP: Meyda's chroma has no tuning
 * estimate and works on the amplitude spectrum, so it cannot agree.
 */

const FLOAT32_TINY = 1.1754943508222875e-38;

/** librosa.hz_to_octs: log2(f / (A440·2^(tuning/bins)/16)). */
function hzToOcts(hz: number, tuning: number, binsPerOctave: number): number {
  const a440 = 440 * Math.pow(2, tuning / binsPerOctave);
  return Math.log2(hz / (a440 / 16));
}

/**
 * librosa.pitch_tuning(frequencies, resolution=0.01, bins_per_octave): peak of the histogram of
 * semitone residuals in [−0.5, 0.5). Returns 0 for an empty set.
 */
export function pitchTuning(frequenciesHz: ArrayLike<number>, resolution = 0.01, binsPerOctave = 12): number {
  const nEdges = Math.ceil(1 / resolution) + 1;
  const nHist = nEdges - 1;
  const edges = new Float64Array(nEdges);
  const step = 1 / (nEdges - 1);
  for (let i = 0; i < nEdges; i++) edges[i] = i * step - 0.5;
  edges[nEdges - 1] = 0.5;
  const counts = new Int32Array(nHist);
  let any = false;
  for (let i = 0; i < frequenciesHz.length; i++) {
    const f = frequenciesHz[i] as number;
    if (!(f > 0)) continue;
    any = true;
    // librosa computes this in float32 (pitches are float32)
    let r = Math.fround(binsPerOctave * Math.fround(hzToOcts(f, 0, binsPerOctave)));
    r = r - Math.floor(r);
    r = Math.fround(r);
    if (r >= 0.5) r -= 1;
    // numpy.histogram's uniform-bin index with its edge corrections
    let idx = Math.floor((r - -0.5) * (nHist / 1));
    if (idx >= nHist) idx = nHist - 1;
    if (idx < 0) idx = 0;
    if (r < (edges[idx] as number)) idx--;
    else if (idx < nHist - 1 && r >= (edges[idx + 1] as number)) idx++;
    if (idx >= 0 && idx < nHist) counts[idx] = (counts[idx] as number) + 1;
  }
  if (!any) return 0;
  let best = 0;
  for (let i = 1; i < nHist; i++) if ((counts[i] as number) > (counts[best] as number)) best = i;
  return edges[best] as number;
}

/**
 * librosa.estimate_tuning(S=power, sr, n_fft, bins_per_octave=12) via piptrack(fmin 150, fmax 4000,
 * threshold 0.1). `power` is frame-major nFrames × nBins. Result in fractions of a bin (semitone).
 * `frameMax`, when given, is each frame's largest power value (computeSpectra's powerFrameMax),
 * which saves a pass over the spectrogram.
 */
export function estimateTuning(power: Float64Array, nFrames: number, nBins: number, sampleRateHz: number, nFft = 2048, frameMax?: Float64Array): number {
  const fMin = 150;
  const fMax = Math.min(4000, sampleRateHz / 2);
  let kLo = nBins;
  let kHi = 0;
  for (let k = 0; k < nBins; k++) {
    const f = (k * sampleRateHz) / nFft;
    if (f >= fMin && f < fMax) {
      if (k < kLo) kLo = k;
      kHi = k + 1;
    }
  }
  let pitches = new Float64Array(1024);
  let mags = new Float64Array(1024);
  let count = 0;
  for (let t = 0; t < nFrames; t++) {
    const o = t * nBins;
    let mx = 0;
    if (frameMax) mx = frameMax[t] as number;
    else
      for (let k = 0; k < nBins; k++) {
        const v = power[o + k] as number;
        if (v > mx) mx = v;
      }
    const ref = 0.1 * mx;
    for (let k = Math.max(kLo, 1); k < kHi && k < nBins - 1; k++) {
      // util.localmax along frequency of the thresholded S·(S > ref): x[k] > x[k−1] and x[k] ≥ x[k+1]
      const xk = power[o + k] as number;
      const x = xk > ref ? xk : 0;
      const xm0 = power[o + k - 1] as number;
      const xp0 = power[o + k + 1] as number;
      if (!(x > (xm0 > ref ? xm0 : 0) && x >= (xp0 > ref ? xp0 : 0))) continue;
      const s0 = power[o + k] as number;
      const sm = power[o + k - 1] as number;
      const sp = power[o + k + 1] as number;
      // parabolic interpolation stencil (librosa 0.10 _pi_stencil) on the unthresholded S
      const a = sp + sm - 2 * s0;
      const b = (sp - sm) / 2;
      const shift = Math.abs(b) >= Math.abs(a) ? 0 : -b / a;
      const avg = (sp - sm) / 2; // np.gradient interior
      const pitch = Math.fround(((k + shift) * sampleRateHz) / nFft);
      const mag = Math.fround(s0 + 0.5 * avg * shift);
      if (count === pitches.length) {
        const np2 = new Float64Array(count * 2);
        np2.set(pitches);
        pitches = np2;
        const nm2 = new Float64Array(count * 2);
        nm2.set(mags);
        mags = nm2;
      }
      pitches[count] = pitch;
      mags[count] = mag;
      count++;
    }
  }
  // threshold = median of mags where pitch > 0
  const pos: number[] = [];
  for (let i = 0; i < count; i++) if ((pitches[i] as number) > 0) pos.push(i);
  if (pos.length === 0) return 0;
  const sorted = Float64Array.from(pos, (i) => mags[i] as number).sort();
  const m = sorted.length;
  const threshold = m % 2 === 1 ? (sorted[(m - 1) >> 1] as number) : ((sorted[m / 2 - 1] as number) + (sorted[m / 2] as number)) / 2;
  const sel: number[] = [];
  for (const i of pos) if ((mags[i] as number) >= threshold) sel.push(pitches[i] as number);
  return pitchTuning(sel, 0.01, 12);
}

export interface ChromaFilterbank {
  nChroma: number;
  nBins: number;
  /** Row-major nChroma × nBins. */
  weights: Float64Array;
}

const bankCache = new Map<string, ChromaFilterbank>();
/**
 * librosa.filters.chroma(sr, n_fft, tuning, n_chroma=12, ctroct=5, octwidth=2, norm=2,
 * base_c=True); cached, as tuning takes few values (0.01-semitone steps) and clips repeat them.
 */
export function chromaFilterbank(sampleRateHz: number, nFft: number, tuning: number, nChroma = 12): ChromaFilterbank {
  const key = `${sampleRateHz}/${nFft}/${tuning}/${nChroma}`;
  let fb = bankCache.get(key);
  if (!fb) {
    if (bankCache.size >= 16) bankCache.delete(bankCache.keys().next().value as string); // oldest first
    fb = buildChromaFilterbank(sampleRateHz, nFft, tuning, nChroma);
    bankCache.set(key, fb);
  }
  return fb;
}

function buildChromaFilterbank(sampleRateHz: number, nFft: number, tuning: number, nChroma: number): ChromaFilterbank {
  const ctroct = 5;
  const octwidth = 2;
  const frqbins = new Float64Array(nFft);
  for (let i = 1; i < nFft; i++) frqbins[i] = nChroma * hzToOcts((i * sampleRateHz) / nFft, tuning, nChroma);
  frqbins[0] = (frqbins[1] as number) - 1.5 * nChroma;
  const binwidth = new Float64Array(nFft);
  for (let i = 0; i < nFft - 1; i++) binwidth[i] = Math.max((frqbins[i + 1] as number) - (frqbins[i] as number), 1);
  binwidth[nFft - 1] = 1;
  const nChroma2 = Math.round(nChroma / 2);
  const full = new Float64Array(nChroma * nFft);
  for (let i = 0; i < nFft; i++) {
    let norm2 = 0;
    for (let c = 0; c < nChroma; c++) {
      const x = (frqbins[i] as number) - c + nChroma2 + 10 * nChroma;
      // np.remainder (result has the sign of the divisor)
      const d = x - nChroma * Math.floor(x / nChroma) - nChroma2;
      const z = (2 * d) / (binwidth[i] as number);
      const w = Math.exp(-0.5 * z * z);
      full[c * nFft + i] = w;
      norm2 += w * w;
    }
    const norm = Math.sqrt(norm2);
    const scale = norm < 2.2250738585072014e-308 ? 1 : norm;
    const oct = Math.exp(-0.5 * Math.pow(((frqbins[i] as number) / nChroma - ctroct) / octwidth, 2));
    for (let c = 0; c < nChroma; c++) full[c * nFft + i] = ((full[c * nFft + i] as number) / scale) * oct;
  }
  // base_c: roll by −3 rows so row 0 is C; keep the first nFft/2+1 columns; store as float32
  const nBins = (nFft >> 1) + 1;
  const shift = 3 * Math.floor(nChroma / 12);
  const weights = new Float64Array(nChroma * nBins);
  for (let c = 0; c < nChroma; c++) {
    const src = (c + shift) % nChroma;
    for (let k = 0; k < nBins; k++) weights[c * nBins + k] = Math.fround(full[src * nFft + k] as number);
  }
  return { nChroma, nBins, weights };
}

/**
 * Sparse copy of the bank: per chroma row, the bins whose weight is at least 1e−12 of that bin's
 * largest weight. The Gaussian bumps leave ~40 % of entries below that, and dropping them changes
 * a max-normalised chroma value by at most 12e−12.
 */
function sparseRows(fb: ChromaFilterbank): { bins: Int32Array[]; weights: Float64Array[] } {
  const { nChroma, nBins, weights } = fb;
  const colMax = new Float64Array(nBins);
  for (let c = 0; c < nChroma; c++) for (let k = 0; k < nBins; k++) colMax[k] = Math.max(colMax[k] as number, weights[c * nBins + k] as number);
  const bins: Int32Array[] = [];
  const ws: Float64Array[] = [];
  for (let c = 0; c < nChroma; c++) {
    const keep: number[] = [];
    for (let k = 0; k < nBins; k++) if ((weights[c * nBins + k] as number) >= 1e-12 * (colMax[k] as number) && (weights[c * nBins + k] as number) > 0) keep.push(k);
    bins.push(Int32Array.from(keep));
    ws.push(Float64Array.from(keep, (k) => weights[c * nBins + k] as number));
  }
  return { bins, weights: ws };
}

const binMajorCache = new WeakMap<ChromaFilterbank, Float32Array>();
/**
 * The bank's weights bin-major (nBins × 12), so frames are read in order. Float32 holds them
 * exactly (librosa's bank is float32, and buildChromaFilterbank rounds to it) in half the cache.
 */
function binMajor12(fb: ChromaFilterbank): Float32Array {
  let w = binMajorCache.get(fb);
  if (!w) {
    w = new Float32Array(fb.nBins * 12);
    for (let c = 0; c < 12; c++) for (let k = 0; k < fb.nBins; k++) w[k * 12 + c] = fb.weights[c * fb.nBins + k] as number;
    binMajorCache.set(fb, w);
  }
  return w;
}

function put3(out: Float64Array, o: number, x: number, y: number, z: number): void {
  out[o] = x;
  out[o + 1] = y;
  out[o + 2] = z;
}

/**
 * Chroma sums of four frames t … t+3 at once, three chroma rows per pass over the bins: each
 * weight is loaded once for four frames (12 accumulators, as many as stay in registers). Every
 * sum still runs over bins in ascending order, so the values are those of one frame at a time.
 */
function chromaFourFrames(power: Float64Array, t: number, nBins: number, w: Float32Array, out: Float64Array): void {
  const p0 = t * nBins;
  const p1 = p0 + nBins;
  const p2 = p1 + nBins;
  const p3 = p2 + nBins;
  for (let c = 0; c < 12; c += 3) {
    let a0 = 0, a1 = 0, a2 = 0, b0 = 0, b1 = 0, b2 = 0, c0 = 0, c1 = 0, c2 = 0, d0 = 0, d1 = 0, d2 = 0;
    for (let k = 0; k < nBins; k++) {
      const pa = power[p0 + k] as number;
      const pb = power[p1 + k] as number;
      const pc = power[p2 + k] as number;
      const pd = power[p3 + k] as number;
      const o = k * 12 + c;
      const w0 = w[o] as number;
      const w1 = w[o + 1] as number;
      const w2 = w[o + 2] as number;
      a0 += w0 * pa;
      a1 += w1 * pa;
      a2 += w2 * pa;
      b0 += w0 * pb;
      b1 += w1 * pb;
      b2 += w2 * pb;
      c0 += w0 * pc;
      c1 += w1 * pc;
      c2 += w2 * pc;
      d0 += w0 * pd;
      d1 += w1 * pd;
      d2 += w2 * pd;
    }
    const oo = t * 12 + c;
    put3(out, oo, a0, a1, a2);
    put3(out, oo + 12, b0, b1, b2);
    put3(out, oo + 24, c0, c1, c2);
    put3(out, oo + 36, d0, d1, d2);
  }
}

/** Chromagram (frame-major nFrames × nChroma), each frame scaled so its max is 1 (zero frames stay 0). */
export function applyChroma(power: Float64Array, nFrames: number, fb: ChromaFilterbank): Float64Array {
  const { nChroma, nBins } = fb;
  const out = new Float64Array(nFrames * nChroma);
  if (nChroma === 12) {
    // The bank bin-major, accumulators in locals: four frames at a time (1.4× one frame with 12
    // accumulators, which was about 2× the sparse row-by-row loop below), the last 0–3 frames
    // one at a time. Summation order per chroma is the same (bins ascending); the few weights the
    // sparse path drops add ≤ 1e−12.
    const w = binMajor12(fb);
    let t0 = 0;
    for (; t0 + 4 <= nFrames; t0 += 4) chromaFourFrames(power, t0, nBins, w, out);
    for (let t = t0; t < nFrames; t++) {
      const po = t * nBins;
      let a0 = 0, a1 = 0, a2 = 0, a3 = 0, a4 = 0, a5 = 0, a6 = 0, a7 = 0, a8 = 0, a9 = 0, a10 = 0, a11 = 0;
      for (let k = 0; k < nBins; k++) {
        const p = power[po + k] as number;
        const o = k * 12;
        a0 += (w[o] as number) * p;
        a1 += (w[o + 1] as number) * p;
        a2 += (w[o + 2] as number) * p;
        a3 += (w[o + 3] as number) * p;
        a4 += (w[o + 4] as number) * p;
        a5 += (w[o + 5] as number) * p;
        a6 += (w[o + 6] as number) * p;
        a7 += (w[o + 7] as number) * p;
        a8 += (w[o + 8] as number) * p;
        a9 += (w[o + 9] as number) * p;
        a10 += (w[o + 10] as number) * p;
        a11 += (w[o + 11] as number) * p;
      }
      const oo = t * 12;
      out[oo] = a0;
      out[oo + 1] = a1;
      out[oo + 2] = a2;
      out[oo + 3] = a3;
      out[oo + 4] = a4;
      out[oo + 5] = a5;
      out[oo + 6] = a6;
      out[oo + 7] = a7;
      out[oo + 8] = a8;
      out[oo + 9] = a9;
      out[oo + 10] = a10;
      out[oo + 11] = a11;
    }
  } else {
    const sp = sparseRows(fb);
    for (let t = 0; t < nFrames; t++) {
      const po = t * nBins;
      for (let c = 0; c < nChroma; c++) {
        const bins = sp.bins[c] as Int32Array;
        const w = sp.weights[c] as Float64Array;
        let acc = 0;
        for (let i = 0; i < bins.length; i++) acc += (w[i] as number) * (power[po + (bins[i] as number)] as number);
        out[t * nChroma + c] = acc;
      }
    }
  }
  // norm=inf per frame
  for (let t = 0; t < nFrames; t++) {
    const o = t * nChroma;
    let mx = 0;
    for (let c = 0; c < nChroma; c++) mx = Math.max(mx, Math.abs(out[o + c] as number));
    if (mx >= FLOAT32_TINY) for (let c = 0; c < nChroma; c++) out[o + c] = (out[o + c] as number) / mx;
  }
  return out;
}

/** chroma_stft on a power spectrogram with the tuning estimated from it. */
export function computeChroma(power: Float64Array, nFrames: number, nBins: number, sampleRateHz: number, nFft = 2048): { chroma: Float64Array; tuning: number } {
  const tuning = estimateTuning(power, nFrames, nBins, sampleRateHz, nFft);
  const fb = chromaFilterbank(sampleRateHz, nFft, tuning);
  return { chroma: applyChroma(power, nFrames, fb), tuning };
}
