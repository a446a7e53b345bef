/**
 * "Why this answer": which features moved one prediction most, by occlusion — each feature in
 * turn is replaced by its training mean (0, since inputs arrive z-scored with the model's own
 * statistics) in every sample, and the drop in the answer's probability is recorded. It asks
 * only the {@link Classifier} interface, so it works the same for logistic regression, forests,
 * MLPs (and sequence models, where the feature is replaced at every step).
 */
import type { Dataset } from '../data/dataset';
import { LabError } from '../errors';
import type { Classifier, DatasetNeighbour, PreparedInputs } from './classifiers';

export interface FeatureEffect {
  feature: string;
  /**
   * Probability of the answer with every feature as given, minus with this feature at its
   * training mean: positive = the feature's value pushed towards this answer.
   */
  change: number;
}

export interface OcclusionResult {
  /** The class explained (index into spec.genres). */
  classIndex: number;
  /** Its mean probability over the samples, nothing occluded. */
  baseProbability: number;
  /** One per feature, largest |change| first (ties in feature order). */
  effects: FeatureEffect[];
}

function meanOfClass(p: Float64Array, n: number, k: number, c: number, from: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) s += p[(from + i) * k + c]!;
  return s / n;
}

/**
 * Occlusion effects of every feature on `model`'s answer for `inputs` (all samples of one track
 * are treated as one answer: their mean probability). One `predict` call for all features (a
 * worker-backed model makes one round trip).
 * @param classIndex the answer to explain; default the class of highest mean probability
 */
export async function occlusionEffects(model: Classifier, inputs: PreparedInputs, classIndex?: number): Promise<OcclusionResult> {
  const spec = model.spec;
  // Widened to string: spectrogram inputs join InputSpec in the CNN issue, and are refused here.
  const input: string = spec.input;
  if (input !== 'feature-rows' && input !== 'segment-sequences') throw new LabError('bad-argument', `Feature occlusion needs a model that reads feature values; this one reads ${input}.`);
  const d = spec.featureNames.length;
  const per = inputs.sampleShape.reduce((a, b) => a * b, 1);
  if (d === 0 || per % d !== 0) throw new LabError('spec-mismatch', `Samples of ${inputs.sampleShape.join('×')} values do not hold the model's ${d} features.`);
  const n = inputs.x.length / per;
  if (n === 0) throw new LabError('bad-argument', 'There is no sample to explain.');
  const k = spec.genres.length;
  // Block 0: the inputs as given; block 1 + j: feature j set to 0 everywhere.
  const x = new Float64Array((d + 1) * inputs.x.length);
  for (let b = 0; b <= d; b++) {
    const off = b * inputs.x.length;
    x.set(inputs.x, off);
    if (b > 0) for (let i = b - 1; i < inputs.x.length; i += d) x[off + i] = 0;
  }
  const p = await model.predict({ x, sampleShape: inputs.sampleShape });
  let c = classIndex;
  if (c === undefined) {
    c = 0;
    for (let j = 1; j < k; j++) if (meanOfClass(p, n, k, j, 0) > meanOfClass(p, n, k, c, 0)) c = j;
  }
  if (!(c >= 0 && c < k)) throw new LabError('bad-argument', `Class ${c} is not one of the model's ${k} genres.`);
  const base = meanOfClass(p, n, k, c, 0);
  const effects = spec.featureNames.map((feature, j) => ({ feature, change: base - meanOfClass(p, n, k, c, (j + 1) * n) }));
  const order = effects.map((e, j) => [e, j] as const).sort((a, b) => Math.abs(b[0].change) - Math.abs(a[0].change) || a[1] - b[1]);
  return { classIndex: c, baseProbability: base, effects: order.map(([e]) => e) };
}

/** A k-NN neighbour as the student sees it. */
export interface NeighbourRow {
  /** The training row's key (`blues.00012.3.wav`) or, without one, its track id. */
  id: string;
  trackId: string;
  genre: string;
  distance: number;
  /** Share of the vote, 0…1. */
  weight: number;
}

/** Names the neighbours of a k-NN answer (rows of `ds`, as fitKnnWithNeighbours returns them). */
export function describeNeighbours(ds: Dataset, neighbours: readonly (readonly DatasetNeighbour[])[]): NeighbourRow[][] {
  return neighbours.map((list) =>
    list.map((n) => ({ id: ds.rowKeys[n.row] ?? (ds.trackIds[n.row] as string), trackId: ds.trackIds[n.row] as string, genre: ds.genres[n.label] ?? String(n.label), distance: n.distance, weight: n.weight })),
  );
}
