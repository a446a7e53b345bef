import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { gtzanDir, skipReason } from '../../node/paths';
import { meydaComparison } from '../../node/parity';
import { extractRecipe } from './recipes';
import { MEYDA_FEATURE_NAMES } from './meydaRecipe';

describe('meyda recipe', () => {
  it('aggregates Meyda per-frame features as mean/std per 3 s segment, finite on silence', () => {
    const y = new Float32Array(22050 * 7);
    for (let i = 0; i < 22050 * 3; i++) y[i] = 0.3 * Math.sin((2 * Math.PI * 440 * i) / 22050);
    const r = extractRecipe(y, 22050, 'meyda');
    expect(r.featureNames).toEqual([...MEYDA_FEATURE_NAMES]);
    expect(r.featureNames).toHaveLength(2 * (7 + 13 + 12));
    expect(r.segments).toHaveLength(2); // 7 s → two whole 3 s segments
    for (const seg of r.segments) for (const v of seg) expect(Number.isFinite(v)).toBe(true);
    const c = r.featureNames.indexOf('meyda_spectralCentroid_mean');
    // a 440 Hz tone: Meyda's centroid is in bins of sr/2048 Hz
    expect(((r.segments[0] as Float64Array)[c] as number) * (22050 / 2048)).toBeGreaterThan(400);
    expect(((r.segments[0] as Float64Array)[c] as number) * (22050 / 2048)).toBeLessThan(520);
    expect((r.segments[1] as Float64Array)[r.featureNames.indexOf('meyda_rms_mean')]).toBe(0);
  });
  const reason = skipReason('data', 'gtzan', 'audio', 'blues.00000.wav');
  it.skipIf(!!reason)('agrees with librosa where the definitions agree (centroid, zcr) and not where they differ', async () => {
    const cmp = new Map((await meydaComparison(join(gtzanDir, 'audio', 'blues.00000.wav'))).map((m) => [m.feature, m]));
    expect(cmp.get('spectralCentroid')?.medianRel).toBeLessThan(0.01); // same definition after × sr/N
    expect(cmp.get('spectralSpread')?.medianRel).toBeLessThan(0.01); // = librosa bandwidth (p=2) in bins
    expect(cmp.get('zcr')?.medianRel).toBeLessThan(0.02); // count/2048 vs rate (2047 pairs)
    expect(cmp.get('rms')?.medianRel).toBeGreaterThan(0.2); // windowed vs raw frames
    expect(cmp.get('spectralRolloff')?.medianRel).toBeGreaterThan(0.2); // 99 % vs 85 %
  });
});
