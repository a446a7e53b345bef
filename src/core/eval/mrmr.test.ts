import { describe, expect, it } from 'vitest';
import { loadTableFile } from '../../node/loadTable';
import { sharedPath, skipReason } from '../../node/paths';
import { discretizeEqualFrequency, mutualInformation, rankFeaturesMrmr } from './mrmr';

const LN2 = Math.log(2);

describe('equal-frequency discretisation', () => {
  it('bins by the count of strictly smaller values, ties sharing a bin', () => {
    // sorted 1,3,3,5,7,9 → values below: 1:0, 3:1, 5:3, 7:4, 9:5 → ⌊3·below/6⌋ = 0,0,1,2,2
    expect(Array.from(discretizeEqualFrequency([5, 1, 3, 3, 9, 7], 3))).toEqual([1, 0, 0, 0, 2, 2]);
    expect(Array.from(discretizeEqualFrequency([4, 4, 4], 5))).toEqual([0, 0, 0]);
  });
});

describe('mutual information (nats)', () => {
  it('matches hand computations', () => {
    expect(mutualInformation([0, 0, 1, 1], [0, 0, 1, 1], 2, 2)).toBeCloseTo(LN2, 14);
    expect(mutualInformation([0, 1, 0, 1], [0, 0, 1, 1], 2, 2)).toBeCloseTo(0, 14);
    // P(0,0)=½, P(0,1)=¼, P(1,1)=¼; p_a=(¾,¼), p_b=(½,½)
    const byHand = 0.5 * Math.log(0.5 / 0.375) + 0.25 * Math.log(0.25 / 0.375) + 0.25 * Math.log(0.25 / 0.125);
    expect(mutualInformation([0, 0, 0, 1], [0, 0, 1, 1], 2, 2)).toBeCloseTo(byHand, 14);
  });
});

describe('MRMR (MID) on a hand-made example', () => {
  // Genres 0..3 in pairs. f0 = high bit of the genre, f1 = f0 scaled (a redundant copy),
  // f2 = low bit (independent of f0), f3 alternates within each genre (uninformative).
  // With 2 bins: I(f0;y) = I(f1;y) = I(f2;y) = ln 2, I(f3;y) = 0, I(f0;f1) = ln 2, I(f0;f2) = 0.
  const y = Int32Array.from([0, 0, 1, 1, 2, 2, 3, 3]);
  const cols = [
    [1, 1, 1, 1, 2, 2, 2, 2],
    [10, 10, 10, 10, 20, 20, 20, 20],
    [3, 3, 4, 4, 3, 3, 4, 4],
    [1, 2, 1, 2, 1, 2, 1, 2],
  ];
  const X = new Float64Array(8 * 4);
  for (let i = 0; i < 8; i++) for (let f = 0; f < 4; f++) X[i * 4 + f] = cols[f]![i]!;

  it('picks relevance first, then avoids the redundant copy', () => {
    const steps = rankFeaturesMrmr(X, 4, y, 4, { nBins: 2 }, ['f0', 'f1', 'f2', 'f3']);
    // Step 0: f0, f1, f2 tie at ln 2 → lowest index. Step 1: f2 scores ln 2 − 0, f1 ln 2 − ln 2.
    // Step 2: f1 = ln 2 − (ln 2 + 0)/2, f3 = 0 − 0. Step 3: f3 = 0 − mean(0, 0, 0).
    expect(steps.map((s) => s.name)).toEqual(['f0', 'f2', 'f1', 'f3']);
    const expected = [
      [LN2, 0, LN2],
      [LN2, 0, LN2],
      [LN2, LN2 / 2, LN2 / 2],
      [0, 0, 0],
    ];
    steps.forEach((s, i) => {
      expect(s.relevance).toBeCloseTo(expected[i]![0]!, 12);
      expect(s.redundancy).toBeCloseTo(expected[i]![1]!, 12);
      expect(s.score).toBeCloseTo(expected[i]![2]!, 12);
    });
    expect(rankFeaturesMrmr(X, 4, y, 4, { nBins: 2, maxFeatures: 2 }).map((s) => s.feature)).toEqual([0, 2]);
    expect(() => rankFeaturesMrmr(X, 4, y, 4, { maxFeatures: 5 })).toThrow(/1…4/);
  });
});

/*
 * NTNU 30 s, all 990 rows, 10 equal-frequency bins — an independent numpy implementation of the
 * documented rule (python3, numpy 2.4):
 *
 *   def disc(x,B=10):
 *       s=np.sort(x); below=np.searchsorted(s,x,side='left'); return np.minimum(B-1,(B*below)//len(x))
 *   def mi(a,b):
 *       J=np.zeros((a.max()+1,b.max()+1)); np.add.at(J,(a,b),1); P=J/J.sum()
 *       pa=P.sum(1,keepdims=True); pb=P.sum(0,keepdims=True); nz=P>0
 *       return float((P[nz]*np.log(P[nz]/(pa@pb)[nz])).sum())
 *   D=[disc(X[:,j]) for j in range(63)]; rel=[mi(d,y) for d in D]; sel=[]; red=np.zeros(63)
 *   for step in range(5):
 *       sc=[(rel[j]-(red[j]/step if step else 0)) if j not in sel else -np.inf for j in range(63)]
 *       b=int(np.argmax(sc)); print(names[b],b,rel[b],rel[b]-sc[b],sc[b]); sel.append(b)
 *       for j in range(63): red[j]+=mi(D[j],D[b])
 */
const ntnu = ['data', 'gtzan', 'GenreClassData_30s.txt'];
describe.skipIf(skipReason(...ntnu) !== undefined)('MRMR on NTNU 30 s', () => {
  it('gives numpy’s first five picks and scores', () => {
    const ds = loadTableFile(sharedPath(...ntnu)!);
    const t0 = performance.now();
    const steps = rankFeaturesMrmr(ds.values, ds.featureNames.length, ds.labels, ds.genres.length, { maxFeatures: 5 }, ds.featureNames);
    console.log(`MRMR NTNU 30 s, 5 picks: ${(performance.now() - t0).toFixed(0)} ms: ${steps.map((s) => s.name).join(', ')}`);
    const ref = [
      ['spectral_flatness_var', 0.5012090829704453, 0.0, 0.5012090829704453],
      ['mfcc_5_std', 0.3014738222520144, 0.06995667975835546, 0.23151714249365896],
      ['rmse_mean', 0.3717248309550753, 0.14994188073795559, 0.22178295021711972],
      ['mfcc_4_mean', 0.33742336187125777, 0.12933728545215128, 0.20808607641910648],
      ['spectral_centroid_var', 0.4246982969507263, 0.23761924545003504, 0.18707905150069126],
    ] as const;
    steps.forEach((s, i) => {
      const [name, rel, red, score] = ref[i]!;
      expect(s.name).toBe(name);
      expect(s.relevance).toBeCloseTo(rel, 12);
      expect(s.redundancy).toBeCloseTo(red, 12);
      expect(s.score).toBeCloseTo(score, 12);
    });
  });
});
