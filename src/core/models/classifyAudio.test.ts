import { describe, expect, it } from 'vitest';
import type { Dataset } from '../data/dataset';
import { isLabError } from '../errors';
import { KAGGLE_FEATURE_NAMES, NTNU_FEATURE_NAMES } from '../features/recipes';
import { buildClassifyInputs, recipeForModel, summarizePrediction, tableRowsOfTrack } from './classifyAudio';
import { averageProbabilities } from './classifiers';
import type { InputSpec } from './inputSpec';

/** An NTNU row (63 values, table order) with the named features set, the rest 100 + index. */
function ntnuRow(values: Record<string, number>): Float64Array {
  return Float64Array.from(NTNU_FEATURE_NAMES, (n, i) => values[n] ?? 100 + i);
}

const segModel: InputSpec = {
  version: 2,
  input: 'feature-rows',
  recipe: 'ntnu10',
  recipeVersion: null,
  // deliberately not in table order: inputs follow the model's order
  featureNames: ['tempo', 'rmse_mean'],
  scaler: { kind: 'zscore', mean: [120, 0.1], std: [20, 0.05] },
  genres: ['a', 'b', 'c'],
  steps: 1,
};

const rows = [ntnuRow({ tempo: 100, rmse_mean: 0.2 }), ntnuRow({ tempo: 140, rmse_mean: 0.1 }), ntnuRow({ tempo: 120, rmse_mean: 0.05 })];
const audio = { featureNames: NTNU_FEATURE_NAMES, rows };

function codeOf(f: () => unknown): string | undefined {
  try {
    f();
  } catch (e) {
    return isLabError(e) ? e.code : 'not-a-lab-error';
  }
  return undefined;
}

describe('buildClassifyInputs', () => {
  it('segment model: one sample per segment, features picked by name, z-scored with the model scaler; 10 s segments', () => {
    const r = buildClassifyInputs(segModel, audio);
    expect(r.sampleShape).toEqual([2]);
    // (100-120)/20 = -1, (0.2-0.1)/0.05 = 2; (140-120)/20 = 1, 0; 0, (0.05-0.1)/0.05 = -1
    expect(Array.from(r.x).map((v) => Math.round(v * 1e6) / 1e6)).toEqual([-1, 2, 1, 0, 0, -1]);
    expect(r.units.map((u) => [u.startSec, u.endSec])).toEqual([
      [0, 10],
      [10, 20],
      [20, 30],
    ]);
    expect(r.unusedSegments).toBe(0);
  });

  it('sequence model: consecutive groups of `steps` segments; a trailing partial group is left out', () => {
    const seq: InputSpec = { ...segModel, input: 'segment-sequences', steps: 2 };
    const r = buildClassifyInputs(seq, audio);
    expect(r.sampleShape).toEqual([2, 2]);
    expect(Array.from(r.x).map((v) => Math.round(v * 1e6) / 1e6)).toEqual([-1, 2, 1, 0]);
    expect(r.units).toEqual([{ firstSegment: 0, lastSegment: 1, startSec: 0, endSec: 20 }]);
    expect(r.unusedSegments).toBe(1);
  });

  it('a sequence longer than the audio is audio-too-short, not a guess', () => {
    expect(codeOf(() => buildClassifyInputs({ ...segModel, input: 'segment-sequences', steps: 3 }, { featureNames: NTNU_FEATURE_NAMES, rows: rows.slice(0, 2) }))).toBe('audio-too-short');
    expect(codeOf(() => buildClassifyInputs(segModel, { featureNames: NTNU_FEATURE_NAMES, rows: [] }))).toBe('audio-too-short');
  });

  it('whole-clip recipe: the segment spans the clip, from its length in samples', () => {
    const m: InputSpec = { ...segModel, recipe: 'kaggle30', featureNames: ['tempo'], scaler: { kind: 'zscore', mean: [0], std: [1] } };
    const row = Float64Array.from(KAGGLE_FEATURE_NAMES, (n) => (n === 'tempo' ? 123 : 0));
    const r = buildClassifyInputs(m, { featureNames: KAGGLE_FEATURE_NAMES, rows: [row], segmentLengths: [661794] });
    expect(Array.from(r.x)).toEqual([123]);
    expect(r.units[0]!.startSec).toBe(0);
    expect(r.units[0]!.endSec).toBeCloseTo(661794 / 22050, 12);
  });

  it('rows lacking a model feature are a spec-mismatch', () => {
    expect(codeOf(() => buildClassifyInputs(segModel, { featureNames: ['rmse_mean'], rows: [Float64Array.of(1)] }))).toBe('spec-mismatch');
  });
});

