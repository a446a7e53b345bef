import { describe, expect, it } from 'vitest';
import { parseTableText } from '../core/data/parse';
import { adaptParams, createLabStore, defaultParams, persistedPart, setDataError, setDataset, setParams, setRun } from './lab';

const ntnuLike = ['Track ID\tFile\tspectral_rolloff_mean\tmfcc_1_mean\tspectral_centroid_mean\ttempo\trmse_var\tGenreID\tGenre\tType',
  '0\tpop_00001.wav\t1\t2\t3\t4\t5\t0\tpop\tTrain', '1\tmetal_00001.wav\t2\t3\t4\t5\t6\t1\tmetal\tTest', '2\tdisco_00001.wav\t2\t3\t4\t5\t6\t2\tdisco\tTrain', '3\tclassical_00001.wav\t2\t3\t4\t5\t6\t5\tclassical\tTest'].join('\n');
const kaggleLike = 'filename,length,rolloff_mean,mfcc1_mean,spectral_centroid_mean,tempo,x,label\nblues.00000.au,1,1,2,3,4,5,blues\nrock.00000.au,1,2,3,4,5,6,rock\n';

describe('lab state', () => {
  it('a first dataset gets the NTNU Task 1 defaults (k-NN, search with m = 3)', () => {
    const store = createLabStore();
    setDataset(store, parseTableText(ntnuLike, 'GenreClassData_30s.txt'));
    const p = store.getState().params;
    expect(p.knn.features).toEqual(['spectral_rolloff_mean', 'mfcc_1_mean', 'spectral_centroid_mean', 'tempo']);
    expect(p.search.base).toHaveLength(4);
    expect(p.search.choose).toBe(3);
    expect(p.explore.genres).toEqual(['pop', 'disco', 'metal', 'classical']);
  });

  it('maps chosen features to the next table’s names (NTNU → Kaggle) and clears old results', () => {
    const store = createLabStore();
    setDataset(store, parseTableText(ntnuLike, 'GenreClassData_30s.txt'));
    setParams(store, 'knn', { features: ['spectral_rolloff_mean', 'mfcc_1_mean'] });
    setRun(store, 'knn', { status: 'done', progress: 1 });
    setDataset(store, parseTableText(kaggleLike, 'features_30_sec.csv'));
    expect(store.getState().params.knn.features).toEqual(['rolloff_mean', 'mfcc1_mean']);
    expect(store.getState().runs).toEqual({});
  });

  it('a failed load keeps the previous dataset and offers a label picker when the label is missing', () => {
    const store = createLabStore();
    const ds = parseTableText(kaggleLike, 'features_30_sec.csv');
    setDataset(store, ds);
    store.setState({ loadingName: 'x.csv' });
    setDataError(store, { code: 'no-label-column', message: 'No label', detail: { columns: ['a', 'b'], candidates: ['b'] } });
    expect(store.getState().dataset).toBe(ds);
    expect(store.getState().datasetStatus).toBe('ready');
    expect(store.getState().pendingLabel).toEqual({ fileName: 'x.csv', columns: ['a', 'b'], candidates: ['b'] });
  });

  it('the Classic models cell starts at SVM with z-score on all features, keeps its settings on a new table, and fills in for saves from before it existed', () => {
    const store = createLabStore();
    setDataset(store, parseTableText(ntnuLike, 'GenreClassData_30s.txt'));
    const c = store.getState().params.classic;
    expect([c.model, c.scaling, c.features.length]).toEqual(['svm', 'zscore', 5]);
    setParams(store, 'classic', { model: 'sgd', scaling: 'minmax', settings: { sgd: { alpha: 0.01 } }, features: ['tempo'] });
    setDataset(store, parseTableText(kaggleLike, 'features_30_sec.csv'));
    expect(store.getState().params.classic).toMatchObject({ model: 'sgd', scaling: 'minmax', settings: { sgd: { alpha: 0.01 } }, features: ['tempo'] });
    // A lab saved before the cell existed has no `classic` params: the defaults for the table.
    const ds = parseTableText(kaggleLike, 'features_30_sec.csv');
    const { classic: _dropped, ...old } = defaultParams(ds);
    expect(adaptParams(old as ReturnType<typeof defaultParams>, ds).classic).toEqual(defaultParams(ds).classic);
  });

  it('saves finished runs only', () => {
    const store = createLabStore();
    setRun(store, 'knn', { status: 'done', progress: 1 });
    setRun(store, 'search', { status: 'running', progress: 0.5 });
    expect(Object.keys(persistedPart(store.getState()).runs)).toEqual(['knn']);
  });
});
