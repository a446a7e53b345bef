import { optFlag, optList, optNumber, optString, type ParsedArgs } from '../args';
import { emit, type CliCommand } from '../command';
import { runKnn } from '../../core/eval/classic';
import { LabError } from '../../core/errors';
import type { TableOptions } from '../../core/data/parse';
import type { SplitChoice } from '../../core/data/split';
import { loadTableFile } from '../../node/loadTable';
import { formatRunText, runToJson } from '../format';

export function splitFromArgs(args: ParsedArgs): SplitChoice {
  const s = optString(args, 'split', 'auto');
  const seed = optNumber(args, 'seed', 0);
  const testFraction = optNumber(args, 'test-fraction', 0.2);
  if (s === 'predefined') return { kind: 'predefined' };
  if (s === 'random') return { kind: 'random', testFraction, seed };
  if (s === 'auto') return { kind: 'auto', testFraction, seed };
  if (s === 'kfold') return { kind: 'kfold', k: optNumber(args, 'folds', 5), seed };
  throw new LabError('bad-argument', `--split must be auto, predefined, random or kfold, got "${s}"`);
}

export function requireData(args: ParsedArgs): string {
  const data = optString(args, 'data');
  if (!data) throw new LabError('bad-argument', '--data <table file> is required');
  return data;
}

/** --label/--track: which columns hold the genre and the track in a table that names them differently. */
export function tableOptionsFromArgs(args: ParsedArgs): TableOptions {
  return { labelColumn: optString(args, 'label'), trackColumn: optString(args, 'track') };
}

/**
 * Progress on stderr (stdout stays clean for --json): a line rewritten in place on a terminal, else
 * one line per 10 %. Silent for jobs under a second, so small tables print nothing extra.
 */
export function stderrProgress(what: string): (fraction: number) => void {
  const t0 = performance.now();
  const tty = process.stderr.isTTY;
  let lastTenth = 0;
  let shown = false;
  return (fraction) => {
    const sec = (performance.now() - t0) / 1000;
    if (sec < 1 && !shown) return;
    shown = true;
    const tenth = Math.floor(fraction * 10);
    if (!tty && tenth <= lastTenth && fraction < 1) return;
    lastTenth = tenth;
    const eta = fraction > 0 ? (sec / fraction) * (1 - fraction) : NaN;
    const line = `${what}: ${(fraction * 100).toFixed(0)} % · ${sec.toFixed(1)} s${fraction < 1 && Number.isFinite(eta) ? ` · about ${eta.toFixed(0)} s left` : ''}`;
    process.stderr.write(tty ? `\r${line}${fraction >= 1 ? '\n' : ''}` : `${line}\n`);
  };
}

export const knnCommand: CliCommand = {
  name: 'knn',
  labelOption: true,
  usage: 'knn --data F [--label COLUMN] [--track COLUMN] [--features a,b,c] [--k 5] [--weights uniform|distance] [--split auto|predefined|random|kfold] [--folds 5] [--seed 0] [--no-scale] [--json]',
  async run(args) {
    const ds = loadTableFile(requireData(args), tableOptionsFromArgs(args));
    const features = optList(args, 'features') ?? ds.featureNames;
    const weights = optString(args, 'weights', 'distance');
    if (weights !== 'uniform' && weights !== 'distance') throw new LabError('bad-argument', `--weights must be uniform or distance`);
    const r = runKnn(
      ds,
      { features, k: optNumber(args, 'k', 5), weights, split: splitFromArgs(args), standardize: !optFlag(args, 'no-scale') },
      { onProgress: stderrProgress('k-NN') },
    );
    emit(args, runToJson(r), () => formatRunText(r));
  },
};
