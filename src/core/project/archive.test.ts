import { createHash } from 'node:crypto';
import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate';
import { beforeAll, describe, expect, it } from 'vitest';
import { initNodeBackend } from '../../node/tfNode';
import { LabError } from '../errors';
import { trainClassifier } from '../models/classifier';
import { serializeClassifier, type SavedModelEntry } from '../models/saved';
import { makeSyntheticDataset } from '../models/testData';
import { sha256Hex } from '../sha256';
import { PROJECT_VERSION, readProject, writeProject, type ProjectContent } from './archive';

const ds = makeSyntheticDataset({ genres: 3, tracksPerGenre: 6, segments: 2, features: 4 });
let content: ProjectContent;

const compareRow = {
  id: 'r1',
  createdAt: '2026-12-01T00:00:00.000Z',
  model: 'k-NN (k = 5)',
  datasetName: ds.name,
  features: ds.featureNames,
  genres: ds.genres,
  split: 'random 80/20',
  accuracy: 0.75,
  macroF1: 0.7321428571428571,
  trainMs: 12.5,
  backend: 'js',
  seed: 0,
  confusion: [
    [2, 0, 0],
    [1, 1, 0],
    [0, 0, 2],
  ],
};

beforeAll(async () => {
  await initNodeBackend('wasm');
  const c = await trainClassifier(ds, { kind: 'mlp', seed: 3, epochs: 1, hidden: [4] });
  const saved = await serializeClassifier(c, { backend: 'wasm', createdAt: '2026-12-01T00:00:00.000Z' });
  c.dispose();
  const model: SavedModelEntry = { id: 'm-1', name: 'MLP · test', createdAt: '2026-12-01T00:00:00.000Z', datasetName: ds.name, members: [saved] };
  content = {
    dataset: ds,
    cells: {
      params: { knn: { k: 5, seed: 7 } },
      // A NaN in a result (JSON cannot hold it) must come back as NaN.
      runs: { knn: { status: 'done', progress: 1, datasetId: ds.id, result: { kind: 'knn', run: { accuracy: 0.75, trackAccuracy: Number.NaN } } } },
      compare: [compareRow],
    },
    models: [model],
  };
});

/** The project error of `bytes`, which must be a bad-project LabError. */
async function failure(bytes: Uint8Array): Promise<LabError> {
  try {
    await readProject(bytes);
  } catch (e) {
    expect(e).toBeInstanceOf(LabError);
    expect((e as LabError).code).toBe('bad-project');
    return e as LabError;
  }
  throw new Error('expected readProject to refuse the file');
}

/** Rezip `bytes` after `edit` changed its entries (the manifest is not recomputed). */
function rezip(bytes: Uint8Array, edit: (files: Record<string, Uint8Array>) => void): Uint8Array {
  const files = unzipSync(bytes);
  edit(files);
  return zipSync(files);
}

