/**
 * Band-limited resampling for Node (the browser uses an OfflineAudioContext instead): a
 * Kaiser-windowed sinc interpolator with 32 zero crossings per side (β = 9, about −90 dB side
 * lobes). The cutoff sits at 92 % of the lower Nyquist, so the transition band ends below the
 * output Nyquist and little folds back. The kernel is tabulated (512 points per zero crossing,
 * linear interpolation) so the per-sample loop does no transcendental math.
 */
import { LabError } from '../errors';
import { checkDuration, checkSampleRate, MAX_SAMPLE_RATE_HZ, MIN_SAMPLE_RATE_HZ } from './limits';

const ZERO_CROSSINGS = 32;
const TABLE_RES = 512;
const KAISER_BETA = 9;

/** Modified Bessel function of the first kind, order 0 (series). */
function besselI0(x: number): number {
  let sum = 1;
  let term = 1;
  const q = (x * x) / 4;
  for (let k = 1; k < 64; k++) {
    term *= q / (k * k);
    sum += term;
    if (term < sum * 1e-17) break;
  }
  return sum;
}

let table: Float64Array | undefined;
/** sinc(u)·kaiser(u/Z) for u = 0 … Z in steps of 1/TABLE_RES (plus one guard point). */
function kernelTable(): Float64Array {
  if (table) return table;
  const n = ZERO_CROSSINGS * TABLE_RES + 2;
  const t = new Float64Array(n);
  const i0b = besselI0(KAISER_BETA);
  for (let i = 0; i < n; i++) {
    const u = i / TABLE_RES;
    const x = u / ZERO_CROSSINGS;
    const w = x >= 1 ? 0 : besselI0(KAISER_BETA * Math.sqrt(1 - x * x)) / i0b;
    const s = u === 0 ? 1 : Math.sin(Math.PI * u) / (Math.PI * u);
    t[i] = s * w;
  }
  table = t;
  return t;
}

export interface ResampleOptions {
  /** Cutoff as a fraction of the lower of the two Nyquist frequencies (default 0.92). */
  rolloff?: number;
}

/**
 * Resample `input` from `fromHz` to `toHz` (default 22 050). Returns the input unchanged when the
 * rates are equal. Output length = round(n · toHz / fromHz).
 *
 * Both rates must lie in the range limits.ts accepts and the input must last at most
 * MAX_DURATION_SEC, so the output is bounded (≤ MAX_DURATION_SEC · toHz samples): a corrupt 1 Hz
 * header once sent this loop after 2.4 × 10⁹ output samples. Throws 'unsupported-audio' or
 * 'audio-too-long' before allocating anything.
 */
export function resample(input: Float32Array, fromHz: number, toHz = 22050, opts: ResampleOptions = {}): Float32Array {
  checkSampleRate(fromHz);
  checkDuration(input.length, fromHz);
  if (!(toHz >= MIN_SAMPLE_RATE_HZ && toHz <= MAX_SAMPLE_RATE_HZ))
    throw new LabError('bad-argument', `Cannot resample to ${toHz} Hz: the target rate must lie in ${MIN_SAMPLE_RATE_HZ}–${MAX_SAMPLE_RATE_HZ} Hz.`, { toHz });
  if (fromHz === toHz) return input;
  const ratio = toHz / fromHz;
  const rolloff = opts.rolloff ?? 0.92;
  // cutoff in cycles per INPUT sample
  const fc = 0.5 * Math.min(1, ratio) * rolloff;
  const scale = 2 * fc;
  const halfWidth = ZERO_CROSSINGS / scale; // input samples
  const tab = kernelTable();
  const n = input.length;
  const nOut = Math.round(n * ratio);
  const out = new Float32Array(nOut);
  const step = fromHz / toHz;
  for (let i = 0; i < nOut; i++) {
    const t = i * step;
    const j0 = Math.max(0, Math.ceil(t - halfWidth));
    const j1 = Math.min(n - 1, Math.floor(t + halfWidth));
    let acc = 0;
    for (let j = j0; j <= j1; j++) {
      const u = Math.abs(t - j) * scale * TABLE_RES;
      const k = u | 0;
      const f = u - k;
      const a = tab[k] as number;
      const w = a + ((tab[k + 1] as number) - a) * f;
      acc += w * (input[j] as number);
    }
    out[i] = acc * scale;
  }
  return out;
}
