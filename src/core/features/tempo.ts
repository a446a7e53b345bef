/**
 * Tempo as librosa 0.10.1 computes it (own DSP):
 * - {@link estimateTempoBpm} = librosa.feature.tempo(onset_envelope, sr, hop, start_bpm=120,
 *   std_bpm=1, ac_size=8, max_tempo=320, aggregate=np.mean): a tempogram (autocorrelation of
 *   Hann-windowed 344-frame windows of the onset envelope, linear-ramp padded, each normalised by
 *   its max), averaged over time, weighted by a log-normal prior around 120 BPM; the answer is
 *   the best lag's 60·sr/(hop·lag) BPM, hence quantised (a 120 BPM click reads 117.45).
 * - {@link beatTrackTempoBpm} = the tempo returned by librosa.beat.beat_track: 0 when the onset
 *   envelope is all zero, else the same estimate (from a median-aggregated envelope).
 */
import { getRealFft, periodicHann } from './stft';
import { realFftPairKernel } from './wasm/fftKernel';

export interface TempoOptions {
  startBpm?: number;
  stdBpm?: number;
  acSizeSec?: number;
  maxTempoBpm?: number;
}

/** feature.tempo on a given onset envelope; returns BPM. */
export function estimateTempoBpm(onsetEnv: Float64Array, sampleRateHz = 22050, hopSamples = 512, opts: TempoOptions = {}): number {
  const startBpm = opts.startBpm ?? 120;
  const stdBpm = opts.stdBpm ?? 1;
  const acSize = opts.acSizeSec ?? 8;
  const maxTempo = opts.maxTempoBpm ?? 320;
  const winLength = Math.floor((acSize * sampleRateHz) / hopSamples); // time_to_frames
  const n = onsetEnv.length;
  const h = winLength >> 1;
  // linear_ramp pad to end value 0 on both sides
  const padded = new Float64Array(n + 2 * h);
  const first = n > 0 ? (onsetEnv[0] as number) : 0;
  const last = n > 0 ? (onsetEnv[n - 1] as number) : 0;
  for (let i = 0; i < h; i++) {
    padded[i] = (first * i) / h;
    padded[n + 2 * h - 1 - i] = (last * i) / h;
  }
  padded.set(onsetEnv, h);
  const nFrames = Math.min(n, padded.length - winLength + 1);
  let fftSize = 1;
  while (fftSize < 2 * winLength - 1) fftSize <<= 1;
  const fft = getRealFft(fftSize);
  const win = periodicHann(winLength);
  const frame = new Float64Array(fftSize);
  const re = new Float64Array(fft.nBins);
  const im = new Float64Array(fft.nBins);
  const power = new Float64Array(fft.nBins); // |X|², from the FFT's split step
  // Σ_t ac_t / max|ac_t|: the autocorrelation is linear in the power spectrum, so the normalised
  // power spectra are summed and inverted ONCE (max|ac_t| is ac_t[0] = Σ x², the frame energy).
  const sumPower = new Float64Array(fft.nBins);
  const addFrame = (p: Float64Array, energy: number): void => {
    // util.normalize(norm=inf): columns whose max is below float32 tiny are left unscaled
    const scale = energy < 1.1754943508222875e-38 ? 1 : 1 / energy;
    for (let k = 0; k < fft.nBins; k++) sumPower[k] = (sumPower[k] as number) + (p[k] as number) * scale;
  };
  const kernel = realFftPairKernel(fftSize);
  if (kernel) {
    // frames two at a time through the wasm kernel (the same bits as RealFft, wasm/fftKernel.ts),
    // added to the sum in frame order; samples past the window stay zero
    const inp = kernel.input;
    inp.fill(0, 2 * winLength);
    for (let t = 0; t < nFrames; t += 2) {
      const pair = t + 1 < nFrames;
      let eA = 0;
      let eB = 0;
      for (let i = 0; i < winLength; i++) {
        const w = win[i] as number;
        const a = (padded[t + i] as number) * w;
        inp[2 * i] = a;
        eA += a * a;
        const b = pair ? (padded[t + 1 + i] as number) * w : 0;
        inp[2 * i + 1] = b;
        eB += b * b;
      }
      if (eA === 0 && eB === 0) continue;
      kernel.run();
      if (eA !== 0) addFrame(kernel.powA, eA);
      if (pair && eB !== 0) addFrame(kernel.powB, eB);
    }
  } else {
    for (let t = 0; t < nFrames; t++) {
      let energy = 0;
      for (let i = 0; i < winLength; i++) {
        const v = (padded[t + i] as number) * (win[i] as number);
        frame[i] = v;
        energy += v * v;
      }
      if (energy === 0) continue;
      fft.forwardSpectra(frame, re, im, 0, power, null, 0);
      addFrame(power, energy);
    }
  }
  const tg = new Float64Array(fft.nBins);
  fft.inverseRealEven(sumPower, tg, new Float64Array(fftSize));
  let best = -1;
  let bestScore = -Infinity;
  for (let l = 1; l < winLength; l++) {
    const bpm = (60 * sampleRateHz) / (hopSamples * l);
    if (!(bpm < maxTempo)) continue;
    const mean = nFrames > 0 ? (tg[l] as number) / nFrames : 0;
    const prior = -0.5 * Math.pow((Math.log2(bpm) - Math.log2(startBpm)) / stdBpm, 2);
    const score = Math.log1p(1e6 * mean) + prior;
    if (score > bestScore) {
      bestScore = score;
      best = l;
    }
  }
  return best < 0 ? 0 : (60 * sampleRateHz) / (hopSamples * best);
}

/** Tempo as returned by beat_track: 0 when the envelope has no onsets. */
export function beatTrackTempoBpm(onsetEnv: Float64Array, sampleRateHz = 22050, hopSamples = 512, opts: TempoOptions = {}): number {
  let any = false;
  for (let i = 0; i < onsetEnv.length; i++) if (onsetEnv[i] !== 0) {
    any = true;
    break;
  }
  return any ? estimateTempoBpm(onsetEnv, sampleRateHz, hopSamples, opts) : 0;
}
