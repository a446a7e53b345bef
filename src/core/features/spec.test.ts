import { describe, expect, it } from 'vitest';
import { extractNtnuSegment, extractRecipe, RECIPES, segmentBounds } from './recipes';
import { assertSameSpec, RECIPE_IDS, segmentDurationSec } from './spec';

describe('FeatureRecipe', () => {
  it('describes every recipe as plain, versioned data', () => {
    for (const id of RECIPE_IDS) {
      const s = RECIPES[id];
      expect(s.id).toBe(id);
      expect(s.version).toBeGreaterThanOrEqual(1);
      expect(s.sampleRateHz).toBe(22050);
      expect(new Set(s.featureNames).size).toBe(s.featureNames.length);
      expect(JSON.parse(JSON.stringify(s))).toEqual({ ...s, featureNames: [...s.featureNames] });
    }
    expect(segmentDurationSec(RECIPES.ntnu5)).toBe(5);
    expect(segmentDurationSec(RECIPES.kaggle30)).toBeNull();
  });
  it('refuses features made with another recipe or version', () => {
    expect(() => assertSameSpec(RECIPES.kaggle30, RECIPES.kaggle30)).not.toThrow();
    expect(() => assertSameSpec(RECIPES.kaggle30, RECIPES.ntnu30)).toThrow(expect.objectContaining({ code: 'spec-mismatch' }));
    expect(() => assertSameSpec(RECIPES.kaggle30, { id: 'kaggle30', version: 99 })).toThrow(expect.objectContaining({ code: 'spec-mismatch' }));
  });
  it('cuts segments as the tables do', () => {
    expect(segmentBounds(RECIPES.kaggle3, 661794)).toHaveLength(10);
    expect(segmentBounds(RECIPES.kaggle3, 661794)[9]).toEqual({ startSample: 595350, lengthSamples: 66149 });
    expect(segmentBounds(RECIPES.kaggle3, 600000)).toHaveLength(9);
    expect(segmentBounds(RECIPES.ntnu10, 661794).map((b) => b.startSample)).toEqual([0, 220500, 441000]);
    expect(segmentBounds(RECIPES.ntnu30, 661794)).toEqual([{ startSample: 0, lengthSamples: 661500 }]);
    expect(segmentBounds(RECIPES.ntnu5, 661794)).toHaveLength(6);
    expect(segmentBounds(RECIPES.kaggle30, 661794)).toEqual([{ startSample: 0, lengthSamples: 661794 }]);
  });
  it('ntnu5 rows are the ntnu30 recipe on each 5 s window', () => {
    const y = Float32Array.from({ length: 22050 * 12 }, (_, i) => 0.2 * Math.sin(i * 0.031) + 0.1 * Math.sin(i * 0.17 + (i > 150000 ? 1 : 0)));
    const r = extractRecipe(y, 22050, 'ntnu5');
    expect(r.segments).toHaveLength(2);
    expect(Array.from(r.segments[1] as Float64Array)).toEqual(Array.from(extractNtnuSegment(y.subarray(110250, 220500))));
  });
});
