/**
 * Accuracy of the classic baselines against scikit-learn on the same rows: the NTNU 30 s table, all
 * 63 features, the course's Train/Test split, z-scored with the training rows (what `npm run lab --
 * classic --model M --data ../shared/data/gtzan/GenreClassData_30s.txt --split predefined` prints).
 * Seeded models run with seeds 0…4 on both sides; their spread is the yardstick for "the same",
 * since the random generators differ. scikit-learn through Debian's /usr/bin/python3 (bench/sklearn_classic.py).
 */
import { prepareData, runClassic } from '../src/core/eval/classic';
import { predictSvm, trainSvm } from '../src/core/models/svm';
import { classicKind, type ClassicKindId } from '../src/core/models/registry';
import { loadTableFile } from '../src/node/loadTable';
import { sharedPath } from '../src/node/paths';
import { log } from './report';
import { referenceUnavailable, runPythonReference, tempExchange, writeNpy } from './reference';

const MODELS: ClassicKindId[] = ['svm', 'linear-svm', 'extra-trees', 'sgd', 'logistic', 'forest'];
const SEEDS = 5;

interface SklearnRun {
  sklearn: string;
  models: Record<string, { seed: number; accuracy: number; macroF1: number; sec: number; converged: boolean }[]>;
  svm: { nSupport: number; maxAbsDiff: number; maxAbs: number } | null;
}

const pct = (x: number) => `${(x * 100).toFixed(2)} %`;
const spread = (xs: number[]) => (xs.length === 1 ? pct(xs[0]!) : `${pct(xs[0]!)} (seeds 0…${xs.length - 1}: ${pct(Math.min(...xs))} – ${pct(Math.max(...xs))}, mean ${pct(xs.reduce((a, b) => a + b, 0) / xs.length)})`);

export async function runClassicBench(): Promise<void> {
  const path = sharedPath('data', 'gtzan', 'GenreClassData_30s.txt');
  if (!path) {
    log('classic: skipped (../shared/data/gtzan/GenreClassData_30s.txt not found)');
    return;
  }
  const ds = loadTableFile(path);
  const split = { kind: 'predefined' } as const;
  let ref: SklearnRun | undefined;
  let svm: ReturnType<typeof trainSvm> | undefined;
  const why = referenceUnavailable(['sklearn', 'numpy']);
  if (why) log(`classic: ${why}`);
  else {
    const prep = prepareData(ds, ds.featureNames, split);
    const ex = tempExchange();
    try {
      writeNpy(ex.path('xtr.npy'), prep.train, [prep.trainLabels.length, prep.nFeatures]);
      writeNpy(ex.path('ytr.npy'), prep.trainLabels, [prep.trainLabels.length]);
      writeNpy(ex.path('xte.npy'), prep.test, [prep.testLabels.length, prep.nFeatures]);
      writeNpy(ex.path('yte.npy'), prep.testLabels, [prep.testLabels.length]);
      // Our SVC's decision values, pair by pair, against SVC(decision_function_shape='ovo')'s.
      svm = trainSvm(prep.train, prep.trainLabels, prep.nFeatures, ds.genres.length);
      const dec = predictSvm(svm, prep.test).decisions;
      writeNpy(ex.path('dec.npy'), dec, [prep.testLabels.length, svm.machines.length]);
      ref = runPythonReference<SklearnRun>('sklearn_classic.py', [ex.path('xtr.npy'), ex.path('ytr.npy'), ex.path('xte.npy'), ex.path('yte.npy'), '--seeds', String(SEEDS), '--svm-decisions', ex.path('dec.npy')]);
    } finally {
      ex.dispose();
    }
  }
  log(`NTNU 30 s, ${ds.featureNames.length} features, predefined split, z-score; accuracy on the table's Test rows${ref ? `; scikit-learn ${ref.sklearn} defaults beside ours` : ''}`);
  if (ref?.svm && svm)
    log(`  SVC decision values: ours ${svm.supportRows.length} support vectors, scikit-learn ${ref.svm.nSupport}; largest difference ${ref.svm.maxAbsDiff.toExponential(1)} (values up to ${ref.svm.maxAbs.toFixed(2)}; libsvm stops at a KKT violation of 1e-3)`);
  for (const model of MODELS) {
    const kind = classicKind(model);
    const seeds = kind.seeded ? SEEDS : 1;
    const ours = Array.from({ length: seeds }, (_, seed) => runClassic(ds, { model, features: ds.featureNames, settings: {}, split, seed }));
    const theirs = ref?.models[model];
    log(`  ${kind.label.padEnd(14)} ours ${spread(ours.map((r) => r.rows.accuracy))}, macro F1 ${ours[0]!.rows.macroF1.toFixed(3)}, ${ours[0]!.elapsedMs.toFixed(0)} ms`);
    if (theirs)
      log(`  ${''.padEnd(14)} sklearn ${spread(theirs.map((r) => r.accuracy))}, macro F1 ${theirs[0]!.macroF1.toFixed(3)}, ${(theirs[0]!.sec * 1000).toFixed(0)} ms${theirs.some((r) => !r.converged) ? ', ConvergenceWarning' : ''}`);
  }
}
