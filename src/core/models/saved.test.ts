import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { LabError } from '../errors';
import { loadTableFile } from '../../node/loadTable';
import { sharedPath, skipReason } from '../../node/paths';
import { initNodeBackend } from '../../node/tfNode';
import { predictTracks, trainClassifier } from './classifier';
import { evaluateOnRows } from './predict';
import { checkEnsembleMembers, checkModelMatchesDataset, exportModelFiles, groupModelFiles, importModelFiles, loadSavedModel, serializeClassifier, validateSavedModel, type SavedModel } from './saved';
import { makeSyntheticDataset } from './testData';
import { resolveSplit } from '../data/split';
import { RECIPES } from '../features/recipes';

beforeAll(async () => {
  await initNodeBackend('wasm');
});

const ds = makeSyntheticDataset({ genres: 3, tracksPerGenre: 8, segments: 3, features: 4, noise: 1.5 });

async function trained(kind: 'lstm' | 'mlp' | 'bilstm' | 'gru') {
  return trainClassifier(ds, { kind, seed: 3, epochs: 2, units: 8, hidden: [8] });
}

function expectLabError(f: () => unknown, pattern: RegExp): void {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(LabError);
    expect((e as LabError).message).toMatch(pattern);
    return;
  }
  throw new Error('expected a LabError');
}

describe('saved models', () => {
  it('record the FeatureRecipe version of a lab recipe', async () => {
    const withRecipe = { ...ds, meta: { ...ds.meta, recipe: 'ntnu10' } };
    const c = await trainClassifier(withRecipe, { kind: 'mlp', seed: 1, epochs: 1, hidden: [4] });
    try {
      const saved = await serializeClassifier(c);
      expect(saved.metadata.input.recipe).toBe('ntnu10');
      expect(saved.metadata.input.recipeVersion).toBe(String(RECIPES.ntnu10.version));
    } finally {
      c.dispose();
    }
  });

  for (const kind of ['lstm', 'mlp', 'bilstm', 'gru'] as const) {
    it(`${kind}: structured clone and file round trips predict the same`, async () => {
      const c = await trained(kind);
      const saved = await serializeClassifier(c, { backend: 'wasm', createdAt: '2026-11-21T00:00:00.000Z' });
      expect(saved.metadata.input.featureNames).toEqual(ds.featureNames);
      expect(saved.metadata.input.genres).toEqual(ds.genres);
      expect(saved.metadata.input.recipe).toBe('synthetic1');
      expect(saved.metadata.input.recipeVersion).toBeNull(); // not a lab recipe: no FeatureRecipe version
      expect(saved.metadata.input.steps).toBe(kind === 'mlp' ? 1 : 3);
      const test = resolveSplit(ds).test;
      const before = c.test.trackProbabilities;

      const cloned = structuredClone(saved);
      const fromClone = await loadSavedModel(cloned);
      expect(Array.from(evaluateOnRows(ds, test, fromClone.network, fromClone.spec).trackProbabilities)).toEqual(Array.from(before));
      fromClone.dispose();

      const files = exportModelFiles(saved);
      const back = importModelFiles({ modelJson: files['model.json'], weightsBin: files['weights.bin'], metadataJson: files['metadata.json'] });
      const fromFiles = await loadSavedModel(back);
      expect(Array.from(evaluateOnRows(ds, test, fromFiles.network, fromFiles.spec).trackProbabilities)).toEqual(Array.from(before));
      expect(fromFiles.metadata).toEqual(saved.metadata);
      // Label-free prediction (what classifying new audio uses) gives the same track probabilities.
      const pred = predictTracks(fromFiles.network, fromFiles.spec, ds, test);
      expect(pred.trackIds).toEqual(c.test.trackIds);
      expect(Array.from(pred.probabilities)).toEqual(Array.from(before));
      if (kind !== 'mlp') expect(pred.predicted).toEqual(Array.from(c.test.yPred, (g) => ds.genres[g]));
      fromFiles.dispose();
      c.dispose();
    });
  }

  it('model.json + weights.bin load with plain tf.loadLayersModel too', async () => {
    const c = await trained('lstm');
    const files = exportModelFiles(await serializeClassifier(c));
    const mj = JSON.parse(files['model.json']) as { modelTopology: object; weightsManifest: { weights: tf.io.WeightsManifestEntry[] }[] };
    const m = await tf.loadLayersModel(tf.io.fromMemory({ modelTopology: mj.modelTopology, weightSpecs: mj.weightsManifest[0]!.weights, weightData: files['weights.bin'] }));
    expect(m.outputs[0]!.shape).toEqual([null, 3]);
    m.dispose();
    c.dispose();
  });

  it('rejects corrupt and mismatched input with a clear LabError', async () => {
    const c = await trained('mlp');
    const saved = await serializeClassifier(c);
    c.dispose();
    const files = exportModelFiles(saved);
    const imp = (over: Partial<{ modelJson: string; weightsBin: ArrayBuffer; metadataJson: string }>) => () =>
      importModelFiles({ modelJson: files['model.json'], weightsBin: files['weights.bin'], metadataJson: files['metadata.json'], ...over });
    expectLabError(imp({ weightsBin: files['weights.bin'].slice(0, 100) }), /weights are 100 bytes but the weight specs need/);
    expectLabError(imp({ modelJson: files['model.json'].slice(0, 50) }), /model\.json is not JSON/);
    expectLabError(imp({ metadataJson: '{"format":"something-else"}' }), /metadata format/);
    const meta = JSON.parse(files['metadata.json']) as Record<string, unknown>;
    expectLabError(imp({ metadataJson: JSON.stringify({ ...meta, input: { ...(meta['input'] as object), scaler: { kind: 'zscore', mean: [1], std: [1] } } }) }), /scaler has 1\/1 columns for 4 features/);
    expectLabError(imp({ metadataJson: JSON.stringify({ ...meta, formatVersion: 99 }) }), /format version 99/);
    expectLabError(() => validateSavedModel({ ...saved, weightData: new Uint8Array(8) }), /ArrayBuffer/);
    // Metadata that passes on its own but disagrees with the topology.
    const wrongGenres: SavedModel = { ...saved, metadata: { ...saved.metadata, input: { ...saved.metadata.input, genres: ['a', 'b'] } } };
    await expect(loadSavedModel(wrongGenres)).rejects.toThrow(/3 outputs for 2 genres/);
    // A dataset from another recipe or lacking a feature.
    expect(() => checkModelMatchesDataset(saved.metadata.input, { ...ds, meta: { recipe: 'ntnu30' } })).toThrow(/recipe synthetic1/);
    expect(() => checkModelMatchesDataset(saved.metadata.input, { ...ds, featureNames: ['f0', 'f1', 'f2', 'x'] })).toThrow(/lacks 1 feature/);
    expect(() => checkModelMatchesDataset(saved.metadata.input, ds)).not.toThrow();
  });
});

