import { optList, optNumber, optString } from '../args';
import { emit, type CliCommand } from '../command';
import { searchCombinations } from '../../core/eval/search';
import { LabError } from '../../core/errors';
import { loadTableFile } from '../../node/loadTable';
import { requireData, splitFromArgs, tableOptionsFromArgs } from './knn';

export const searchCommand: CliCommand = {
  name: 'search',
  labelOption: true,
  usage: 'search --data F [--label COLUMN] [--track COLUMN] --base a,b,c,d [--choose 3] [--extras x,y] [--k 5] [--weights distance] [--rank accuracy|macroF1] [--json]',
  async run(args) {
    const ds = loadTableFile(requireData(args), tableOptionsFromArgs(args));
    const base = optList(args, 'base');
    if (!base) throw new LabError('bad-argument', '--base a,b,c is required');
    const weights = optString(args, 'weights', 'distance');
    if (weights !== 'uniform' && weights !== 'distance') throw new LabError('bad-argument', `--weights must be uniform or distance`);
    const rankBy = optString(args, 'rank', 'accuracy') === 'macroF1' ? 'macroF1' : 'accuracy';
    const r = searchCombinations(ds, {
      base,
      choose: optNumber(args, 'choose', base.length - 1),
      extras: optList(args, 'extras'),
      k: optNumber(args, 'k', 5),
      weights,
      split: splitFromArgs(args),
      rankBy,
    });
    const json = {
      combinations: r.cells.length,
      split: r.split,
      nTest: r.nTest,
      best: { ...r.best, accuracyPercent: +(r.best.accuracy * 100).toFixed(2), macroF1: +r.best.macroF1.toFixed(4) },
      top: [...r.cells]
        .sort((a, b) => b.accuracy - a.accuracy || b.macroF1 - a.macroF1)
        .slice(0, 10)
        .map((c) => ({ features: [...r.subsets[c.subset]!, r.extras[c.extra]!], accuracy: +c.accuracy.toFixed(4), macroF1: +c.macroF1.toFixed(4) })),
      elapsedMs: +r.elapsedMs.toFixed(1),
    };
    emit(args, json, () =>
      [
        `${r.cells.length} combinations (${r.subsets.length} base subsets × ${r.extras.length} extras), ${r.split}`,
        `best: ${r.best.features.join(', ')}`,
        `      accuracy ${(r.best.accuracy * 100).toFixed(2)} % (${r.best.correct}/${r.best.n}), macro F1 ${r.best.macroF1.toFixed(3)}`,
        `time ${r.elapsedMs.toFixed(0)} ms`,
      ].join('\n'),
    );
  },
};
