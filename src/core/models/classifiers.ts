/**
 * One interface at the seam: every model the lab trains answers `predict(inputs) → probabilities`
 * and says what inputs it needs (its {@link InputSpec}). Classify, the CLI's classify and saved
 * models use only this; how a model computes its answer (distances, trees, a network in this
 * thread or in the training worker) stays behind it.
 *
 * The classic models are fitted here on rows of a dataset, z-scored with those rows' statistics;
 * neural networks (trained by trainClassifier, or loaded from a saved model) are wrapped.
 */
import { featureIndices, selectMatrix, type Dataset } from '../data/dataset';
import { applyStandardizer, type ScalingKind } from '../data/scale';
import type { CancelToken } from '../errors';
import { LabError } from '../errors';
import { recipeVersionOf } from '../features/recipes';
import { predictRandomForest, trainRandomForest } from './forest';
import { fitScalerSpec, INPUT_SPEC_VERSION, isSpectrogramInput, sampleShapeOf, scalerAffine, type InputSpec } from './inputSpec';
import { knnNeighbours, knnPredict, type KnnWeights } from './knn';
import { predictLinearOvr } from './linearOvr';
import { trainLinearSvm } from './linearSvm';
import { predictLogisticRegression, trainLogisticRegression } from './logistic';
import type { Network } from './network';
import type { ClassicKindId } from './registry';
import { trainSgd } from './sgd';
import { predictSvm, trainSvm, type SvmGamma, type SvmKernel } from './svm';

/** Prepared samples: row-major n × prod(sampleShape), already scaled with the model's spec. */
export interface PreparedInputs {
  x: Float32Array | Float64Array;
  sampleShape: readonly number[];
}

export interface Classifier {
  /** Registry id of the model kind (an ensemble reports its members' kind). */
  readonly kind: string;
  /** What the model reads. */
  readonly spec: InputSpec;
  /** Class probabilities, row-major n × spec.genres.length (the model's label order). */
  predict(inputs: PreparedInputs): Promise<Float64Array>;
  dispose(): void;
}

/** What one sample of a spec is, in words, for mismatch messages. */
function describeSample(spec: InputSpec): string {
  if (isSpectrogramInput(spec)) return `${spec.spectrogram.nBands} mel bands × ${spec.spectrogram.cropFrames} frames`;
  return `${spec.featureNames.length} features${spec.input === 'segment-sequences' ? ` × ${spec.steps} steps` : ''}`;
}

function checkInputs(spec: InputSpec, inputs: PreparedInputs): number {
  const per = inputs.sampleShape.reduce((a, b) => a * b, 1);
  if (per !== sampleShapeOf(spec).reduce((a, b) => a * b, 1))
    throw new LabError('spec-mismatch', `Samples of ${inputs.sampleShape.join('×')} values do not fit this model's ${describeSample(spec)}.`);
  return inputs.x.length / per;
}

/** Options of the classic kinds (each reads its own; defaults as scikit-learn's where it has them). */
export interface ClassicFitOptions {
  /** Feature subset by name; default all of the dataset's. */
  features?: readonly string[];
  /** k-NN: neighbours (default 5) and weighting (default distance, as the NTNU study). */
  k?: number;
  weights?: KnnWeights;
  /** Logistic regression: inverse L2 strength (default 1). */
  C?: number;
  /** Random forest, Extra Trees: trees (default 100), min samples to split (default 2); seed (default 0) for every seeded model. */
  nTrees?: number;
  minSamplesSplit?: number;
  seed?: number;
  /** SVM: kernel (default rbf) and γ (default 'scale'); C as above. */
  kernel?: SvmKernel;
  gamma?: SvmGamma;
  /** SGD: L2 strength (default 1e-4). */
  alpha?: number;
  /** How features are scaled with the training rows' statistics (default z-score). */
  scaling?: ScalingKind;
  cancel?: CancelToken;
  /** Fraction of the fit done, 0…1 (models that can tell). */
  onProgress?: (fraction: number) => void;
}

/** Fit data of a classic model: the chosen rows' features, scaled (z-score by default) with their own statistics. */
function fitData(ds: Dataset, trainRows: ArrayLike<number>, features: readonly string[] | undefined, scaling: ScalingKind = 'zscore') {
  const names = features && features.length ? [...features] : [...ds.featureNames];
  const cols = featureIndices(ds, names);
  const raw = selectMatrix(ds, trainRows, cols);
  const scaler = fitScalerSpec(scaling, raw, cols.length);
  const spec: InputSpec = {
    version: INPUT_SPEC_VERSION,
    input: 'feature-rows',
    recipe: ds.meta.recipe ?? null,
    recipeVersion: recipeVersionOf(ds.meta.recipe),
    featureNames: names,
    scaler,
    genres: [...ds.genres],
    steps: 1,
  };
  const labels = Int32Array.from({ length: trainRows.length }, (_, i) => ds.labels[trainRows[i] as number] as number);
  const affine = scalerAffine(scaler);
  return { spec, x: applyStandardizer(raw, { mean: Float64Array.from(affine.mean), std: Float64Array.from(affine.std) }), labels, d: cols.length, k: ds.genres.length };
}