describe('importing picked model files', () => {
  const f = (name: string) => ({ name });
  it('takes any three files of the three kinds as one model', () => {
    const g = groupModelFiles([f('weights.bin'), f('x-model.json'), f('y-metadata.json')]);
    expect(g).toHaveLength(1);
    expect([g[0]!.model.name, g[0]!.weights.name, g[0]!.metadata.name]).toEqual(['x-model.json', 'weights.bin', 'y-metadata.json']);
  });

  it('groups an exported ensemble by prefix, in member order (m2 before m10)', () => {
    const names = [10, 2, 1].flatMap((i) => [`lstm-m${i}-model.json`, `lstm-m${i}-weights.bin`, `lstm-m${i}-metadata.json`]);
    const g = groupModelFiles(names.map(f));
    expect(g.map((x) => x.prefix)).toEqual(['lstm-m1-', 'lstm-m2-', 'lstm-m10-']);
    expect(g[2]!.weights.name).toBe('lstm-m10-weights.bin');
  });

  it('says which file is missing or foreign', () => {
    expect(() => groupModelFiles([f('a-m1-model.json'), f('a-m1-weights.bin'), f('a-m1-metadata.json'), f('a-m2-model.json'), f('a-m2-metadata.json')])).toThrow(/a-m2- is missing its weights\.bin/);
    expect(() => groupModelFiles([f('model.json'), f('notes.txt')])).toThrow(/notes\.txt: not a model file/);
    expect(() => groupModelFiles([])).toThrow(/No files picked/);
  });

  it('refuses an ensemble whose members read different features', async () => {
    const ds = makeSyntheticDataset({ genres: 3, tracksPerGenre: 6, segments: 1, features: 4 });
    const a = await trainClassifier(ds, { kind: 'mlp', seed: 1, epochs: 1, hidden: [4] });
    const b = await trainClassifier(ds, { kind: 'mlp', seed: 2, epochs: 1, hidden: [4], features: ds.featureNames.slice(0, 3) });
    const sa = await serializeClassifier(a);
    const sb = await serializeClassifier(b);
    a.dispose();
    b.dispose();
    expect(() => checkEnsembleMembers([sa, sa])).not.toThrow();
    expect(() => checkEnsembleMembers([sa, sb])).toThrow(/Member 2 \(mlp, 3 features/);
  });
  it('refuses at import a model.json whose network disagrees with its metadata.json (inputs or outputs)', async () => {
    const ds = makeSyntheticDataset({ genres: 3, tracksPerGenre: 6, segments: 3, features: 4 });
    const four = await trainClassifier(ds, { kind: 'lstm', seed: 1, epochs: 1, units: 4 });
    const three = await trainClassifier(ds, { kind: 'lstm', seed: 2, epochs: 1, units: 4, features: ds.featureNames.slice(0, 3) });
    const s4 = await serializeClassifier(four);
    const s3 = await serializeClassifier(three);
    four.dispose();
    three.dispose();
    const f4 = exportModelFiles(s4);
    // the network of a 4-feature LSTM (3 steps × 4) with the metadata of a 3-feature one (3 × 3)
    expectLabError(() => importModelFiles({ modelJson: f4['model.json'], weightsBin: f4['weights.bin'], metadataJson: exportModelFiles(s3)['metadata.json'] }), /network reads inputs of 3×4 but metadata\.json describes 3×3 \(3 features\)/);
    // 3 outputs (3 genres trained) against metadata listing 4 genres
    const meta4 = { ...s4.metadata, input: { ...s4.metadata.input, genres: ['a', 'b', 'c', 'd'] } };
    expectLabError(() => importModelFiles({ modelJson: f4['model.json'], weightsBin: f4['weights.bin'], metadataJson: JSON.stringify(meta4) }), /network has 3 outputs for 4 genres/);
    // the matching pair imports
    expect(importModelFiles({ modelJson: f4['model.json'], weightsBin: f4['weights.bin'], metadataJson: f4['metadata.json'] }).metadata.input.featureNames).toHaveLength(4);
  });
});

describe('models saved before the InputSpec (format 1)', () => {
  const dir = join(dirname(fileURLToPath(import.meta.url)), 'testdata', 'model-v1');
  const files = () => ({
    modelJson: readFileSync(join(dir, 'model.json'), 'utf8'),
    weightsBin: new Uint8Array(readFileSync(join(dir, 'weights.bin'))).buffer,
    metadataJson: readFileSync(join(dir, 'metadata.json'), 'utf8'),
  });

  it('import as format 2 with the same input fields', () => {
    const old = JSON.parse(files().metadataJson) as Record<string, unknown>;
    expect(old['formatVersion']).toBe(1);
    const saved = importModelFiles(files());
    const m = saved.metadata;
    expect(m.formatVersion).toBe(2);
    expect(m.kind).toBe('mlp');
    // The Kaggle 30 s table has 57 feature columns (filename, length and label are not features).
    expect(m.input).toMatchObject({ version: 2, input: 'feature-rows', recipe: 'kaggle30', recipeVersion: '1', steps: 1 });
    expect(m.input.featureNames).toHaveLength(57);
    expect(m.input.featureNames).toEqual(old['featureNames']);
    expect(m.input.scaler).toEqual({ kind: 'zscore', ...(old['scaler'] as object) });
    expect(m.input.genres).toEqual(['blues', 'classical', 'country', 'disco', 'hiphop', 'jazz', 'metal', 'pop', 'reggae', 'rock']);
    expect(m.metrics['accuracy']).toBe(0.775);
  });

  const reason = skipReason('data', 'gtzan', 'features_30_sec.csv');
  it.skipIf(!!reason)('score what the old code measured when it saved them (77.5 % on the 200 test tracks)', async () => {
    const loaded = await loadSavedModel(importModelFiles(files()));
    try {
      const table = loadTableFile(sharedPath('data', 'gtzan', 'features_30_sec.csv')!);
      checkModelMatchesDataset(loaded.spec, table);
      const test = resolveSplit(table, { kind: 'auto', seed: 0 }).test;
      const r = evaluateOnRows(table, test, loaded.network, loaded.spec);
      expect(r.evaluation.n).toBe(200);
      expect(r.evaluation.accuracy).toBe(0.775);
    } finally {
      loaded.dispose();
    }
  });
});
