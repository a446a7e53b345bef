/**
 * `npm run parity [-- --quick] [--json]`: how close our extractor is to librosa — per feature
 * family median/max scaled error for the synthetic fixtures and the real GTZAN clips, per recipe;
 * tempo agreement; frame-level parity on cmajor_chord.wav; k-NN agreement (table row vs our
 * features); and how far Meyda's own features are from librosa's on the same clip.
 */
import { join } from 'node:path';
import { optFlag, type ParsedArgs } from '../args';
import { emit, type CliCommand } from '../command';
import { LabError } from '../../core/errors';
import { KAGGLE_FEATURE_NAMES } from '../../core/features/recipes';
import {
  fixtureParity, frameParity, knnGenreWithoutTrack, listRealClips, loadTable, meydaComparison, realClipParity, type RecipeParity,
} from '../../node/parity';
import { gtzanDir, skipReason } from '../../node/paths';

function fmt(x: number): string {
  return x === 0 ? '0' : x.toExponential(2);
}

function recipeText(p: RecipeParity): string {
  const lines = [`${p.recipe} vs ${p.source}: ${p.clips} clips, ${p.rows} rows, ${p.msPerClip.toFixed(0)} ms/clip`];
  lines.push('  family                  n      median       max   (scaled error: relative, or abs/(0.1·spread) near zero)');
  for (const [f, s] of Object.entries(p.families)) lines.push(`  ${f.padEnd(20)} ${String(s.n).padStart(6)}  ${fmt(s.median).padStart(9)} ${fmt(s.max).padStart(9)}`);
  lines.push(`  tempo: ${p.tempo.agree}/${p.tempo.total} equal (${(100 * p.tempo.rate).toFixed(1)} %)${p.tempo.mismatches.length ? ' — ' + p.tempo.mismatches.slice(0, 5).join('; ') : ''}`);
  return lines.join('\n');
}

async function run(args: ParsedArgs): Promise<void> {
  const reason = skipReason('data', 'gtzan');
  if (reason) throw new LabError('bad-argument', `parity needs the course data: ${reason}`);
  const quick = optFlag(args, 'quick');
  let clips = listRealClips();
  if (quick) clips = clips.filter((_, i) => i % 5 === 0);
  const log = (s: string): void => void process.stderr.write(s + '\n');
  log(`parity on ${clips.length} real clips${quick ? ' (--quick subset)' : ''} and the synthetic fixtures…`);
  const fixtures = [await fixtureParity('kaggle30'), await fixtureParity('ntnu30')];
  const frames = await frameParity();
  const real: RecipeParity[] = [];
  for (const r of ['kaggle30', 'kaggle3', 'ntnu30', 'ntnu10'] as const) {
    log(`  ${r}…`);
    real.push(await realClipParity(r, clips));
  }
  // k-NN agreement: prediction from our kaggle30 features vs from the clip's own table row
  const table = loadTable('kaggle30');
  const k30 = real[0]?.extracted ?? new Map<string, Float64Array[]>();
  let agree = 0;
  const knnRows: { id: string; fromTable: string; fromAudio: string }[] = [];
  for (const [id, segs] of k30) {
    const key = `${id}.au`;
    const row = table.rows.get(key)?.[0];
    if (!row || !segs[0]) continue;
    // Both rows in the table's column order (our kaggle30 recipe emits KAGGLE_FEATURE_NAMES).
    const tableX = Float64Array.from(row);
    const audioX = Float64Array.from(table.header, (n) => segs[0]![KAGGLE_FEATURE_NAMES.indexOf(n)] as number);
    const fromTable = await knnGenreWithoutTrack(id, tableX);
    const fromAudio = await knnGenreWithoutTrack(id, audioX);
    if (fromTable === fromAudio) agree++;
    knnRows.push({ id, fromTable, fromAudio });
  }
  const meyda = await meydaComparison(join(gtzanDir, 'audio', 'blues.00000.wav'));
  const report = { fixtures, frames, real: real.map(({ extracted: _e, ...rest }) => rest), knn: { agree, total: knnRows.length, rows: knnRows }, meyda };
  emit(args, report, () => {
    const out: string[] = ['== Synthetic fixtures (librosa-reference.json) =='];
    for (const p of fixtures) out.push(recipeText(p));
    out.push('', '== Frame level: cmajor_chord.wav, first 200 frames ==');
    for (const a of frames.arrays) out.push(`  ${a.name.padEnd(20)} n=${String(a.n).padStart(6)}  median rel ${fmt(a.medianRel)}  max rel ${fmt(a.maxRel)}  max abs ${fmt(a.maxAbs)}`);
    out.push(`  tuning estimate: ${frames.tuning.got} (librosa ${frames.tuning.want})`);
    out.push('', '== Real GTZAN clips vs the published tables ==');
    for (const p of real) out.push(recipeText(p));
    out.push('', `== k-NN (k=5, distance-weighted, z-scored; features_30_sec.csv minus the clip) ==`);
    out.push(`  same genre from our audio features as from the table row: ${agree}/${knnRows.length}`);
    const diff = knnRows.filter((r) => r.fromTable !== r.fromAudio);
    if (diff.length) out.push('  differ: ' + diff.map((r) => `${r.id} (${r.fromTable} vs ${r.fromAudio})`).join(', '));
    out.push('', "== Meyda's own features vs librosa on blues.00000.wav (same frames) ==");
    for (const m of meyda) out.push(`  ${m.feature.padEnd(24)} median rel diff ${m.medianRel.toFixed(3).padStart(8)}  corr ${m.correlation.toFixed(3)}   (${m.mapping})`);
    return out.join('\n');
  });
}

export const parityCommand: CliCommand = {
  name: 'parity',
  usage: 'parity [--quick] [--json]   extractor vs librosa: per-family errors, tempo agreement, k-NN agreement, Meyda distance',
  run,
};
