import 'fake-indexeddb/auto';
import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate';
import { beforeAll, describe, expect, it } from 'vitest';
import { initNodeBackend } from '../node/tfNode';
import { LabError } from '../core/errors';
import { trainClassifier } from '../core/models/classifier';
import { serializeClassifier, type SavedModelEntry } from '../core/models/saved';
import { makeSyntheticDataset } from '../core/models/testData';
import { PROJECT_VERSION, readProject, writeProject } from '../core/project/archive';
import { loadDataset } from '../storage/datasets';
import { listModelEntries, putModelEntry } from '../storage/models';
import { loadCells } from '../storage/cells';
import { createLabStore, setDataset, type CompareEntry, type LabStore } from './lab';
import { saveDataset } from './persist';
import { collectProject, replaceLab } from './project';

const before = makeSyntheticDataset({ genres: 3, tracksPerGenre: 5, segments: 2, features: 3, seed: 1 });
const other = { ...makeSyntheticDataset({ genres: 4, tracksPerGenre: 5, segments: 2, features: 3, seed: 2 }), id: 'other', name: 'other.csv' };

function row(id: string, accuracy: number, datasetName: string): CompareEntry {
  return { id, createdAt: '2026-12-01T00:00:00.000Z', model: 'k-NN', datasetName, features: ['f0'], genres: ['a', 'b'], split: 'auto', accuracy, macroF1: accuracy, trainMs: 3, backend: 'js', seed: 0, confusion: [[1, 0], [0, 1]] };
}

let model: SavedModelEntry;

beforeAll(async () => {
  await initNodeBackend('wasm');
  const c = await trainClassifier(other, { kind: 'mlp', seed: 1, epochs: 1, hidden: [4] });
  model = { id: 'm-project', name: 'MLP · other.csv', createdAt: '2026-12-01T00:00:00.000Z', datasetName: other.name, members: [await serializeClassifier(c, { backend: 'wasm' })] };
  c.dispose();
});

/** A lab holding `before`, one Compare row and one saved model, in the store and in IndexedDB. */
async function labBefore(): Promise<LabStore> {
  const store = createLabStore();
  setDataset(store, before);
  store.setState({ compare: [row('old', 0.5, before.name)], restored: true });
  await saveDataset(before);
  const old: SavedModelEntry = { ...model, id: 'm-old', name: 'old model' };
  await putModelEntry(old);
  return store;
}

async function projectBytes(): Promise<Uint8Array> {
  return writeProject(
    { dataset: other, cells: { params: { knn: { k: 9, seed: 4, features: 'not a list' } }, runs: {}, compare: [row('new', 0.9, other.name) as unknown as Record<string, unknown>] }, models: [model] },
    { appVersion: 'test' },
  );
}

/** What the app does with a picked file: read (all checks) and only then replace. */
async function open(store: LabStore, bytes: Uint8Array): Promise<void> {
  const { content } = await readProject(bytes);
  await replaceLab(store, content);
}

describe('opening a project in the lab', () => {
  it('replaces dataset, settings, Compare table and models, in the store and in IndexedDB', async () => {
    const store = await labBefore();
    await open(store, await projectBytes());
    const s = store.getState();
    expect(s.dataset?.id).toBe('other');
    expect(s.compare.map((r) => [r.id, r.accuracy])).toEqual([['new', 0.9]]);
    expect(s.params.knn.k).toBe(9);
    expect(s.params.knn.seed).toBe(4);
    // A field of the wrong kind keeps the default (a list of features).
    expect(Array.isArray(s.params.knn.features)).toBe(true);
    expect(s.models.map((m) => m.id)).toEqual(['m-project']);
    expect((await loadDataset())?.id).toBe('other');
    expect((await listModelEntries()).entries.map((e) => e.id)).toEqual(['m-project']);
    expect((await loadCells<{ compare: CompareEntry[] }>())?.compare.map((r) => r.id)).toEqual(['new']);
  });

  it('leaves the lab as it was for every refused file', async () => {
    const good = await projectBytes();
    const files = unzipSync(good);
    const future = { ...files, 'manifest.json': strToU8(JSON.stringify({ ...JSON.parse(strFromU8(files['manifest.json']!)), formatVersion: PROJECT_VERSION + 1 })) };
    const tampered = { ...files, 'cells.json': strToU8(strFromU8(files['cells.json']!).replace('0.9', '1.0')) };
    const withoutManifest = { ...files };
    delete withoutManifest['manifest.json'];
    const bad = [good.slice(0, good.length - 40), zipSync(withoutManifest), zipSync(future), zipSync(tampered), strToU8('just some text, not a zip at all')];
    for (const bytes of bad) {
      const store = await labBefore();
      const snapshot = store.getState();
      await expect(open(store, bytes)).rejects.toBeInstanceOf(LabError);
      expect(store.getState()).toBe(snapshot); // not one setState
      expect((await loadDataset())?.id).toBe(before.id);
      expect((await listModelEntries()).entries.map((e) => e.id)).toContain('m-old');
    }
  });

  it('refuses while a training runs, changing nothing', async () => {
    const store = await labBefore();
    store.setState({ training: { status: 'running', runId: 1, members: 1, member: 0, epochs: [], summaries: [] } });
    const snapshot = store.getState();
    await expect(open(store, await projectBytes())).rejects.toThrow(/stop it/);
    expect(store.getState()).toBe(snapshot);
    expect((await loadDataset())?.id).toBe(before.id);
  });

  it('collects what a project holds from the lab', async () => {
    const store = await labBefore();
    const p = await collectProject(store.getState());
    expect(p.dataset?.id).toBe(before.id);
    expect(p.cells.compare.map((r) => r['id'])).toEqual(['old']);
    expect(p.models.map((m) => m.id)).toContain('m-old');
  });
});