const asFloat64 = (x: Float32Array | Float64Array): Float64Array => (x instanceof Float64Array ? x : Float64Array.from(x));

function syncClassifier(kind: string, spec: InputSpec, predict: (x: Float64Array) => Float64Array): Classifier {
  return {
    kind,
    spec,
    predict: async (inputs) => {
      checkInputs(spec, inputs);
      return predict(asFloat64(inputs.x));
    },
    dispose: () => undefined,
  };
}

/** How a classic kind is fitted on `trainRows` of `ds` (the registry's `loadFit`). */
export type ClassicFitter = (ds: Dataset, trainRows: ArrayLike<number>, o?: ClassicFitOptions) => Classifier;

/** A classic model fitted on a scaled matrix: classifies scaled rows. */
export type MatrixPredictor = (x: Float64Array) => { predicted: Int32Array; probabilities: Float64Array };

/**
 * Each classic kind fitted on a scaled training matrix (row-major n × d, labels 0…k−1), with
 * scikit-learn's defaults where an option is not given. Fitters on datasets (below) and the
 * evaluation runners (eval/classic.ts) both go through this one table.
 */
export const MATRIX_FITS: Record<ClassicKindId, (x: Float64Array, y: Int32Array, d: number, k: number, o: ClassicFitOptions) => MatrixPredictor> = {
  knn: (x, y, d, k, o) => {
    const knn = { k: o.k ?? 5, weights: o.weights ?? ('distance' as const) };
    return (t) => knnPredict(x, y, t, d, k, knn);
  },
  logistic: (x, y, d, k, o) => {
    const model = trainLogisticRegression(x, y, d, k, { C: o.C ?? 1 }, o.cancel);
    return (t) => predictLogisticRegression(model, t);
  },
  forest: (x, y, d, k, o) => {
    const model = trainRandomForest(x, y, d, k, { nTrees: o.nTrees ?? 100, minSamplesSplit: o.minSamplesSplit, seed: o.seed ?? 0 }, o.cancel, o.onProgress);
    return (t) => predictRandomForest(model, t);
  },
  svm: (x, y, d, k, o) => {
    const model = trainSvm(x, y, d, k, { C: o.C, kernel: o.kernel, gamma: o.gamma }, o.cancel, o.onProgress);
    return (t) => predictSvm(model, t);
  },
  'linear-svm': (x, y, d, k, o) => {
    const model = trainLinearSvm(x, y, d, k, { C: o.C, seed: o.seed }, o.cancel, o.onProgress);
    return (t) => predictLinearOvr(model, t);
  },
  'extra-trees': (x, y, d, k, o) => {
    // scikit-learn's ExtraTreesClassifier: random thresholds and, by default, no bootstrap.
    const model = trainRandomForest(x, y, d, k, { nTrees: o.nTrees ?? 100, minSamplesSplit: o.minSamplesSplit, splitter: 'random', bootstrap: false, seed: o.seed ?? 0 }, o.cancel, o.onProgress);
    return (t) => predictRandomForest(model, t);
  },
  sgd: (x, y, d, k, o) => {
    const model = trainSgd(x, y, d, k, { alpha: o.alpha, seed: o.seed }, o.cancel, o.onProgress);
    return (t) => predictLinearOvr(model, t);
  },
};

/** A neighbour behind a k-NN answer, as a row of the dataset the model was fitted on. */
export interface DatasetNeighbour {
  row: number;
  distance: number;
  label: number;
  weight: number;
}

/** A k-NN Classifier that also says which training rows each answer came from ("why this answer"). */
export interface KnnClassifier extends Classifier {
  /** Per sample of `inputs`, its k neighbours, nearest first (the ones `predict` votes with). */
  neighbours(inputs: PreparedInputs): DatasetNeighbour[][];
}

export function fitKnnWithNeighbours(ds: Dataset, rows: ArrayLike<number>, o: ClassicFitOptions = {}): KnnClassifier {
  const f = fitData(ds, rows, o.features, o.scaling);
  const knn = { k: o.k ?? 5, weights: o.weights ?? ('distance' as const) };
  return {
    ...syncClassifier('knn', f.spec, (x) => knnPredict(f.x, f.labels, x, f.d, f.k, knn).probabilities),
    neighbours: (inputs) => {
      checkInputs(f.spec, inputs);
      return knnNeighbours(f.x, f.labels, asFloat64(inputs.x), f.d, knn).map((list) => list.map((n) => ({ row: rows[n.index] as number, distance: n.distance, label: n.label, weight: n.weight })));
    },
  };
}

