/** Unit tests of the DSP building blocks against their textbook definitions. */
import { describe, expect, it } from 'vitest';
import { applyDctOrtho, dctOrthoMatrix } from './dct';
import { powerToDb } from './db';
import { applyMelFilterbank, hzToMelSlaney, melFilterbank, melToHzSlaney } from './mel';
import { computeSpectra, computeStft, inverseStftMasked, inverseStftPair, padSignal, periodicHann } from './stft';
import { createRng } from '../random';
import { estimateTempoBpm, beatTrackTempoBpm } from './tempo';
import { computeZcr } from './zcr';
import { computeRms } from './rms';
import { applyChroma, chromaFilterbank, pitchTuning } from './chroma';
import { RealFft } from './fft';
import { computeSpectralCentroid } from './centroid';
import { computeSpectralBandwidth } from './bandwidth';
import { computeSpectralRolloff } from './rolloff';
import { computeSpectralContrast } from './contrast';
import { computeSpectralFlatness } from './flatness';
import { computeOnsetStrength } from './onset';

describe('DSP blocks', () => {
  it('DCT-II ortho matrix is orthonormal', () => {
    const n = 16;
    const m = dctOrthoMatrix(n, n);
    for (let a = 0; a < n; a++)
      for (let b = 0; b < n; b++) {
        let s = 0;
        for (let i = 0; i < n; i++) s += (m[a * n + i] as number) * (m[b * n + i] as number);
        expect(s).toBeCloseTo(a === b ? 1 : 0, 12);
      }
  });
  it('applyDctOrtho equals scipy.fft.dct(type=2, norm="ortho") written out, for coefficient counts with and without a remainder of 4', () => {
    const rng = createRng(4);
    const nIn = 128;
    const rows = 3;
    const x = Float64Array.from({ length: rows * nIn }, () => rng() * 100 - 80);
    for (const nOut of [20, 13, 3]) {
      const got = applyDctOrtho(x, rows, nIn, nOut);
      for (let r = 0; r < rows; r++)
        for (let k = 0; k < nOut; k++) {
          // y[k] = f·2·Σ x[n]·cos(πk(2n+1)/(2N)), f = √(1/(4N)) for k = 0, √(1/(2N)) otherwise
          let s = 0;
          for (let n = 0; n < nIn; n++) s += (x[r * nIn + n] as number) * Math.cos((Math.PI * k * (2 * n + 1)) / (2 * nIn));
          const f = k === 0 ? Math.sqrt(1 / (4 * nIn)) : Math.sqrt(1 / (2 * nIn));
          expect(got[r * nOut + k]).toBeCloseTo(2 * f * s, 9);
        }
    }
    // a constant row has only the DC coefficient: √N·c
    const ones = applyDctOrtho(new Float64Array(nIn).fill(2), 1, nIn, 5);
    expect(ones[0]).toBeCloseTo(2 * Math.sqrt(nIn), 12);
    for (let k = 1; k < 5; k++) expect(ones[k]).toBeCloseTo(0, 12);
  });
  it('numpy.pad modes and the periodic Hann window', () => {
    const y = [1, 2, 3, 4];
    expect(Array.from(padSignal(y, 2, 'reflect'))).toEqual([3, 2, 1, 2, 3, 4, 3, 2]);
    expect(Array.from(padSignal(y, 2, 'edge'))).toEqual([1, 1, 1, 2, 3, 4, 4, 4]);
    expect(Array.from(padSignal(y, 2, 'constant'))).toEqual([0, 0, 1, 2, 3, 4, 0, 0]);
    const w = periodicHann(4);
    expect(Array.from(w).map((v) => +v.toFixed(12))).toEqual([0, 0.5, 1, 0.5]);
  });
  it('STFT → inverse STFT reconstructs the signal (librosa window-sum normalisation)', () => {
    const n = 512 * 40;
    const y = Float64Array.from({ length: n }, (_, i) => Math.sin(i * 0.01) + 0.3 * Math.sin(i * 0.37));
    const s = computeStft(y, { padMode: 'reflect' });
    const [a, b] = inverseStftPair(s.re, s.im, s.re, s.im, s.nFrames);
    expect(a.length).toBe(512 * (s.nFrames - 1));
    let err = 0;
    for (let i = 0; i < a.length; i++) err = Math.max(err, Math.abs((a[i] as number) - (y[i] as number)), Math.abs((b[i] as number) - (y[i] as number)));
    expect(err).toBeLessThan(1e-10);
  });
  it('real FFT (half-size complex FFT + split) equals the DFT definition X[k] = Σ x[n]·e^(−2πikn/N)', () => {
    const rng = createRng(3);
    for (const n of [4, 16, 2048]) {
      const x = Float64Array.from({ length: n }, () => rng() * 2 - 1);
      const re = new Float64Array(n / 2 + 1);
      const im = new Float64Array(n / 2 + 1);
      new RealFft(n).forward(x, re, im);
      for (let k = 0; k <= n / 2; k++) {
        let sr = 0;
        let si = 0;
        for (let j = 0; j < n; j++) {
          sr += (x[j] as number) * Math.cos((2 * Math.PI * k * j) / n);
          si -= (x[j] as number) * Math.sin((2 * Math.PI * k * j) / n);
        }
        expect(Math.abs((re[k] as number) - sr)).toBeLessThan(1e-9);
        expect(Math.abs((im[k] as number) - si)).toBeLessThan(1e-9);
      }
    }
  });
  it('forwardSpectra writes the same bins as forward, their re² + im², √ of it and the largest, at the given offsets', () => {
    const rng = createRng(11);
    for (const n of [4, 8, 1024, 2048]) {
      const fft = new RealFft(n);
      const nb = n / 2 + 1;
      const x = Float64Array.from({ length: n }, () => rng() * 2 - 1);
      const re = new Float64Array(nb);
      const im = new Float64Array(nb);
      fft.forward(x, re, im);
      const re2 = new Float64Array(nb + 5);
      const im2 = new Float64Array(nb + 5);
      const power = new Float64Array(nb + 3);
      const mag = new Float64Array(nb + 3);
      const mx = fft.forwardSpectra(x, re2, im2, 5, power, mag, 3);
      let want = 0;
      for (let k = 0; k < nb; k++) {
        expect(re2[5 + k]).toBe(re[k]);
        expect(im2[5 + k]).toBe(im[k]);
        const p = (re[k] as number) * (re[k] as number) + (im[k] as number) * (im[k] as number);
        expect(power[3 + k]).toBe(p);
        expect(mag[3 + k]).toBe(Math.sqrt(p));
        want = Math.max(want, p);
      }
      expect(mx).toBe(want);
      expect(fft.forwardSpectra(new Float64Array(n), re2, im2, 0, power, null, 0)).toBe(0); // silent frame
    }
  });
  it('one-pass spectra are |X|² and |X| of the complex STFT, with or without keeping it', () => {
    const rng = createRng(7);
    const y = Float32Array.from({ length: 512 * 20 + 37 }, () => rng() * 2 - 1);
    const s = computeStft(y, { padMode: 'constant' });
    for (const keepComplex of [false, true]) {
      const sp = computeSpectra(y, { padMode: 'constant', keepComplex });
      expect(sp.stft === null).toBe(!keepComplex);
      for (let i = 0; i < s.re.length; i++) {
        const p = (s.re[i] as number) ** 2 + (s.im[i] as number) ** 2;
        expect(sp.power[i]).toBe(p);
        expect(sp.magnitude[i]).toBe(Math.sqrt(p));
      }
    }
  });
  it('masked inverse STFT (frames paired in one FFT) equals the inverse of the explicitly masked spectrum, and y − it is the complement mask\'s part', () => {
    const rng = createRng(11);
    for (const n of [512 * 40, 512 * 41 + 100]) { // even and odd frame counts
      const y = Float32Array.from({ length: n }, () => rng() * 2 - 1);
      const s = computeStft(y, { padMode: 'reflect' });
      const mask = Float64Array.from({ length: s.re.length }, () => rng());
      const mRe = s.re.map((v, i) => v * (mask[i] as number));
      const mIm = s.im.map((v, i) => v * (mask[i] as number));
      const cRe = s.re.map((v, i) => v * (1 - (mask[i] as number)));
      const cIm = s.im.map((v, i) => v * (1 - (mask[i] as number)));
      const [ref, complement] = inverseStftPair(mRe, mIm, cRe, cIm, s.nFrames);
      const got = inverseStftMasked(s, mask);
      expect(got.length).toBe(ref.length);
      let err = 0;
      let errC = 0;
      for (let i = 0; i < ref.length; i++) {
        err = Math.max(err, Math.abs((got[i] as number) - (ref[i] as number)));
        errC = Math.max(errC, Math.abs((y[i] as number) - (got[i] as number) - (complement[i] as number)));
      }
      expect(err).toBeLessThan(1e-12);
      expect(errC).toBeLessThan(1e-12);
    }
  });
  it('Slaney mel scale round-trips and the bank has Slaney area normalisation', () => {
    for (const f of [0, 200, 999, 1000, 4000, 11025]) expect(melToHzSlaney(hzToMelSlaney(f))).toBeCloseTo(f, 8);
    const fb = melFilterbank(22050, 2048, 128);
    expect(fb.weights.length).toBe(128 * 1025);
    // each triangle integrates (in Hz) to ~1 under Slaney normalisation
    const df = 22050 / 2048;
    for (const m of [20, 64, 120]) {
      let area = 0;
      for (let k = 0; k < 1025; k++) area += (fb.weights[m * 1025 + k] as number) * df;
      expect(area).toBeGreaterThan(0.9);
      expect(area).toBeLessThan(1.1);
    }
  });
  it('power_to_db clips at max − 80 dB over the whole array', () => {
    const db = powerToDb(Float64Array.from([1, 1e-3, 1e-12, 0]));
    expect(Array.from(db)).toEqual([0, -30, -80, -80]);
  });
  it('zero-crossing rate counts sign changes with the 1e-10 threshold and zero as positive', () => {
    const y = new Float32Array(4096);
    for (let i = 0; i < y.length; i++) y[i] = i % 2 ? 0.5 : -0.5;
    const z = computeZcr(y);
    expect(z[4]).toBeCloseTo(2047 / 2048, 12);
    expect(computeZcr(new Float32Array(4096).fill(1e-11))[3]).toBe(0);
  });
  it('rms and zcr from hop-long blocks equal the per-frame definitions on padded frames', () => {
    const rng = createRng(9);
    const y = Float32Array.from({ length: 512 * 12 + 301 }, () => (rng() < 0.1 ? 0 : rng() * 2 - 1));
    for (const [frame, hop] of [[2048, 512], [1000, 300]] as const) {
      for (const mode of ['reflect', 'constant', 'edge'] as const) {
        const padded = padSignal(y, frame >> 1, mode);
        const rms = computeRms(y, mode, frame, hop);
        expect(rms.length).toBe(1 + Math.floor(y.length / hop));
        for (let t = 0; t < rms.length; t++) {
          let acc = 0;
          for (let i = 0; i < frame; i++) acc += (padded[t * hop + i] as number) ** 2;
          expect(rms[t]).toBeCloseTo(Math.sqrt(acc / frame), 12);
        }
      }
      const edge = padSignal(y, frame >> 1, 'edge');
      const zcr = computeZcr(y, frame, hop);
      for (let t = 0; t < zcr.length; t++) {
        let c = 0;
        for (let i = t * hop + 1; i < t * hop + frame; i++) if (((edge[i] as number) < 0) !== ((edge[i - 1] as number) < 0)) c++;
        expect(zcr[t]).toBe(c / frame);
      }
    }
  });
  it('zcr equals librosa.zero_crossings written out (|y| ≤ 1e-10 → +0, then signbit) on edge-padded frames, near-threshold values and −0 included', () => {
    const rng = createRng(21);
    const near = [0, -0, 1e-11, -1e-11, 1e-10, -1e-10, 2e-10, -2e-10];
    const y = Float32Array.from({ length: 512 * 20 + 77 }, () => (rng() < 0.5 ? (near[Math.floor(rng() * near.length)] as number) : rng() * 2 - 1));
    const edge = padSignal(y, 1024, 'edge');
    const signbit = (v: number): boolean => {
      const x = Math.abs(v) <= 1e-10 ? 0 : v; // numpy assigns +0
      return x < 0 || Object.is(x, -0);
    };
    const zcr = computeZcr(y);
    let nonzero = 0;
    for (let t = 0; t < zcr.length; t++) {
      let c = 0;
      for (let i = t * 512 + 1; i < t * 512 + 2048; i++) if (signbit(edge[i] as number) !== signbit(edge[i - 1] as number)) c++;
      expect(zcr[t]).toBe(c / 2048);
      if (c > 0) nonzero++;
    }
    expect(nonzero).toBe(zcr.length);
  });
  it('tempo is quantised to 60·sr/(hop·lag) and beat_track returns 0 without onsets', () => {
    const env = new Float64Array(1300);
    for (let i = 3; i < env.length; i += 22) env[i] = 1; // a pulse every 22 frames
    const bpm = estimateTempoBpm(env);
    expect(bpm).toBeCloseTo((60 * 22050) / 512 / 22, 9); // 117.45…
    expect(beatTrackTempoBpm(new Float64Array(100))).toBe(0);
    expect(estimateTempoBpm(new Float64Array(100))).toBeCloseTo(117.45383522727273, 9); // prior only
  });
  it('pitch_tuning histograms semitone residuals at 0.01 resolution', () => {
    expect(pitchTuning([440, 880, 220])).toBeCloseTo(0, 9);
    const sharp = 440 * Math.pow(2, 0.2 / 12);
    expect(pitchTuning([sharp, sharp * 2])).toBeCloseTo(0.2, 9);
    expect(pitchTuning([])).toBe(0);
  });
  it('centroid, bandwidth and rolloff sharing one per-frame sum equal their definitions', () => {
    const rng = createRng(5);
    const nFrames = 7;
    const nBins = 1025;
    const mag = Float64Array.from({ length: nFrames * nBins }, () => rng() ** 3);
    mag.fill(0, 3 * nBins, 4 * nBins); // a silent frame
    const freqs = Float64Array.from({ length: nBins }, (_, k) => (k * 22050) / 2048);
    const sums = new Float64Array(nFrames);
    const centroid = computeSpectralCentroid(mag, nFrames, nBins, freqs, sums);
    const bandwidth = computeSpectralBandwidth(mag, nFrames, nBins, freqs, centroid, sums);
    const rolloff = computeSpectralRolloff(mag, nFrames, nBins, freqs, 0.85, sums);
    for (let t = 0; t < nFrames; t++) {
      const s = Array.from(mag.subarray(t * nBins, (t + 1) * nBins));
      const total = s.reduce((a, v) => a + v, 0);
      const c = total > 0 ? s.reduce((a, v, k) => a + v * (freqs[k] as number), 0) / total : 0;
      const bw = Math.sqrt(s.reduce((a, v, k) => a + (v / (total || 1)) * ((freqs[k] as number) - c) ** 2, 0));
      let acc = 0;
      let k85 = s.findIndex((v) => (acc += v) >= 0.85 * total);
      if (total === 0) k85 = 0;
      expect(sums[t]).toBeCloseTo(total, 9);
      expect(centroid[t]).toBeCloseTo(c, 6);
      expect(bandwidth[t]).toBeCloseTo(bw, 6);
      expect(rolloff[t]).toBe(freqs[k85]);
    }
  });
  it('spectral contrast takes the mean of the sorted band\'s lowest and highest 2 % (rising, falling, tied and random spectra)', () => {
    const rng = createRng(9);
    const nBins = 1025;
    const frames = [
      Float64Array.from({ length: nBins }, (_, k) => 1 / (k + 1)), // falling: every value a new minimum
      Float64Array.from({ length: nBins }, (_, k) => k + 1), // rising: every value a new maximum
      Float64Array.from({ length: nBins }, (_, k) => 1 + (k % 3)), // ties
      Float64Array.from({ length: nBins }, () => rng() + 1e-3),
    ];
    const mag = new Float64Array(frames.length * nBins);
    frames.forEach((f, t) => mag.set(f, t * nBins));
    const freqs = Float64Array.from({ length: nBins }, (_, k) => (k * 22050) / 2048);
    const got = computeSpectralContrast(mag, frames.length, nBins, freqs, 22050);
    // librosa's bands: octaves from 200 Hz; band k > 0 starts one bin early, bands below the
    // last drop their last bin, the last runs to Nyquist; n = max(1, rint(0.02 · band size))
    const edges = [0, 200, 400, 800, 1600, 3200, 6400, 12800];
    const peaks: number[] = [];
    const valleys: number[] = [];
    frames.forEach((f) => {
      for (let k = 0; k < 7; k++) {
        const idx = Array.from(freqs.keys()).filter((b) => (freqs[b] as number) >= (edges[k] as number) && (freqs[b] as number) <= (edges[k + 1] as number));
        const start = k > 0 ? (idx[0] as number) - 1 : (idx[0] as number);
        const end = k === 6 ? nBins : (idx.at(-1) as number) + 1;
        const q = 0.02 * (end - start);
        const n = Math.max(1, Math.abs(q - Math.trunc(q)) === 0.5 ? 2 * Math.round(q / 2) : Math.round(q));
        const band = Array.from(f.subarray(start, k < 6 ? end - 1 : end)).sort((a, b) => a - b);
        valleys.push(band.slice(0, n).reduce((a, v) => a + v, 0) / n);
        peaks.push(band.slice(-n).reduce((a, v) => a + v, 0) / n);
      }
    });
    const peakDb = powerToDb(Float64Array.from(peaks));
    const valleyDb = powerToDb(Float64Array.from(valleys));
    for (let i = 0; i < got.length; i++) expect(got[i]).toBeCloseTo((peakDb[i] as number) - (valleyDb[i] as number), 9);
  });
  it('chroma (frames four at a time, then the rest one by one) is the bank times each power frame, divided by the frame max', () => {
    const rng = createRng(13);
    const fb = chromaFilterbank(22050, 2048, 0.03);
    for (const nFrames of [1, 4, 7]) {
      const power = Float64Array.from({ length: nFrames * 1025 }, () => rng() ** 4);
      const got = applyChroma(power, nFrames, fb);
      for (let t = 0; t < nFrames; t++) {
        const raw = Array.from({ length: 12 }, (_, c) => {
          let acc = 0;
          for (let k = 0; k < 1025; k++) acc += (fb.weights[c * 1025 + k] as number) * (power[t * 1025 + k] as number);
          return acc;
        });
        const mx = Math.max(...raw);
        for (let c = 0; c < 12; c++) expect(got[t * 12 + c]).toBeCloseTo((raw[c] as number) / mx, 12);
      }
    }
  });
  it('mel spectrogram (frames four at a time, then the rest) is the dense bank times each power frame', () => {
    const rng = createRng(17);
    const fb = melFilterbank(22050, 2048, 128);
    for (const nFrames of [3, 4, 9]) {
      const power = Float64Array.from({ length: nFrames * 1025 }, () => rng() ** 4);
      const got = applyMelFilterbank(power, nFrames, fb);
      for (let t = 0; t < nFrames; t++)
        for (let m = 0; m < 128; m++) {
          let acc = 0;
          for (let k = 0; k < 1025; k++) acc += (fb.weights[m * 1025 + k] as number) * (power[t * 1025 + k] as number);
          expect(got[t * 128 + m]).toBeCloseTo(acc, 12);
        }
    }
  });
  it('spectral flatness (frames four at a time, then the rest) is the geometric over the arithmetic mean of max(1e-10, S), huge values included', () => {
    const rng = createRng(19);
    const nBins = 1025;
    for (const nFrames of [2, 4, 6]) {
      const power = Float64Array.from({ length: nFrames * nBins }, () => rng() ** 6);
      power.fill(0, 0, nBins); // silence: every value floored to amin
      if (nFrames > 4) for (let k = 0; k < nBins; k++) power[5 * nBins + k] = 1e40 * (1 + rng()); // products leave the double range
      const got = computeSpectralFlatness(power, nFrames, nBins);
      for (let t = 0; t < nFrames; t++) {
        const v = Array.from(power.subarray(t * nBins, (t + 1) * nBins), (p) => Math.max(1e-10, p));
        const geo = Math.exp(v.reduce((a, x) => a + Math.log(x), 0) / nBins);
        const arith = v.reduce((a, x) => a + x, 0) / nBins;
        expect((got[t] as number) / (geo / arith)).toBeCloseTo(1, 10);
      }
    }
  });
  it('onset strength is the median (or mean) over bands of the positive mel-dB rise, shifted by 3 frames', () => {
    const rng = createRng(23);
    for (const nMels of [128, 7]) {
      const nFrames = 40;
      // frames that mostly rise, mostly fall, are flat, or are random: zeros below, at and past the middle
      const melDb = Float64Array.from({ length: nFrames * nMels }, (_, i) => {
        const t = Math.floor(i / nMels);
        return t % 4 === 0 ? t * 2 + rng() : t % 4 === 1 ? -t : t % 4 === 2 ? 5 : rng() * 10;
      });
      const median = computeOnsetStrength(melDb, nFrames, nMels, 'median');
      const mean = computeOnsetStrength(melDb, nFrames, nMels, 'mean');
      expect(median[0]).toBe(0);
      for (let j = 0; j + 3 < nFrames; j++) {
        const rise = Array.from({ length: nMels }, (_, m) => Math.max(0, (melDb[(j + 1) * nMels + m] as number) - (melDb[j * nMels + m] as number))).sort((a, b) => a - b);
        const h = nMels >> 1;
        const med = nMels % 2 ? (rise[h] as number) : ((rise[h - 1] as number) + (rise[h] as number)) / 2;
        expect(median[j + 3]).toBe(med);
        expect(mean[j + 3]).toBeCloseTo(rise.reduce((a, v) => a + v, 0) / nMels, 12);
      }
    }
  });
});
