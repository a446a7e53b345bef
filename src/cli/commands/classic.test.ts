import { describe, expect, it } from 'vitest';
import { parseArgs } from '../args';
import { classicCommand, settingsFromArgs } from './classic';

describe('lab classic', () => {
  it('reads the chosen model’s settings by their flags and refuses another model’s', () => {
    expect(settingsFromArgs('svm', parseArgs(['--C', '10', '--gamma', 'auto', '--kernel', 'linear']))).toEqual({ C: '10', gamma: 'auto', kernel: 'linear' });
    expect(settingsFromArgs('extra-trees', parseArgs(['--trees', '50', '--min-samples-split', '4']))).toEqual({ nTrees: '50', minSamplesSplit: '4' });
    expect(() => settingsFromArgs('extra-trees', parseArgs(['--gamma', '0.1']))).toThrow(/--gamma is not a setting of Extra Trees \(its settings: --trees, --min-samples-split\)/);
    expect(() => settingsFromArgs('sgd', parseArgs(['--C', '1']))).toThrow(/--C is not a setting of SGD/);
  });

  it('lists the registry’s classic kinds and every setting flag in its usage', () => {
    expect(classicCommand.usage).toContain('--model knn|logistic|forest|svm|linear-svm|extra-trees|sgd');
    for (const f of ['--C', '--kernel', '--gamma', '--trees', '--min-samples-split', '--alpha', '--scale zscore|minmax']) expect(classicCommand.usage).toContain(f);
  });

  it('refuses an unknown model or scaling before reading any file', async () => {
    await expect(classicCommand.run(parseArgs(['--model', 'xgboost', '--data', 'nowhere.csv']), [])).rejects.toThrow(/Unknown model "xgboost"/);
    await expect(classicCommand.run(parseArgs(['--model', 'svm', '--scale', 'robust', '--data', 'nowhere.csv']), [])).rejects.toThrow(/--scale must be zscore or minmax/);
    await expect(classicCommand.run(parseArgs(['--model', 'svm', '--C', '-1', '--data', 'nowhere.csv']), [])).rejects.toThrow(/SVM C \(--C\) must be a positive number/);
  });
});
