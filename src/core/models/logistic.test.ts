import { describe, expect, it } from 'vitest';
import { predefinedSplit } from '../data/split';
import { selectMatrix } from '../data/dataset';
import { applyStandardizer, fitStandardizer } from '../data/scale';
import { evaluatePredictions } from '../eval/metrics';
import { loadTableFile } from '../../node/loadTable';
import { sharedPath, skipReason } from '../../node/paths';
import { predictLogisticRegression, trainLogisticRegression } from './logistic';

/*
 * References: scipy.optimize.minimize(method='L-BFGS-B') on the same objective, written
 * independently in numpy (python3, numpy 2.4, scipy 1.17). Small problem:
 *
 *   import numpy as np, scipy.optimize as so
 *   X=np.array([[0.2,1.1],[1.0,0.3],[-0.5,0.8],[1.5,-0.2],[-1.2,-0.7],[0.3,-1.4],[2.0,0.9],[-0.8,1.6],
 *               [0.9,-0.9],[-1.6,0.1],[0.1,0.4],[1.2,1.3]])
 *   y=np.array([0,1,0,1,2,2,1,0,2,2,0,1]); K=3; n,d=X.shape
 *   def fit(C):
 *       Y=np.eye(K)[y]
 *       def f(t):
 *           W=t[:K*d].reshape(K,d); b=t[K*d:]; S=X@W.T+b; m=S.max(1,keepdims=True)
 *           lse=m[:,0]+np.log(np.exp(S-m).sum(1)); R=np.exp(S-lse[:,None])-Y
 *           return ((lse-(S*Y).sum(1)).sum()+0.5/C*(W*W).sum())/n, np.concatenate([(R.T@X+W/C).ravel(),R.sum(0)])/n
 *       r=so.minimize(f,np.zeros(K*(d+1)),jac=True,method='L-BFGS-B',options=dict(maxiter=10000,gtol=1e-13,ftol=1e-16))
 *       W=r.x[:K*d].reshape(K,d); b=r.x[K*d:]; S=X@W.T+b; P=np.exp(S-S.max(1,keepdims=True)); P/=P.sum(1,keepdims=True)
 *       print(r.fun, W.ravel().tolist(), b.tolist(), P[0].tolist(), P[4].tolist())
 *   fit(1.0); fit(0.1)
 */
const X = Float64Array.from([0.2, 1.1, 1.0, 0.3, -0.5, 0.8, 1.5, -0.2, -1.2, -0.7, 0.3, -1.4, 2.0, 0.9, -0.8, 1.6, 0.9, -0.9, -1.6, 0.1, 0.1, 0.4, 1.2, 1.3]);
const y = Int32Array.from([0, 1, 0, 1, 2, 2, 1, 0, 2, 2, 0, 1]);
const reference = [
  {
    C: 1,
    loss: 0.539998039237276,
    W: [-0.4681908354725859, 0.7785862700949, 1.1741447880039901, 0.37160974308128086, -0.7059539525314041, -1.1501960131761808],
    b: [0.10563810311801168, -0.5431387585829023, 0.4375006554648909],
    P0: [0.6160722504083901, 0.28582516981755096, 0.09810257977405898],
    P4: [0.12123612085875982, 0.011740495447355996, 0.8670233836938841],
  },
  {
    C: 0.1,
    loss: 0.9247809644635607,
    W: [-0.14320285506612856, 0.21426410521876552, 0.3247441058953749, 0.08696443567283058, -0.18154125082924635, -0.3012285408915961],
    b: [-0.0016846913249478205, -0.12234222153722248, 0.12402691286217045],
    P0: [0.4025142224975841, 0.3405740775400464, 0.2569116999623694],
    P4: [0.3071336298958865, 0.16972828158721195, 0.5231380885169015],
  },
];

describe('multinomial logistic regression vs scipy L-BFGS', () => {
  for (const ref of reference) {
    it(`matches coefficients, intercepts and probabilities for C = ${ref.C}`, () => {
      const m = trainLogisticRegression(X, y, 2, 3, { C: ref.C });
      expect(m.converged).toBe(true);
      expect(m.loss).toBeCloseTo(ref.loss, 10);
      ref.W.forEach((w, i) => expect(Math.abs(m.coef[i]! - w)).toBeLessThan(1e-6));
      ref.b.forEach((b, i) => expect(Math.abs(m.intercept[i]! - b)).toBeLessThan(1e-6));
      const p = predictLogisticRegression(m, X);
      ref.P0.forEach((v, c) => expect(Math.abs(p.probabilities[c]! - v)).toBeLessThan(1e-6));
      ref.P4.forEach((v, c) => expect(Math.abs(p.probabilities[4 * 3 + c]! - v)).toBeLessThan(1e-6));
      expect(p.predicted[0]).toBe(0);
      expect(p.predicted[4]).toBe(2);
    });
  }

  it('shrinks weights as C falls and rejects bad arguments', () => {
    const strong = trainLogisticRegression(X, y, 2, 3, { C: 0.01 });
    const weak = trainLogisticRegression(X, y, 2, 3, { C: 100 });
    const norm = (a: Float64Array) => Math.hypot(...a);
    expect(norm(strong.coef)).toBeLessThan(norm(weak.coef));
    expect(() => trainLogisticRegression(X, y, 2, 3, { C: 0 })).toThrow(/C must be/);
    expect(() => trainLogisticRegression(X, y, 2, 1)).toThrow(/two genres/);
    expect(() => trainLogisticRegression(X.subarray(1), y, 2, 3)).toThrow(/expected/);
  });
});

