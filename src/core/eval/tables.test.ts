import { describe, expect, it } from 'vitest';
import type { Dataset } from '../data/dataset';
import { evaluatePredictions } from './metrics';
import { cellMembersTable, compareTable, confusionTable, exportFileName, featureComparisonTable, featureValuesTable, neighboursTable, occlusionTable, perGenreTable, tableToCsv } from './tables';

describe('result tables as CSV', () => {
  it('per-genre table: hand-counted TP/TN/FP/FN, written at full precision', () => {
    // truth a a b b, predicted a b b b: a TP 1 FN 1; b TP 2 FP 1.
    const e = evaluatePredictions([0, 0, 1, 1], [0, 1, 1, 1], ['a', 'b']);
    const csv = tableToCsv(perGenreTable(e));
    expect(csv.split('\r\n')).toEqual(['genre,TP,TN,FP,FN,precision,recall,F1,support', 'a,1,2,0,1,1,0.5,0.6666666666666666,2', 'b,2,1,1,0,0.6666666666666666,1,0.8,2', '']);
  });

  it('escapes formula-like and delimiter cells (ids and genres come from loaded tables)', () => {
    const csv = tableToCsv(cellMembersTable([{ id: '=HYPERLINK("x")', row: 0, trueGenre: '+pop', predictedGenre: '@rock', probability: -0.5 }, { id: 'a,b', row: 1, trueGenre: '-x', predictedGenre: '\tt', probability: NaN }]));
    const lines = csv.split('\r\n');
    expect(lines[1]).toBe(`"'=HYPERLINK(""x"")",'+pop,'@rock,-0.5`);
    expect(lines[2]).toBe(`"a,b",'-x,'\tt,`);
  });

  it('confusion, compare and feature tables', () => {
    expect(tableToCsv(confusionTable([[3, 1], [0, 2]], ['a', 'b']))).toBe('true \\ predicted,a,b\r\na,3,1\r\nb,0,2\r\n');
    const c = compareTable([{ model: 'k-NN (k 5)', datasetName: 'd.csv', features: ['x', 'y'], split: '80/20', accuracy: 0.75, macroF1: 0.5, trainMs: 12, backend: 'js', seed: '—' }]);
    expect(c.rows[0]).toEqual(['k-NN (k 5)', '', 'd.csv', 'x y', '2', '80/20', '0.75', '0.5', '12', 'js', '—']);
    const ds = { featureNames: ['f', 'g'], values: Float64Array.of(1, 2, 3, 4), rowKeys: ['r0', 'r1'], trackIds: ['t', 't'], segmentIndex: Int32Array.of(0, 1) } as unknown as Dataset;
    expect(featureValuesTable(ds, [1, 0])).toEqual({ header: ['feature', 'r1', 'r0'], rows: [['f', '3', '1'], ['g', '4', '2']] });
  });

  it('why-this-answer and feature-comparison tables', () => {
    expect(tableToCsv(neighboursTable([{ id: '@x.wav', trackId: 'x', genre: 'jazz', distance: 0.25, weight: 0.5 }]))).toBe("neighbour,track,genre,distance,vote share\r\n'@x.wav,x,jazz,0.25,0.5\r\n");
    expect(occlusionTable([{ feature: 'tempo', change: -0.125 }]).rows).toEqual([['tempo', '-0.125']]);
    expect(featureComparisonTable([{ name: 'rms', audio: 0.5 }, { name: 'zcr', audio: 1, table: 2, relDiff: 0.5 }]).rows).toEqual([
      ['rms', '0.5', '', ''],
      ['zcr', '1', '2', '0.5'],
    ]);
  });

  it('file names keep only safe characters', () => {
    expect(exportFileName('k-NN: confusion (true blues)', 'csv')).toBe('k-NN_confusion_true_blues.csv');
    expect(exportFileName('///', 'png')).toBe('export.png');
  });
});
