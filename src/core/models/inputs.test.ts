import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { groupByTrack } from '../data/dataset';
import { initNodeBackend } from '../../node/tfNode';
import { trainClassifier } from './classifier';
import { indexTracks, tracksAmong } from './inputs';
import { makeSyntheticDataset } from './testData';

// Count the groupings: every module that imports groupByTrack gets this counting wrapper.
vi.mock('../data/dataset', async (importOriginal) => {
  const mod = await importOriginal<typeof import('../data/dataset')>();
  return { ...mod, groupByTrack: vi.fn(mod.groupByTrack) };
});

beforeAll(async () => {
  await initNodeBackend('wasm');
});

beforeEach(() => {
  vi.mocked(groupByTrack).mockClear();
});

describe('tracksAmong', () => {
  it('reads a row subset off the index: first-appearance order, rows in segment order, the label of its rows', () => {
    // 2 genres × 2 tracks × 3 segments: g0.00000 = rows 0–2, g0.00001 = 3–5, g1.00000 = 6–8, g1.00001 = 9–11.
    const ds = makeSyntheticDataset({ genres: 2, tracksPerGenre: 2, segments: 3, features: 2 });
    const index = indexTracks(ds);
    expect(tracksAmong(ds, index, [10, 4, 9, 3])).toEqual([
      { trackId: 'g1.00001', rows: [9, 10], label: 1 },
      { trackId: 'g0.00001', rows: [3, 4], label: 0 },
    ]);
    expect(tracksAmong(ds, index, [2, 0, 1, 6])).toEqual([
      { trackId: 'g0.00000', rows: [0, 1, 2], label: 0 },
      { trackId: 'g1.00000', rows: [6], label: 1 },
    ]);
    expect(tracksAmong(ds, index, [])).toEqual([]);
  });
});

describe('one trainClassifier call prepares its inputs once', () => {
  // Measured the same way on the code before the split: 7, 16 and 4 groupings for the three runs below.
  it('groups the dataset by track once with the table’s own split (LSTM, validation)', async () => {
    const ds = makeSyntheticDataset({ genres: 3, tracksPerGenre: 8, segments: 3, features: 4 });
    const c = await trainClassifier(ds, { kind: 'lstm', seed: 1, epochs: 1, units: 4, validationFraction: 0.25 });
    c.dispose();
    expect(vi.mocked(groupByTrack)).toHaveBeenCalledTimes(1);
  });

  it('teachers, student and checkpoints share that one grouping (LSTM, validation, distillation, checkpoints)', async () => {
    const ds = makeSyntheticDataset({ genres: 3, tracksPerGenre: 8, segments: 3, features: 4 });
    const c = await trainClassifier(ds, { kind: 'lstm', seed: 1, epochs: 1, units: 4, validationFraction: 0.25, distill: { teachers: 1 }, checkpoint: { everyMs: 0, save: () => undefined } });
    c.dispose();
    expect(c.split.validationTracks).toBeGreaterThan(0);
    expect(vi.mocked(groupByTrack)).toHaveBeenCalledTimes(1);
  });

  it('groups twice with a random split (once for the split, once for the run) (MLP, validation)', async () => {
    const ds = { ...makeSyntheticDataset({ genres: 3, tracksPerGenre: 8, segments: 3, features: 4 }), split: undefined };
    const c = await trainClassifier(ds, { kind: 'mlp', seed: 1, epochs: 1, hidden: [4], validationFraction: 0.25 });
    c.dispose();
    expect(vi.mocked(groupByTrack).mock.calls.length).toBeLessThanOrEqual(2);
    expect(vi.mocked(groupByTrack)).toHaveBeenCalledTimes(2);
  });
});
