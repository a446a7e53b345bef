import { describe, expect, it } from 'vitest';
import { extractRecipe, KAGGLE_FEATURE_NAMES } from '../features/recipes';
import { generateDemoCorpus, SYNTH_STYLES, synthesizeClip } from './synth';

describe('synthetic demo corpus', () => {
  it('is deterministic in its seed and named as synthetic styles', () => {
    const a = synthesizeClip('synth-techno', 7, 2);
    const b = synthesizeClip('synth-techno', 7, 2);
    const c = synthesizeClip('synth-techno', 8, 2);
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
    const corpus = generateDemoCorpus({ clipsPerStyle: 2, durationSec: [6, 7] });
    expect(corpus).toHaveLength(2 * SYNTH_STYLES.length);
    for (const clip of corpus) {
      expect(clip.genre.startsWith('synth-')).toBe(true);
      expect(clip.fileName).toMatch(/^synth-[a-z]+\.\d{5}\.wav$/);
      expect(clip.samples.length / clip.sampleRateHz).toBeGreaterThanOrEqual(6);
      let peak = 0;
      for (const v of clip.samples) peak = Math.max(peak, Math.abs(v));
      expect(peak).toBeLessThanOrEqual(1);
      expect(peak).toBeGreaterThan(0.5);
    }
  });
  it('makes styles that the features tell apart (nearest style centroid, leave-one-out)', () => {
    const corpus = generateDemoCorpus({ clipsPerStyle: 4, durationSec: [6, 6.5], seed: 11 });
    const feats = corpus.map((c) => extractRecipe(c.samples, 22050, 'kaggle30').segments[0] as Float64Array);
    const d = KAGGLE_FEATURE_NAMES.length;
    const mu = new Float64Array(d);
    const sd = new Float64Array(d);
    for (const f of feats) for (let j = 0; j < d; j++) mu[j] = (mu[j] as number) + (f[j] as number) / feats.length;
    for (const f of feats) for (let j = 0; j < d; j++) sd[j] = (sd[j] as number) + ((f[j] as number) - (mu[j] as number)) ** 2 / feats.length;
    const z = feats.map((f) => Float64Array.from(f, (v, j) => (v - (mu[j] as number)) / (Math.sqrt(sd[j] as number) || 1)));
    let correct = 0;
    z.forEach((q, i) => {
      let best = '';
      let bestD = Infinity;
      for (const style of SYNTH_STYLES) {
        const members = z.filter((_, k) => k !== i && corpus[k]?.genre === style);
        const cen = new Float64Array(d);
        for (const m of members) for (let j = 0; j < d; j++) cen[j] = (cen[j] as number) + (m[j] as number) / members.length;
        let dist = 0;
        for (let j = 0; j < d; j++) dist += ((q[j] as number) - (cen[j] as number)) ** 2;
        if (dist < bestD) {
          bestD = dist;
          best = style;
        }
      }
      if (best === corpus[i]?.genre) correct++;
    });
    expect(correct / corpus.length).toBeGreaterThanOrEqual(0.9);
  });
  it('generates the default 5 × 8 corpus quickly', () => {
    // CPU time, not wall time, so a busy shared machine does not make this flaky
    const c0 = process.cpuUsage();
    const corpus = generateDemoCorpus();
    const used = process.cpuUsage(c0);
    expect(corpus).toHaveLength(40);
    expect((used.user + used.system) / 1000).toBeLessThan(5000);
  });
});
