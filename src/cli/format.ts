import type { ClassicRunResult } from '../core/eval/classic';
import type { EvaluationResult } from '../core/eval/metrics';

const r4 = (x: number) => +x.toFixed(4);

function evalJson(e: EvaluationResult) {
  return {
    n: e.n,
    correct: e.correct,
    accuracy: r4(e.accuracy),
    accuracyPercent: +(e.accuracy * 100).toFixed(2),
    macroF1: r4(e.macroF1),
    confusion: e.confusion,
    perGenre: e.perClass.map((c) => ({ genre: c.genre, TP: c.tp, TN: c.tn, FP: c.fp, FN: c.fn, precision: r4(c.precision), recall: r4(c.recall), f1: r4(c.f1) })),
  };
}

export function runToJson(r: ClassicRunResult) {
  return { model: r.model, params: r.params, features: r.features, split: r.split, genres: r.genres, ...evalJson(r.rows), tracks: r.tracks ? evalJson(r.tracks) : undefined, folds: r.folds?.map((f) => ({ accuracy: r4(f.accuracy), macroF1: r4(f.macroF1) })), elapsedMs: +r.elapsedMs.toFixed(1) };
}

export function formatEvaluation(e: EvaluationResult): string {
  const lines = [`accuracy ${(e.accuracy * 100).toFixed(2)} % (${e.correct}/${e.n}), macro F1 ${e.macroF1.toFixed(3)}`, 'genre        TP   TN   FP   FN  prec  rec   F1'];
  for (const c of e.perClass)
    lines.push(`${c.genre.padEnd(11)} ${[c.tp, c.tn, c.fp, c.fn].map((v) => String(v).padStart(4)).join(' ')}  ${c.precision.toFixed(2)}  ${c.recall.toFixed(2)}  ${c.f1.toFixed(2)}`);
  return lines.join('\n');
}

export function formatRunText(r: ClassicRunResult): string {
  const head = `${r.model} ${JSON.stringify(r.params)} on ${r.features.length} feature(s), ${r.split}`;
  const tracks = r.tracks ? `\nper-track vote: ${formatEvaluation(r.tracks).split('\n')[0]}` : '';
  return `${head}\n${formatEvaluation(r.rows)}${tracks}`;
}
