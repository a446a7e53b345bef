/**
 * Georgia Tech presets: the leakage demo's random split really puts segments of one track on both
 * sides and the split by track never does (counted here from the rows' file names, not with the
 * split code's own track ids); each preset runs headless on a small real subset of the Kaggle 3 s
 * table and returns fractions in [0, 1]; a wrong table is refused with the file to load.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { loadTableFile } from '../../node/loadTable';
import { sharedPath, skipReason } from '../../node/paths';
import { initNodeBackend } from '../../node/tfNode';
import { selectMatrix, type Dataset } from '../data/dataset';
import type { Split } from '../data/split';
import { GEORGIA_TECH_PRESETS, leakageSplits } from './georgiaTech';

/** Tracks with rows on both sides, from the Kaggle file names (`jazz.00012.3.wav` → `jazz.00012`). */
function countTracksOnBothSides(ds: Dataset, split: Split): number {
  const trackOf = (r: number) => {
    const m = /^([a-z]+\.\d{5})\.\d+\.wav$/.exec(ds.rowKeys[r] as string);
    if (!m) throw new Error(`unexpected row key ${ds.rowKeys[r]}`);
    return m[1] as string;
  };
  const train = new Set(Array.from(split.train, trackOf));
  return new Set(Array.from(split.test, trackOf).filter((t) => train.has(t))).size;
}

/** The first `perGenre` tracks of each genre, all their rows, as a dataset of its own. */
function subset(ds: Dataset, perGenre: number): Dataset {
  const keep = new Set<string>();
  const count = ds.genres.map(() => 0);
  for (let r = 0; r < ds.nRows; r++) {
    const t = ds.trackIds[r] as string;
    const g = ds.labels[r] as number;
    if (!keep.has(t) && count[g]! < perGenre) {
      keep.add(t);
      count[g]!++;
    }
  }
  const rows = Array.from({ length: ds.nRows }, (_, r) => r).filter((r) => keep.has(ds.trackIds[r] as string));
  const pick = <T,>(a: ArrayLike<T>) => rows.map((r) => a[r] as T);
  return {
    ...ds,
    id: `${ds.id}:first${perGenre}`,
    nRows: rows.length,
    values: selectMatrix(ds, rows, ds.featureNames.map((_, i) => i)),
    labels: Int32Array.from(pick(ds.labels)),
    trackIds: pick(ds.trackIds),
    segmentIndex: Int32Array.from(pick(ds.segmentIndex)),
    rowKeys: pick(ds.rowKeys),
  };
}

const parts = ['data', 'gtzan', 'features_3_sec_classical_jazz_rock.csv'];
const skip = skipReason(...parts);

describe.skipIf(skip !== undefined)('Georgia Tech presets on the Kaggle 3 s table (classical, jazz, rock)', () => {
  let full: Dataset;
  beforeAll(async () => {
    await initNodeBackend('wasm');
    full = loadTableFile(sharedPath(...parts)!, {}, () => undefined);
  });

  it('leakage demo: the random split of segments puts tracks on both sides, the split by track none; the preset reports those counts', async () => {
    const { bySegment, byTrack } = leakageSplits(full, 0);
    const leaked = countTracksOnBothSides(full, bySegment);
    // 300 tracks of ~10 segments, 20 % of segments to test: a track stays on one side only if all its
    // segments land together (≈ 0.8¹⁰ + 0.2¹⁰ ≈ 11 %), so most tracks straddle the split.
    expect(leaked).toBeGreaterThan(200);
    expect(countTracksOnBothSides(full, byTrack)).toBe(0);
    // Same number of test rows on both sides of the comparison (± rounding per genre and per track).
    expect(Math.abs(bySegment.test.length - byTrack.test.length)).toBeLessThan(30);
    const preset = GEORGIA_TECH_PRESETS.find((p) => p.id === 'georgia-tech-leakage')!;
    const r = await preset.run({ dataset: subset(full, 20), effort: 'quick', seed: 0 });
    const small = subset(full, 20);
    const n = (id: string) => r.numbers.find((x) => x.id === id)!.ours;
    expect(n('tracks-both-sides-random')).toBe(countTracksOnBothSides(small, leakageSplits(small, 0).bySegment));
    expect(n('tracks-both-sides-by-track')).toBe(0);
    expect(r.notes.join(' ')).toMatch(/both sides/);
  }, 120_000);

  it('every preset runs on 20 tracks per genre (quick), returns fractions in [0, 1], no paper number, labelled quick', async () => {
    const small = subset(full, 20);
    for (const preset of GEORGIA_TECH_PRESETS) {
      const progress: number[] = [];
      const r = await preset.run({ dataset: small, effort: 'quick', seed: 1 }, { onProgress: (f) => progress.push(f) });
      expect(r.presetId).toBe(preset.id);
      expect(r.dataUsed).toMatch(/quick/);
      expect(r.numbers.length).toBeGreaterThan(0);
      for (const x of r.numbers) {
        if (x.unit === 'count') expect(Number.isInteger(x.ours)).toBe(true);
        else if (x.id === 'optimism') expect(Math.abs(x.ours)).toBeLessThanOrEqual(1);
        else {
          expect(x.ours).toBeGreaterThanOrEqual(0);
          expect(x.ours).toBeLessThanOrEqual(1);
        }
        // The report's numbers are not in our sources: none may be made up.
        expect(x.paper).toBeUndefined();
      }
      // 3 genres: chance is 1/3; every model here learns something from 48 training tracks.
      expect(r.numbers.find((x) => x.id === 'accuracy' || x.id === 'track-split-accuracy')!.ours).toBeGreaterThan(0.5);
      expect(progress.length).toBeGreaterThan(0);
      expect(progress.every((f) => f >= 0 && f <= 1)).toBe(true);
    }
  }, 300_000);

  it('PCA keeps fewer components than features and more than 85 % of the training rows’ variance', async () => {
    const preset = GEORGIA_TECH_PRESETS.find((p) => p.id === 'georgia-tech-pca')!;
    const r = await preset.run({ dataset: subset(full, 20), effort: 'quick' });
    const k = r.numbers.find((x) => x.id === 'components')!.ours;
    expect(k).toBeGreaterThan(1);
    expect(k).toBeLessThan(57);
    expect(r.numbers.find((x) => x.id === 'variance-kept')!.ours).toBeGreaterThan(0.85);
    const bars = r.figures.find((f) => f.kind === 'bars');
    expect(bars && bars.kind === 'bars' ? bars.values.length : 0).toBe(k);
  }, 60_000);

  it('refuses a table it does not read, naming the file to load; keeps running on the right one', async () => {
    const seq = GEORGIA_TECH_PRESETS.find((p) => p.id === 'georgia-tech-gru')!;
    const thirty = sharedPath('data', 'gtzan', 'features_30_sec.csv');
    if (thirty) await expect(seq.run({ dataset: loadTableFile(thirty, {}, () => undefined) })).rejects.toThrow(/features_3_sec\.csv/);
    await expect(seq.run({})).rejects.toThrow(/needs features_3_sec\.csv.*no table is loaded/);
  });
});
