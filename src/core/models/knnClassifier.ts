/**
 * k-NN as a classifier of new feature rows (audio a student drops, or a table's rows): fitted on
 * chosen rows of a dataset, z-scored with those rows' statistics, with the input spec the Classify
 * code needs (recipe, features, scaler, genres). Used by the Classify cell and `lab classify`.
 */
import { featureIndices, selectMatrix, type Dataset } from '../data/dataset';
import { applyStandardizer, fitStandardizer } from '../data/scale';
import type { ClassifierInputSpec, ClassifyInputs } from './classifyAudio';
import { knnPredict, type KnnWeights } from './knn';

export interface FittedKnn {
  spec: ClassifierInputSpec;
  /** Vote shares, row-major nUnits × genres (model label order = the dataset's). */
  predict(inputs: Pick<ClassifyInputs, 'x'>): Float64Array;
  trainRows: number;
}

export function fitKnnClassifier(ds: Dataset, trainRows: ArrayLike<number>, o: { k: number; weights: KnnWeights; features?: readonly string[] }): FittedKnn {
  const names = o.features && o.features.length ? [...o.features] : [...ds.featureNames];
  const cols = featureIndices(ds, names);
  const raw = selectMatrix(ds, trainRows, cols);
  const scaler = fitStandardizer(raw, cols.length);
  const train = applyStandardizer(raw, scaler);
  const labels = Int32Array.from({ length: trainRows.length }, (_, i) => ds.labels[trainRows[i] as number] as number);
  return {
    spec: {
      unit: 'segment',
      recipe: ds.meta.recipe ?? null,
      featureNames: names,
      scaler: { mean: Array.from(scaler.mean), std: Array.from(scaler.std) },
      genres: [...ds.genres],
      steps: 1,
    },
    predict: (inputs) => knnPredict(train, labels, inputs.x, cols.length, ds.genres.length, { k: o.k, weights: o.weights }).probabilities,
    trainRows: trainRows.length,
  };
}

/** Every row of `ds` except those of the given tracks (a track is never its own neighbour). */
export function rowsExceptTracks(ds: Dataset, tracks: ReadonlySet<string>): Int32Array {
  const out: number[] = [];
  for (let r = 0; r < ds.nRows; r++) if (!tracks.has(ds.trackIds[r] as string)) out.push(r);
  return Int32Array.from(out);
}