/*
 * NTNU 30 s reference (same numpy objective f(t) as above with C = 1, z-scored with training mean and
 * population std, all 63 features, predefined Train/Test):
 *
 *   rows=[l.rstrip('\n').split('\t') for l in open('GenreClassData_30s.txt')][1:]
 *   X=np.array([[float(v) for v in r[2:65]] for r in rows]); y=np.array([int(r[65]) for r in rows])
 *   tr=np.array([r[67]=='Train' for r in rows]); mu=X[tr].mean(0); sd=X[tr].std(0); Z=(X-mu)/sd
 *   ... f(t) as above with X=Z[tr], y=y[tr], K=10; minimize(..., options=dict(maxiter=20000,gtol=1e-12,ftol=1e-16,maxcor=30))
 *   pred=np.argmax(Z[~tr]@W.T+b,1); acc=(pred==y[~tr]).mean(); macro F1 over the 10 genres
 *
 * printed: loss 0.45191329049465806, accuracy 0.7323232323232324 (145/198), macro F1
 * 0.7269763199566476, W[0,:3] = [-0.5203733833722304, 0.8419169910687836, 1.073342303810365],
 * b[:3] = [-2.649791142601361, -1.4089775978872898, 1.9720928959196862],
 * P(test row 0) = [0.876845, 2e-06, 0.110081, 0.0, 0.001719, 0.0, 9.9e-05, 0.011009, 0.000233, 1.2e-05].
 * (GenreID order = the parser's NTNU genre order, so label indices agree.)
 */
const ntnu = ['data', 'gtzan', 'GenreClassData_30s.txt'];
describe.skipIf(skipReason(...ntnu) !== undefined)('logistic regression on NTNU 30 s (predefined split, 63 z-scored features)', () => {
  it('reaches the scipy reference optimum, accuracy and macro F1', () => {
    const ds = loadTableFile(sharedPath(...ntnu)!);
    const s = predefinedSplit(ds);
    const cols = ds.featureNames.map((_, i) => i);
    const raw = selectMatrix(ds, s.train, cols);
    const scaler = fitStandardizer(raw, 63);
    const Xtr = applyStandardizer(raw, scaler);
    const Xte = applyStandardizer(selectMatrix(ds, s.test, cols), scaler);
    const ytr = Int32Array.from(s.train, (r) => ds.labels[r]!);
    const yte = Int32Array.from(s.test, (r) => ds.labels[r]!);
    const t0 = performance.now();
    const m = trainLogisticRegression(Xtr, ytr, 63, 10);
    const ms = performance.now() - t0;
    const p = predictLogisticRegression(m, Xte);
    const ev = evaluatePredictions(yte, p.predicted, ds.genres);
    console.log(`logistic NTNU 30 s: ${ms.toFixed(0)} ms, ${m.nIter} iterations, accuracy ${ev.accuracy.toFixed(4)}, macro F1 ${ev.macroF1.toFixed(4)}`);
    expect(m.converged).toBe(true);
    expect(m.loss).toBeCloseTo(0.45191329049465806, 9);
    [-0.5203733833722304, 0.8419169910687836, 1.073342303810365].forEach((w, j) => expect(Math.abs(m.coef[j]! - w)).toBeLessThan(1e-4));
    [-2.649791142601361, -1.4089775978872898, 1.9720928959196862].forEach((b, c) => expect(Math.abs(m.intercept[c]! - b)).toBeLessThan(1e-4));
    [0.876845, 2e-6, 0.110081, 0, 0.001719, 0, 9.9e-5, 0.011009, 0.000233, 1.2e-5].forEach((v, c) => expect(Math.abs(p.probabilities[c]! - v)).toBeLessThan(1e-5));
    expect(ev.correct).toBe(145);
    expect(ev.accuracy).toBeCloseTo(0.7323232323232324, 12);
    expect(ev.macroF1).toBeCloseTo(0.7269763199566476, 10);
    expect(ms).toBeLessThan(10000);
  });
});