describe('.genrelab project files', () => {
  it('SHA-256 matches the FIPS 180-2 test vector', async () => {
    expect(await sha256Hex(strToU8('abc'))).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('round-trips the dataset bit for bit, the cells, the Compare table and the models', async () => {
    const bytes = await writeProject(content, { appVersion: '9.9.9', createdAt: '2026-12-01T01:00:00.000Z' });
    const { manifest, content: back } = await readProject(bytes);
    expect(manifest.formatVersion).toBe(PROJECT_VERSION);
    expect(manifest.appVersion).toBe('9.9.9');
    expect(manifest.models).toEqual([{ id: 'm-1', name: 'MLP · test', kind: 'mlp', members: 1, backends: ['wasm'], seeds: [3], entry: 'models/0.json' }]);
    expect(manifest.dataset).toMatchObject({ id: ds.id, rows: ds.nRows, features: 4, genres: ds.genres });
    const d = back.dataset!;
    expect(d.values).toBeInstanceOf(Float64Array);
    expect(Array.from(d.values)).toEqual(Array.from(ds.values));
    expect(Array.from(d.labels)).toEqual(Array.from(ds.labels));
    expect(Array.from(d.segmentIndex)).toEqual(Array.from(ds.segmentIndex));
    expect(d.trackIds).toEqual(ds.trackIds);
    expect(back.cells.compare).toEqual([compareRow]);
    expect(back.cells.params).toEqual({ knn: { k: 5, seed: 7 } });
    const run = back.cells.runs['knn'] as { result: { run: { trackAccuracy: number } } };
    expect(run.result.run.trackAccuracy).toBeNaN();
    const m = back.models[0]!.members[0]!;
    const orig = content.models[0]!.members[0]!;
    expect(new Uint8Array(m.weightData)).toEqual(new Uint8Array(orig.weightData));
    expect(m.metadata).toEqual(orig.metadata);
  });

  it("lists each entry's SHA-256 as node:crypto computes it", async () => {
    const files = unzipSync(await writeProject(content, { appVersion: '1' }));
    const manifest = JSON.parse(strFromU8(files['manifest.json']!)) as { entries: Record<string, { sha256: string; bytes: number }> };
    const names = Object.keys(files).filter((n) => n !== 'manifest.json');
    expect(Object.keys(manifest.entries).sort()).toEqual(names.sort());
    for (const n of names) expect(manifest.entries[n]!.sha256).toBe(createHash('sha256').update(files[n]!).digest('hex'));
  });

  it('refuses each kind of bad file with its own message', async () => {
    const good = await writeProject(content, { appVersion: '1' });
    const random = new Uint8Array(4096);
    let x = 12345;
    for (let i = 0; i < random.length; i++) random[i] = (x = (x * 1103515245 + 12345) >>> 0) >>> 24;
    const cases: [string, Uint8Array, string, RegExp][] = [
      ['truncated zip', good.slice(0, Math.floor(good.length / 2)), 'truncated', /damaged or cut short/],
      ['zip without a manifest', rezip(good, (f) => delete f['manifest.json']), 'no-manifest', /no manifest\.json/],
      [
        'manifest of a future format version',
        rezip(good, (f) => {
          const m = JSON.parse(strFromU8(f['manifest.json']!)) as Record<string, unknown>;
          f['manifest.json'] = strToU8(JSON.stringify({ ...m, formatVersion: PROJECT_VERSION + 1, appVersion: '7.0.0' }));
        }),
        'future-version',
        /newer Genre Lab \(version 7\.0\.0, project format 3\); this lab reads format 2/,
      ],
      [
        'tampered entry',
        rezip(good, (f) => {
          const b = f['dataset/0.bin']!.slice();
          b[3] = b[3]! ^ 1; // one bit of one value
          f['dataset/0.bin'] = b;
        }),
        'hash-mismatch',
        /dataset\/0\.bin .* does not match its SHA-256/,
      ],
      ['random binary', random, 'not-zip', /not a Genre Lab project: a \.genrelab file is a zip/],
      ['a foreign zip', zipSync({ 'manifest.json': strToU8('{"format":"something-else"}') }), 'foreign', /format "something-else"/],
    ];
    const messages = new Set<string>();
    for (const [what, bytes, reason, message] of cases) {
      const e = await failure(bytes);
      expect(e.detail['reason'], what).toBe(reason);
      expect(e.message, what).toMatch(message);
      messages.add(e.message);
    }
    expect(messages.size).toBe(cases.length);
  });

  it('refuses a model that fails the saved-model import checks, even with matching hashes', async () => {
    const badModel: SavedModelEntry = { ...content.models[0]!, members: [{ ...content.models[0]!.members[0]!, weightData: new ArrayBuffer(8) }] };
    const bytes = await writeProject({ ...content, models: [badModel] }, { appVersion: '1' });
    const e = await failure(bytes);
    expect(e.detail['reason']).toBe('bad-model');
    expect(e.message).toMatch(/weights are 8 bytes but the weight specs need/);
  });

  it('refuses a dataset whose arrays do not match its row count', async () => {
    const short = { ...ds, labels: ds.labels.slice(1) };
    const e = await failure(await writeProject({ ...content, dataset: short }, { appVersion: '1' }));
    expect(e.detail['reason']).toBe('bad-dataset');
    expect(e.message).toMatch(new RegExp(`labels must be ${ds.nRows} whole numbers`));
  });
});
