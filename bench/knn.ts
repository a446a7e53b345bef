/**
 * k-NN (k = 5, distance weights, brute force, z-scored) against scikit-learn in the same run:
 * - the NTNU 30 s table, all 63 features, the course's Train/Test split (792 × 198);
 * - a synthetic 100 000 × 60 table, 80/20 split (80 000 training rows, 20 000 queries), made here
 *   from a seed so both sides get exactly the same rows (written as .npy for Python).
 * Both sides time the classifier on the same z-scored matrices (fit + predict for scikit-learn,
 * `knnPredict` for ours); the predictions are compared too, as a check that the speed-up changed
 * nothing.
 */
import { readFileSync } from 'node:fs';
import { prepareData } from '../src/core/eval/classic';
import { knnPredict } from '../src/core/models/knn';
import { applyStandardizer, fitStandardizer } from '../src/core/data/scale';
import { createRng, randomNormal } from '../src/core/random';
import { loadTableFile } from '../src/node/loadTable';
import { sharedPath } from '../src/node/paths';
import { log, median, report } from './report';
import { referenceUnavailable, runPythonReference, tempExchange, writeNpy } from './reference';

export interface KnnBenchOptions {
  /** Rows of the synthetic table (default 100 000; smaller for a quick look). */
  rows?: number;
}

interface SklearnRun {
  sklearn: string;
  results: { threads: 'default' | 1; medianSec: number; minSec: number; runsSec: number[] }[];
}

const K = 5;
const FEATURES = 60;
const CLASSES = 10;
const GOAL_RATIO = 2;

/**
 * `n` rows × 60 features in 10 classes: class means drawn N(0, 0.35²) per feature, each row its
 * class mean plus N(0, 1) noise (so k-NN does better than chance, as on real features). Rows are
 * i.i.d., so the first 80 % train and the last 20 % are the queries.
 */
export function syntheticTable(n: number, seed = 2026): { x: Float64Array; labels: Int32Array } {
  const rng = createRng(seed);
  const means = Float64Array.from({ length: CLASSES * FEATURES }, () => 0.35 * randomNormal(rng));
  const x = new Float64Array(n * FEATURES);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const c = Math.floor(rng() * CLASSES);
    labels[i] = c;
    for (let f = 0; f < FEATURES; f++) x[i * FEATURES + f] = means[c * FEATURES + f]! + randomNormal(rng);
  }
  return { x, labels };
}

function readNpyInt32(path: string): Int32Array {
  const buf = readFileSync(path);
  const headerLen = buf.readUInt16LE(8);
  const header = buf.toString('latin1', 10, 10 + headerLen);
  if (!header.includes("'<i4'")) throw new Error(`${path}: expected int32 predictions, header ${header.trim()}`);
  const body = buf.subarray(10 + headerLen);
  return new Int32Array(body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength));
}