/** The dataset-level fitter of a kind: scale the chosen rows, fit through MATRIX_FITS, wrap as a Classifier. */
function classicFitter(kind: ClassicKindId): ClassicFitter {
  return (ds, rows, o = {}) => {
    const f = fitData(ds, rows, o.features, o.scaling);
    const predict = MATRIX_FITS[kind](f.x, f.labels, f.d, f.k, o);
    return syncClassifier(kind, f.spec, (x) => predict(x).probabilities);
  };
}

/** k-NN: scaled rows, the lab's tie rules (knn.ts). */
/** k-NN that can also say which training rows each answer came from ("why this answer"). */
export const fitKnn: ClassicFitter = (ds, rows, o = {}) => fitKnnWithNeighbours(ds, rows, o);
/** Multinomial logistic regression (L-BFGS, scikit-learn's C). */
export const fitLogistic = classicFitter('logistic');
/** Random forest (scikit-learn's defaults: 100 trees, √d features per split, bootstrap). */
export const fitForest = classicFitter('forest');
/** SVC: libsvm's SMO, RBF or linear kernel, one-vs-one votes (vote shares as probabilities). */
export const fitSvm = classicFitter('svm');
/** LinearSVC-like linear SVM (squared hinge, one-vs-rest). */
export const fitLinearSvm = classicFitter('linear-svm');
/** Extra Trees (random thresholds, no bootstrap). */
export const fitExtraTrees = classicFitter('extra-trees');
/** SGDClassifier (hinge, one-vs-all, 'optimal' learning rate). */
export const fitSgd = classicFitter('sgd');

/**
 * A neural network as a Classifier, predicting in this thread (Node, the training worker). The
 * prediction function is passed in so this module needs no tfjs (use `predictProbabilities`).
 */
export function networkClassifier(kind: string, network: Network, spec: InputSpec, predictProbabilities: (net: Network, data: { x: Float32Array; sampleShape: number[] }) => Float32Array): Classifier {
  return {
    kind,
    spec,
    predict: async (inputs) => {
      checkInputs(spec, inputs);
      const x = inputs.x instanceof Float32Array ? inputs.x : Float32Array.from(inputs.x);
      return Float64Array.from(predictProbabilities(network, { x, sampleShape: [...inputs.sampleShape] }));
    },
    dispose: () => network.dispose(),
  };
}

/** Members voting by mean probability (the lab's ensembles). Members must read the same inputs. */
export function ensembleClassifier(members: readonly Classifier[]): Classifier {
  const first = members[0];
  if (!first) throw new LabError('bad-argument', 'An ensemble needs at least one member.');
  if (members.length === 1) return first;
  const key = (s: InputSpec) => JSON.stringify([s.input, s.recipe, s.steps, s.genres, s.featureNames, isSpectrogramInput(s) ? s.spectrogram : null]);
  members.forEach((m, i) => {
    if (key(m.spec) !== key(first.spec)) throw new LabError('spec-mismatch', `Ensemble member ${i + 1} reads other inputs than member 1.`);
  });
  return {
    kind: first.kind,
    spec: first.spec,
    predict: async (inputs) => {
      // One at a time: a worker-backed member runs one job at a time anyway.
      const probs: Float64Array[] = [];
      for (const m of members) probs.push(await m.predict(inputs));
      return averageProbabilities(probs);
    },
    dispose: () => members.forEach((m) => m.dispose()),
  };
}

/** Element-wise mean of equally long probability arrays (an ensemble's members). */
export function averageProbabilities(list: readonly ArrayLike<number>[]): Float64Array {
  const first = list[0];
  if (!first) throw new LabError('internal', 'No probabilities to average.');
  const out = new Float64Array(first.length);
  for (const p of list) {
    if (p.length !== out.length) throw new LabError('internal', 'Ensemble members returned different shapes.');
    for (let i = 0; i < out.length; i++) out[i]! += p[i] as number;
  }
  for (let i = 0; i < out.length; i++) out[i]! /= list.length;
  return out;
}

/** Every row of `ds` except those of the given tracks (a track is never its own neighbour). */
export function rowsExceptTracks(ds: Dataset, tracks: ReadonlySet<string>): Int32Array {
  const out: number[] = [];
  for (let r = 0; r < ds.nRows; r++) if (!tracks.has(ds.trackIds[r] as string)) out.push(r);
  return Int32Array.from(out);
}
