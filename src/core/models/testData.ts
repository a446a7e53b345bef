/**
 * Small synthetic datasets for the model tests: each genre has its own mean vector plus seeded
 * noise, so a model can learn them quickly. Test-only helper (no tfjs).
 */
import type { Dataset } from '../data/dataset';
import type { TensorData } from './batches';
import { createRng, randomNormal } from '../random';

export interface SyntheticOptions {
  genres?: number;
  tracksPerGenre?: number;
  segments?: number;
  features?: number;
  /** Noise std relative to the spread of genre means; default 1. */
  noise?: number;
  seed?: number;
  /** Every `testEvery`-th track of a genre is in the predefined test split; default 4. */
  testEvery?: number;
}

export function makeSyntheticDataset(opts: SyntheticOptions = {}): Dataset {
  const k = opts.genres ?? 3;
  const tpg = opts.tracksPerGenre ?? 12;
  const segs = opts.segments ?? 3;
  const f = opts.features ?? 5;
  const noise = opts.noise ?? 1;
  const testEvery = opts.testEvery ?? 4;
  const rng = createRng(opts.seed ?? 1);
  const centers = Array.from({ length: k }, () => Array.from({ length: f }, () => randomNormal(rng) * 2));
  const values: number[] = [];
  const labels: number[] = [];
  const trackIds: string[] = [];
  const segmentIndex: number[] = [];
  const split: number[] = [];
  const rowKeys: string[] = [];
  for (let g = 0; g < k; g++)
    for (let t = 0; t < tpg; t++)
      for (let s = 0; s < segs; s++) {
        for (let j = 0; j < f; j++) values.push((centers[g]![j] as number) + noise * randomNormal(rng) + s * 0.1);
        labels.push(g);
        trackIds.push(`g${g}.${String(t).padStart(5, '0')}`);
        segmentIndex.push(s);
        split.push(t % testEvery === 0 ? 1 : 0);
        rowKeys.push(`g${g}.${t}.${s}`);
      }
  return {
    id: 'synthetic',
    name: 'synthetic',
    format: 'demo',
    featureNames: Array.from({ length: f }, (_, j) => `f${j}`),
    nRows: labels.length,
    values: Float64Array.from(values),
    labels: Int32Array.from(labels),
    genres: Array.from({ length: k }, (_, g) => `g${g}`),
    trackIds,
    segmentIndex: Int32Array.from(segmentIndex),
    split: Uint8Array.from(split),
    rowKeys,
    meta: { recipe: 'synthetic1', note: 'synthetic test data' },
  };
}

/** `n` samples of two classes separated along feature 0 of 4 (a tiny LCG, seeded). */
export function makeBlobs(n: number, seed: number): TensorData {
  const x = new Float32Array(n * 4);
  const y = new Int32Array(n);
  let s = seed;
  const r = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648) * 2 - 1;
  for (let i = 0; i < n; i++) {
    y[i] = i % 2;
    for (let j = 0; j < 4; j++) x[i * 4 + j] = r() + (j === 0 ? (i % 2 ? 1.5 : -1.5) : 0);
  }
  return { x, y, sampleShape: [4] };
}

/** Largest |a[i] − b[i]| (test helper for comparing predictions and gradients). */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs((a[i] as number) - (b[i] as number)));
  return m;
}
