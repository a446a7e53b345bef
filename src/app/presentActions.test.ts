import { describe, expect, it } from 'vitest';
import type { Dataset } from '../core/data/dataset';
import type { CompareEntry, LabState } from '../state/lab';
import { cachedStep, missingTableMessage, tableFits } from './presentActions';
import { labStore } from './store';
import { NTNU_STUDY } from './stories';

const task4 = NTNU_STUDY.steps[3]!;

/** A Compare row as the Train cell writes one (only the fields the story reads matter here). */
function entry(over: Partial<CompareEntry>): CompareEntry {
  return {
    id: 'x',
    createdAt: '2026-12-01T00:00:00Z',
    model: 'LSTM ×10',
    datasetName: 'GenreClassData_10s.txt',
    features: [],
    split: 'predefined',
    accuracy: 0.78,
    macroF1: 0.78,
    trainMs: 1,
    backend: 'wasm',
    seed: 0,
    genres: [],
    confusion: [],
    members: Array.from({ length: 10 }, (_, i) => ({ accuracy: 0.75, macroF1: 0.75, seed: i })),
    ...over,
  } as CompareEntry;
}

const state = (compare: CompareEntry[]): LabState => ({ ...labStore.getState(), compare });

describe('the presenter finds a step’s result in what the cells keep', () => {
  it('Task 4: the study’s 10-LSTM run on the 10 s table, else the quick 2-LSTM run (labelled), never a cancelled, CV or other-table run', () => {
    expect(cachedStep(task4, state([]))).toBeUndefined();
    const quick = entry({ id: 'quick', model: 'LSTM ×2', members: entry({}).members!.slice(0, 2) });
    expect(cachedStep(task4, state([quick]))).toEqual({ resultId: 'quick', quickLabel: expect.stringContaining('Quick preparation') });
    const full = entry({ id: 'full' });
    // The full setting wins over a newer quick run.
    expect(cachedStep(task4, state([quick, full]))).toEqual({ resultId: 'full' });
    expect(cachedStep(task4, state([entry({ id: 'c', note: 'cancelled: best weights so far (3 of 10 member(s))' })]))).toBeUndefined();
    expect(cachedStep(task4, state([entry({ id: 'cv', cv: { folds: 5, repeats: 2, tracks: 792 } })]))).toBeUndefined();
    expect(cachedStep(task4, state([entry({ id: 't', datasetName: 'GenreClassData_30s.txt' })]))).toBeUndefined();
    expect(cachedStep(task4, state([entry({ id: 'g', model: 'GRU ×10' })]))).toBeUndefined();
    expect(cachedStep(task4, state([entry({ id: 's', seed: 5 })]))).toBeUndefined();
  });

  it('Task 1 has no result until the k-NN cell has one on this table', () => {
    expect(cachedStep(NTNU_STUDY.steps[0]!, state([]))).toBeUndefined();
  });

  it('a step fits a table by its recipe and names the file to load otherwise', () => {
    const ds = (recipe?: string) => ({ meta: { recipe } }) as unknown as Dataset;
    expect(tableFits(task4.needs, ds('ntnu10'))).toBe(true);
    expect(tableFits(task4.needs, ds('ntnu30'))).toBe(false);
    expect(tableFits(task4.needs, undefined)).toBe(false);
    expect(missingTableMessage(task4)).toContain('GenreClassData_10s.txt');
    expect(missingTableMessage(NTNU_STUDY.steps[0]!)).toContain('GenreClassData_30s.txt');
  });
});
