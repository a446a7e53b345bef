/**
 * Resampler quality on a generated sweep: a linear chirp 44.1 kHz → 22.05 kHz. The instantaneous
 * frequency is known at every sample, so short-window RMS of the output measures the passband
 * ripple (input below 9 kHz) and the aliasing (input above 11.7 kHz, which must be removed).
 */
import { describe, expect, it } from 'vitest';
import { resample } from './resample';

function chirp(fromHz: number, toHz: number, durationSec: number, rateHz: number): { x: Float32Array; freqAt: (t: number) => number; at: (t: number) => number } {
  const n = Math.round(durationSec * rateHz);
  const x = new Float32Array(n);
  const k = (toHz - fromHz) / durationSec;
  const at = (t: number): number => 0.5 * Math.sin(2 * Math.PI * (fromHz * t + 0.5 * k * t * t));
  for (let i = 0; i < n; i++) x[i] = at(i / rateHz);
  return { x, freqAt: (t) => fromHz + k * t, at };
}

describe('resample (Kaiser windowed sinc)', () => {
  it('has < 0.05 dB passband ripple and < −70 dB aliasing on a 50 Hz–22 kHz sweep', () => {
    const { x, freqAt, at } = chirp(50, 22000, 4, 44100);
    const y = resample(x, 44100, 22050);
    expect(y.length).toBe(Math.round(x.length / 2));
    const win = 441; // 20 ms at 22.05 kHz: the frequency moves < 110 Hz within a window
    let maxPass = -Infinity;
    let minPass = Infinity;
    let maxAlias = -Infinity;
    for (let s = 2000; s + win < y.length - 2000; s += win) {
      let acc = 0;
      let ideal = 0;
      for (let i = s; i < s + win; i++) {
        acc += (y[i] as number) ** 2;
        ideal += at(i / 22050) ** 2; // the same chirp sampled directly at 22 050 Hz
      }
      const f = freqAt((s + win / 2) / 22050);
      // passband: gain against the ideal; stopband: level against the input's RMS
      const db = f < 11025 ? 10 * Math.log10(acc / ideal) : 20 * Math.log10(Math.sqrt(acc / win) / (0.5 / Math.SQRT2));
      if (f > 100 && f < 9000) {
        maxPass = Math.max(maxPass, db);
        minPass = Math.min(minPass, db);
      } else if (f > 11700) maxAlias = Math.max(maxAlias, db);
    }
    console.log(`resampler 44.1→22.05 kHz: passband ripple ${(maxPass - minPass).toFixed(4)} dB (100 Hz–9 kHz), worst aliasing ${maxAlias.toFixed(1)} dB (input > 11.7 kHz)`);
    expect(maxPass - minPass).toBeLessThan(0.05);
    expect(Math.abs(maxPass)).toBeLessThan(0.05);
    expect(maxAlias).toBeLessThan(-70);
  });
  it('upsamples a tone without changing its level and returns equal-rate input as is', () => {
    const n = 16000;
    const x = Float32Array.from({ length: n }, (_, i) => Math.sin((2 * Math.PI * 1000 * i) / 16000));
    const y = resample(x, 16000, 22050);
    expect(y.length).toBe(Math.round((n * 22050) / 16000));
    let err = 0;
    for (let i = 2000; i < y.length - 2000; i++) err = Math.max(err, Math.abs((y[i] as number) - Math.sin((2 * Math.PI * 1000 * i) / 22050)));
    expect(err).toBeLessThan(1e-3);
    expect(resample(x, 22050, 22050)).toBe(x);
  });
});
