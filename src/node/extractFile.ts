/**
 * The one step `lab extract` runs per file — read, decode to mono 22 050 Hz, extract a recipe,
 * refuse non-finite rows — shared by the in-process loop and the worker_threads pool
 * (extractPool.ts), so `--jobs N` runs exactly the code `--jobs 1` runs.
 */
import { basename } from 'node:path';
import { checkFeatureRows } from '../core/audio/batch';
import { extractRecipe } from '../core/features/recipes';
import type { RecipeId } from '../core/features/spec';
import type { ExtractedClip } from '../core/features/toDataset';
import { readAudioFile } from './audioFiles';
import { genreFromPath } from './genreFromPath';

/** Extract `recipe` from the audio file at `path`; throws (a LabError for bad audio) when it cannot. */
export async function extractAudioFile(path: string, recipe: RecipeId): Promise<ExtractedClip> {
  const audio = await readAudioFile(path);
  const res = extractRecipe(audio.samples, audio.sampleRateHz, recipe);
  checkFeatureRows(basename(path), res.featureNames, res.segments);
  return { fileName: basename(path), genre: genreFromPath(path), segments: res.segments, segmentLengths: res.segmentLengths };
}
