/**
 * `npm run lab -- extract <files or folders> --recipe kaggle30|kaggle3|ntnu30|ntnu10|ntnu5|meyda
 * [--out file.csv]`: decode, resample to 22 050 Hz, extract, and write the recipe's own table
 * format (stdout without --out). Genre comes from `genre.NNNNN.wav` names or the folder name.
 */
import { writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { optString, type ParsedArgs } from '../args';
import type { CliCommand } from '../command';
import { LabError } from '../../core/errors';
import { exportCsv } from '../../core/features/exportCsv';
import { extractRecipe, getRecipe } from '../../core/features/recipes';
import { toDataset, type ExtractedClip } from '../../core/features/toDataset';
import { listAudioFiles, readAudioFile } from '../../node/audioFiles';
import { genreFromPath } from '../../node/genreFromPath';

async function run(args: ParsedArgs): Promise<void> {
  const recipe = getRecipe(optString(args, 'recipe', 'kaggle30') as string);
  const files = listAudioFiles(args.positionals);
  if (files.length === 0) throw new LabError('bad-argument', 'No audio files given (pass files or folders with .wav/.mp3/.flac/.ogg).');
  const clips: ExtractedClip[] = [];
  const t0 = performance.now();
  for (const [i, f] of files.entries()) {
    const audio = await readAudioFile(f);
    const res = extractRecipe(audio.samples, audio.sampleRateHz, recipe.id);
    clips.push({ fileName: basename(f), genre: genreFromPath(f), segments: res.segments, segmentLengths: res.segmentLengths });
    process.stderr.write(`[${i + 1}/${files.length}] ${f}: ${res.segments.length} segment(s)\n`);
  }
  const ds = toDataset(clips, recipe.id, { name: `extract ${recipe.id}` });
  const text = exportCsv(ds);
  const out = optString(args, 'out');
  if (out) {
    writeFileSync(out, text);
    process.stderr.write(`wrote ${ds.nRows} rows × ${ds.featureNames.length} features to ${out} in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
  } else process.stdout.write(text);
}

export const extractCommand: CliCommand = {
  name: 'extract',
  usage: 'extract <files|folders> --recipe kaggle30|kaggle3|ntnu30|ntnu10|ntnu5|meyda [--out file.csv]   features in the table\'s own format',
  run,
};
