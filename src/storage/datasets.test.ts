import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import type { Dataset } from '../core/data/dataset';
import { loadDataset, saveDataset } from './datasets';

describe('stored dataset', () => {
  it('round-trips typed arrays through IndexedDB and forgets on undefined', async () => {
    const ds: Dataset = {
      id: 'd1',
      name: 't.csv',
      format: 'generic',
      featureNames: ['a', 'b'],
      nRows: 2,
      values: new Float64Array([1.5, -2, 3.25, 0]),
      labels: new Int32Array([0, 1]),
      genres: ['jazz', 'rock'],
      trackIds: ['x', 'y'],
      segmentIndex: new Int32Array([0, 0]),
      split: new Uint8Array([0, 1]),
      rowKeys: ['x.wav', 'y.wav'],
      meta: { note: 'n' },
    };
    await saveDataset(ds);
    const back = await loadDataset();
    expect(back?.values).toBeInstanceOf(Float64Array);
    expect(Array.from(back!.values)).toEqual([1.5, -2, 3.25, 0]);
    expect(Array.from(back!.split!)).toEqual([0, 1]);
    expect(back?.genres).toEqual(['jazz', 'rock']);
    await saveDataset(undefined);
    expect(await loadDataset()).toBeUndefined();
  });
});
