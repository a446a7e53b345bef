/**
 * Mel band centre frequencies against values computed by hand from the Slaney scale
 * (librosa.mel_frequencies, htk=False): linear 200/3 Hz per mel below 1 kHz (15 mel), then
 * logarithmic with ln(6.4)/27 per mel.
 */
import { describe, expect, it } from 'vitest';
import { melBandCentresHz, melFilterbank, melFrequenciesHz } from './mel';

// fmax 11 025 Hz in mel: 15 + ln(11025 / 1000) / (ln 6.4 / 27) = 49.910594…
const MEL_MAX = 15 + (27 * Math.log(11.025)) / Math.log(6.4);
// 128 bands: 130 points, 129 steps from 0 mel.
const STEP = MEL_MAX / 129;

describe('melBandCentresHz (128 Slaney bands, sr 22 050)', () => {
  const c = melBandCentresHz(128, 22050);
  it('has one centre per band, rising', () => {
    expect(c.length).toBe(128);
    for (let i = 1; i < c.length; i++) expect(c[i]!).toBeGreaterThan(c[i - 1]!);
  });
  it('band 0: one mel step above 0, on the linear part: 200/3 · 49.9106/129 = 25.7936 Hz', () => {
    expect(STEP).toBeLessThan(15);
    expect(c[0]).toBeCloseTo(((200 / 3) * MEL_MAX) / 129, 9);
    expect(c[0]).toBeCloseTo(25.79359, 4);
  });
  it('band 127: 128 steps up, on the log part: 1000 · exp(ln(6.4)/27 · (128 · step − 15)) = 10 735.6 Hz', () => {
    expect(c[127]).toBeCloseTo(1000 * Math.exp((Math.log(6.4) / 27) * (128 * STEP - 15)), 6);
    expect(c[127]).toBeCloseTo(10735.5976, 3);
  });
  it('is the peak of each filterbank triangle (the bin nearest the centre carries the largest weight)', () => {
    const fb = melFilterbank(22050, 2048, 128);
    for (const m of [10, 64, 127]) {
      let best = 0;
      for (let k = 1; k < fb.nBins; k++) if (fb.weights[m * fb.nBins + k]! > fb.weights[m * fb.nBins + best]!) best = k;
      expect(Math.abs((best * 22050) / 2048 - c[m]!)).toBeLessThanOrEqual(22050 / 2048);
    }
  });
  it('melFrequenciesHz ends exactly at fmin and fmax', () => {
    const f = melFrequenciesHz(130, 0, 11025);
    expect(f[0]).toBe(0);
    expect(f[129]).toBeCloseTo(11025, 9);
  });
});