describe('recipeForModel', () => {
  it('refuses unknown, missing, other-version or incomplete recipes with spec-mismatch', () => {
    expect(recipeForModel(segModel).id).toBe('ntnu10');
    expect(codeOf(() => recipeForModel({ ...segModel, recipe: null }))).toBe('spec-mismatch');
    expect(codeOf(() => recipeForModel({ ...segModel, recipe: 'generic' }))).toBe('spec-mismatch');
    expect(codeOf(() => recipeForModel({ ...segModel, recipeVersion: '2' }))).toBe('spec-mismatch');
    expect(recipeForModel({ ...segModel, recipeVersion: '1' }).id).toBe('ntnu10');
    // a Kaggle column name is not something the NTNU recipe computes
    expect(codeOf(() => recipeForModel({ ...segModel, featureNames: ['tempo', 'harmony_mean'] }))).toBe('spec-mismatch');
  });
});

describe('summarizePrediction', () => {
  const units = [0, 1, 2].map((k) => ({ firstSegment: k, lastSegment: k, startSec: k * 10, endSec: k * 10 + 10 }));
  it('per-unit argmax, mean probabilities, and a majority vote that can differ from the mean', () => {
    // votes: a, b, b → b; sums a 1.55, b 0.85, c 0.6 → mean a
    const p = summarizePrediction(['a', 'b', 'c'], units, [0.9, 0.05, 0.05, 0.3, 0.4, 0.3, 0.35, 0.4, 0.25]);
    expect(p.units.map((u) => u.genre)).toEqual(['a', 'b', 'b']);
    expect(p.votes).toEqual([1, 2, 0]);
    expect(p.voteGenre).toBe('b');
    expect(p.meanGenre).toBe('a');
    expect(p.meanProbabilities.map((v) => Math.round(v * 1e9) / 1e9)).toEqual([0.516666667, 0.283333333, 0.2]);
  });
  it('a tied vote goes to the higher summed probability', () => {
    // votes a 1, b 1; sums a 0.6, b 1.2
    const p = summarizePrediction(['a', 'b', 'c'], units.slice(0, 2), [0.5, 0.4, 0.1, 0.1, 0.8, 0.1]);
    expect(p.votes).toEqual([1, 1, 0]);
    expect(p.voteGenre).toBe('b');
    // and the other way round
    const q = summarizePrediction(['a', 'b', 'c'], units.slice(0, 2), [0.9, 0.05, 0.05, 0.3, 0.4, 0.3]);
    expect(q.voteGenre).toBe('a');
  });
  it('checks the probability shape', () => {
    expect(codeOf(() => summarizePrediction(['a', 'b'], units, [0.5, 0.5]))).toBe('internal');
  });
});

describe('averageProbabilities and tableRowsOfTrack', () => {
  it('averages ensemble members element-wise', () => {
    expect(Array.from(averageProbabilities([[0.2, 0.8], [0.6, 0.4]])).map((v) => Math.round(v * 1e9) / 1e9)).toEqual([0.4, 0.6]);
  });
  it('finds a track’s rows in segment order', () => {
    const ds: Dataset = {
      id: 't',
      name: 't',
      format: 'kaggle',
      featureNames: ['f', 'g'],
      nRows: 3,
      values: Float64Array.of(1, 2, 3, 4, 5, 6),
      labels: Int32Array.of(0, 1, 1),
      genres: ['metal', 'pop'],
      trackIds: ['metal.00000', 'pop.00001', 'pop.00001'],
      segmentIndex: Int32Array.of(0, 1, 0),
      rowKeys: ['metal.00000.au', 'pop.00001.1.wav', 'pop.00001.0.wav'],
      meta: { lengths: [10, 20, 30] },
    };
    const t = tableRowsOfTrack(ds, 'pop.00001')!;
    expect(t.rowIndices).toEqual([2, 1]);
    expect(t.rows.map((r) => Array.from(r))).toEqual([[5, 6], [3, 4]]);
    expect(t.segmentLengths).toEqual([30, 20]);
    expect(t.genre).toBe('pop');
    expect(tableRowsOfTrack(ds, 'jazz.00000')).toBeUndefined();
  });
});
