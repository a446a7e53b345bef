import { describe, expect, it } from 'vitest';
import { getColumn } from '../data/dataset';
import { loadTableFile } from '../../node/loadTable';
import { sharedPath, skipReason } from '../../node/paths';
import { computeGenreHistograms } from './histogram';

describe('per-genre histograms with shared edges', () => {
  it('bins a hand-made example like numpy (last bin closed) and normalises each genre to density', () => {
    // Edges 0,1,2,3,4; genre a = {0, 1, 2}, genre b = {3, 4}; 4 lands in the last bin [3, 4].
    const h = computeGenreHistograms([0, 1, 2, 3, 4], [0, 0, 0, 1, 1], ['a', 'b'], { bins: 4 });
    expect(Array.from(h.edges)).toEqual([0, 1, 2, 3, 4]);
    expect(h.binWidth).toBe(1);
    expect(h.rule).toBe('fixed');
    expect(Array.from(h.series[0]!.counts)).toEqual([1, 1, 1, 0]);
    expect(Array.from(h.series[1]!.counts)).toEqual([0, 0, 0, 2]);
    expect(Array.from(h.series[0]!.density)).toEqual([1 / 3, 1 / 3, 1 / 3, 0]);
    expect(Array.from(h.series[1]!.density)).toEqual([0, 0, 0, 1]);
    for (const g of h.series) expect(g.density.reduce((s, v) => s + v * h.binWidth, 0)).toBeCloseTo(1, 14);
  });

  it('handles an empty genre, a constant feature and bad input', () => {
    const h = computeGenreHistograms([2, 2, 2], [0, 0, 0], ['a', 'b']);
    // numpy widens a zero range to [v − 0.5, v + 0.5]; IQR 0 → one bin.
    expect(Array.from(h.edges)).toEqual([1.5, 2.5]);
    expect(Array.from(h.series[0]!.density)).toEqual([1]);
    expect(h.series[1]!.n).toBe(0);
    expect(Array.from(h.series[1]!.density)).toEqual([0]);
    expect(() => computeGenreHistograms([1, NaN], [0, 0], ['a'])).toThrow(/non-finite/);
    expect(() => computeGenreHistograms([1, 2], [0, 3], ['a'])).toThrow(/outside/);
    expect(computeGenreHistograms([0, 1e9, 1, 2, 3, 4, 5, 6], [0, 0, 0, 0, 0, 0, 0, 0], ['a'], { maxBins: 50 }).edges.length).toBe(51);
  });
});

/*
 * numpy reference (python3, numpy 2.4), NTNU 30 s, all 990 rows, labels = GenreID:
 *   t=X[:,names.index('tempo')]; edges=np.histogram_bin_edges(t,'fd')
 *   print(len(edges)-1, edges[0], edges[1], edges[-1])
 *   for g in [0,5]: print(np.histogram(t[y==g],bins=edges,density=True)[0][:6], np.histogram(t[y==g],bins=edges)[0])
 *   t=X[:,names.index('spectral_centroid_mean')]; edges=np.histogram_bin_edges(t,'fd'); print(len(edges)-1, edges[0], edges[1], edges[-1])
 *   d,_=np.histogram(t[y==9],bins=edges,density=True); print(d.max(), d.argmax())
 */
const ntnu = ['data', 'gtzan', 'GenreClassData_30s.txt'];
describe.skipIf(skipReason(...ntnu) !== undefined)('Freedman–Diaconis histograms on NTNU 30 s vs numpy', () => {
  it('matches numpy edges, counts and densities', () => {
    const ds = loadTableFile(sharedPath(...ntnu)!);
    const tempo = computeGenreHistograms(getColumn(ds, ds.featureNames.indexOf('tempo')), ds.labels, ds.genres);
    expect(tempo.rule).toBe('fd');
    expect(tempo.edges.length - 1).toBe(18);
    expect(tempo.edges[0]).toBeCloseTo(69.83741554054055, 10);
    expect(tempo.edges[1]).toBeCloseTo(76.21146537162163, 10);
    expect(tempo.edges[18]).toBeCloseTo(184.5703125, 10);
    expect(tempo.series[0]!.genre).toBe('pop');
    expect(Array.from(tempo.series[0]!.counts)).toEqual([0, 0, 3, 8, 16, 22, 10, 11, 5, 12, 3, 4, 3, 0, 2, 0, 1, 0]);
    expect(Array.from(tempo.series[5]!.counts)).toEqual([0, 0, 0, 1, 8, 11, 6, 14, 17, 12, 8, 8, 8, 0, 4, 0, 0, 1]);
    [0.0, 0.0, 0.004706583850931677, 0.012550890269151141, 0.025101780538302282, 0.034514948240165634].forEach((v, b) => expect(tempo.series[0]!.density[b]).toBeCloseTo(v, 12));
    [0.0, 0.0, 0.0, 0.0016008788608611148, 0.012807030886888919, 0.017609667469472262].forEach((v, b) => expect(tempo.series[5]!.density[b]).toBeCloseTo(v, 12));
    const centroid = computeGenreHistograms(getColumn(ds, ds.featureNames.indexOf('spectral_centroid_mean')), ds.labels, ds.genres);
    expect(centroid.edges.length - 1).toBe(19);
    expect(centroid.edges[0]).toBeCloseTo(570.150688164495, 8);
    expect(centroid.edges[1]).toBeCloseTo(773.5611120518233, 8);
    expect(centroid.edges[19]).toBeCloseTo(4434.948742023734, 8);
    const jazz = Array.from(centroid.series[9]!.density);
    expect(centroid.series[9]!.genre).toBe('jazz');
    expect(Math.max(...jazz)).toBeCloseTo(0.0008441906193179564, 14);
    expect(jazz.indexOf(Math.max(...jazz))).toBe(3);
  });
});

describe('minBins', () => {
  it('raises the Freedman–Diaconis count for clustered data and keeps densities integrating to 1', () => {
    // Two tight clusters far apart: FD on the pooled IQR gives very few bins.
    const values = [...Array.from({ length: 50 }, (_, i) => i * 0.01), ...Array.from({ length: 50 }, (_, i) => 100 + i * 0.01)];
    const labels = values.map((_, i) => (i < 50 ? 0 : 1));
    const fd = computeGenreHistograms(values, labels, ['a', 'b']);
    const at12 = computeGenreHistograms(values, labels, ['a', 'b'], { minBins: 12 });
    expect(fd.edges.length - 1).toBeLessThan(12);
    expect(at12.edges.length - 1).toBe(12);
    for (const s of at12.series) {
      const integral = Array.from(s.density).reduce((acc, d) => acc + d * at12.binWidth, 0);
      expect(integral).toBeCloseTo(1, 10);
    }
  });
});
