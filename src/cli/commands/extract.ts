/**
 * `npm run lab -- extract <files or folders> --recipe kaggle30|kaggle3|ntnu30|ntnu10|ntnu5|meyda
 * [--out file.csv]`: decode, resample to 22 050 Hz, extract, and write the recipe's own table
 * format (stdout without --out). Genre comes from `genre.NNNNN.wav` names or the folder name.
 *
 * One bad file does not sink the batch (as in the browser import): it is named once on stderr,
 * the rest goes on, the good files' rows are written and the failed files are listed at the end.
 * Exit status: 0 when at least one file was extracted (failures listed), 1 when none could be.
 */
import { writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { optString, type ParsedArgs } from '../args';
import type { CliCommand } from '../command';
import { batchOutcomeError, checkFeatureRows, describeFailure, failedFile, type FailedFile } from '../../core/audio/batch';
import { LabError } from '../../core/errors';
import { exportCsv } from '../../core/features/exportCsv';
import { extractRecipe, getRecipe } from '../../core/features/recipes';
import type { RecipeId } from '../../core/features/spec';
import { toDataset, type ExtractedClip } from '../../core/features/toDataset';
import { listAudioFiles, readAudioFile } from '../../node/audioFiles';
import { genreFromPath } from '../../node/genreFromPath';

/**
 * Extract every file, going on past failures. Returns the clips (in file order) and the failed
 * files with their reasons; `log` gets one line per file.
 */
export async function extractAudioFiles(files: readonly string[], recipe: RecipeId, log: (line: string) => void = () => {}): Promise<{ clips: ExtractedClip[]; failed: FailedFile[] }> {
  const clips: ExtractedClip[] = [];
  const failed: FailedFile[] = [];
  for (const [i, f] of files.entries()) {
    try {
      const audio = await readAudioFile(f);
      const res = extractRecipe(audio.samples, audio.sampleRateHz, recipe);
      checkFeatureRows(basename(f), res.featureNames, res.segments);
      clips.push({ fileName: basename(f), genre: genreFromPath(f), segments: res.segments, segmentLengths: res.segmentLengths });
      log(`[${i + 1}/${files.length}] ${f}: ${res.segments.length} segment(s)`);
    } catch (e) {
      const fail = failedFile(f, e);
      failed.push(fail);
      log(`[${i + 1}/${files.length}] failed, left out: ${describeFailure(fail)}`);
    }
  }
  return { clips, failed };
}

async function run(args: ParsedArgs): Promise<void> {
  const recipe = getRecipe(optString(args, 'recipe', 'kaggle30') as string);
  const files = listAudioFiles(args.positionals);
  if (files.length === 0) throw new LabError('bad-argument', 'No audio files given (pass files or folders with .wav/.mp3/.flac/.ogg).');
  const t0 = performance.now();
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const { clips, failed } = await extractAudioFiles(files, recipe.id, log);
  const listFailed = () => {
    if (failed.length) log([`${failed.length} of ${files.length} file(s) could not be used and were left out:`, ...failed.map((f) => `  ${describeFailure(f)}`)].join('\n'));
  };
  // Nothing extracted: the first failure is the cause (exit status 1 via main.ts).
  const unusable = batchOutcomeError({ clipGenres: clips.map((c) => c.genre), failed, minGenres: 1 });
  if (unusable) {
    listFailed();
    throw unusable;
  }
  const ds = toDataset(clips, recipe.id, { name: `extract ${recipe.id}` });
  const text = exportCsv(ds);
  const out = optString(args, 'out');
  if (out) {
    writeFileSync(out, text);
    log(`wrote ${ds.nRows} rows × ${ds.featureNames.length} features to ${out} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  } else process.stdout.write(text);
  listFailed();
}

export const extractCommand: CliCommand = {
  name: 'extract',
  usage: 'extract <files|folders> --recipe kaggle30|kaggle3|ntnu30|ntnu10|ntnu5|meyda [--out file.csv]   features in the table\'s own format; failed files are listed, the rest is written',
  run,
};