/** Time ours and scikit-learn's on one problem and print the comparison lines. */
function compare(
  name: string,
  train: Float64Array,
  trainLabels: Int32Array,
  test: Float64Array,
  testLabels: Int32Array,
  nF: number,
  nClasses: number,
  reps: { ours: number; before: number; sklearn: number; oursBudgetSec: number },
): void {
  const nTrain = trainLabels.length;
  const nTest = testLabels.length;
  log(`k-NN ${name}: ${nTrain} training × ${nTest} test rows × ${nF} features, k = ${K}, distance weights, brute force`);
  const timeOurs = (useKernel: boolean, runs: number) => {
    const times: number[] = [];
    let predicted: Int32Array = new Int32Array(0);
    const t0 = performance.now();
    for (let r = 0; r < runs; r++) {
      const ts = performance.now();
      let lastTenth = -1;
      predicted = knnPredict(train, trainLabels, test, nF, nClasses, { k: K, weights: 'distance' }, {
        useKernel,
        onProgress: (done, total) => {
          const tenth = Math.floor((10 * done) / total);
          if (nTest * nTrain > 1e8 && tenth > lastTenth) log(`  ours (${useKernel ? 'SIMD screening' : 'float64 tiles'}) run ${r + 1}: ${tenth * 10} % · ${((performance.now() - ts) / 1000).toFixed(1)} s`);
          lastTenth = tenth;
        },
      }).predicted;
      times.push((performance.now() - ts) / 1000);
      if ((performance.now() - t0) / 1000 > reps.oursBudgetSec) break;
    }
    let correct = 0;
    for (let i = 0; i < nTest; i++) if (predicted[i] === testLabels[i]) correct++;
    return { sec: median(times), predicted, note: `median of ${times.length}; accuracy ${((100 * correct) / nTest).toFixed(2)} %` };
  };
  // Before (float64 tiles only) and after (float32 SIMD screening + exact float64 recheck): the
  // ratio each change buys, and the same predictions from both.
  const variants = [
    { label: 'float64 tiles only', ...timeOurs(false, reps.before) },
    { label: 'SIMD screening + float64 recheck', ...timeOurs(true, reps.ours) },
  ];
  const predicted = variants[1]!.predicted;
  const ours = variants[1]!.sec;
  let sameAsBefore = 0;
  for (let i = 0; i < nTest; i++) if (variants[0]!.predicted[i] === predicted[i]) sameAsBefore++;
  log(`  the two paths agree on ${sameAsBefore}/${nTest} predictions; float64 tiles ${variants[0]!.sec.toFixed(3)} s, SIMD screening ${ours.toFixed(3)} s (${(variants[0]!.sec / ours).toFixed(2)}× faster)`);

  const missing = referenceUnavailable(['numpy', 'sklearn', 'threadpoolctl']);
  const what = `k-NN ${name} (${nTrain} × ${nTest} × ${nF})`;
  if (missing) {
    log(missing);
    for (const v of variants) report({ part: 'knn', what: `${what}, ours ${v.label}`, unit: 's', ours: v.sec, reference: null, referenceName: 'scikit-learn brute force', referenceKind: 'measured', goal: { maxRatio: GOAL_RATIO }, note: `${v.note}; ${missing}` });
    return;
  }
  const ex = tempExchange();
  try {
    writeNpy(ex.path('train.npy'), train, [nTrain, nF]);
    writeNpy(ex.path('labels.npy'), trainLabels, [nTrain]);
    writeNpy(ex.path('test.npy'), test, [nTest, nF]);
    const ref = runPythonReference<SklearnRun>('sklearn_knn.py', ['knn', ex.path('train.npy'), ex.path('labels.npy'), ex.path('test.npy'), '--k', String(K), '--reps', String(reps.sklearn), '--pred', ex.path('pred.npy')]);
    const theirs = readNpyInt32(ex.path('pred.npy'));
    let agree = 0;
    for (let i = 0; i < nTest; i++) if (theirs[i] === predicted[i]) agree++;
    const agreeNote = `predictions agree on ${agree}/${nTest}`;
    for (const r of ref.results) {
      for (const v of variants) report({
        part: 'knn',
        what: `${what}, ours ${v.label}`,
        unit: 's',
        ours: v.sec,
        reference: r.medianSec,
        referenceName: `scikit-learn ${ref.sklearn} brute force, ${r.threads === 1 ? '1 thread' : 'default threads'}`,
        referenceKind: 'measured',
        goal: { maxRatio: GOAL_RATIO },
        note: `ours ${v.note}, one thread; scikit-learn median of ${r.runsSec.length}; ${agreeNote}`,
      });
    }
  } finally {
    ex.dispose();
  }
}

export async function runKnnBench(o: KnnBenchOptions = {}): Promise<void> {
  const path = sharedPath('data', 'gtzan', 'GenreClassData_30s.txt');
  if (!path) log('knn NTNU 30 s: skipped (../shared/data/gtzan/GenreClassData_30s.txt not found)');
  else {
    const ds = loadTableFile(path);
    const prep = prepareData(ds, ds.featureNames, { kind: 'predefined' });
    compare('NTNU 30 s, 63 features', prep.train, prep.trainLabels, prep.test, prep.testLabels, prep.nFeatures, ds.genres.length, { ours: 7, before: 7, sklearn: 7, oursBudgetSec: 30 });
  }
  const n = o.rows ?? 100_000;
  const nTrain = Math.round(n * 0.8);
  const { x, labels } = syntheticTable(n);
  const rawTrain = x.subarray(0, nTrain * FEATURES);
  const scaler = fitStandardizer(rawTrain, FEATURES);
  compare(
    `synthetic ${n} × ${FEATURES}, 80/20`,
    applyStandardizer(rawTrain, scaler),
    labels.subarray(0, nTrain),
    applyStandardizer(x.subarray(nTrain * FEATURES), scaler),
    labels.subarray(nTrain),
    FEATURES,
    CLASSES,
    // The float64 tiles take tens of seconds at full size: one run of them; stop repeating after a minute.
    { ours: 3, before: 1, sklearn: 3, oursBudgetSec: 60 },
  );
}
