/**
 * A batch of audio files (a dropped folder, `lab extract <folder>`): one bad file is listed as
 * failed with its reason and the rest goes on. These helpers are shared by the browser import
 * (src/ui/audioImport.ts) and the CLI (src/cli/commands/extract.ts) so both list failures the
 * same way, never keep non-finite features, and end a batch with its real cause first.
 */
import { isLabError, LabError, reasonWithoutFileName } from '../errors';

/** A file of a batch that could not be used. */
export interface FailedFile {
  /** The file as the user knows it (its path in the dropped folder or on the command line). */
  file: string;
  /** Why, without repeating the file's name. */
  reason: string;
}

/** The failure of `file` from what it threw; a leading "name: " in the message is dropped (the list names the file). */
export function failedFile(file: string, e: unknown): FailedFile {
  const reason = reasonWithoutFileName(e instanceof Error || isLabError(e) ? e.message : String(e), file);
  return { file, reason: reason.charAt(0).toUpperCase() + reason.slice(1) };
}

/** "file: reason", for a log line or a headline. */
export function describeFailure(f: FailedFile): string {
  return `${f.file}: ${f.reason}`;
}

/**
 * Throw 'non-finite' when a feature row of `fileName` holds NaN or ±Infinity, naming the segment
 * and feature. Call it before features are cached or tabled: a NaN row must fail its own file,
 * not poison the cache or sink the batch when the dataset is assembled.
 */
export function checkFeatureRows(fileName: string, featureNames: readonly string[], rows: readonly Float64Array[]): void {
  rows.forEach((row, k) => {
    const j = row.findIndex((v) => !Number.isFinite(v));
    if (j >= 0)
      throw new LabError(
        'non-finite',
        `${fileName}: segment ${k} gives ${String(row[j])} for ${featureNames[j] ?? `feature ${j}`}, so its features cannot be used (the audio itself had only finite samples — please report this file).`,
        { file: fileName, segment: k, feature: featureNames[j] },
      );
  });
}

/**
 * The error a finished batch ends with when it leaves nothing usable, the real cause first: the
 * failed files before "all clips are of one genre" (which is often only their consequence).
 * Undefined when the batch is usable. `minGenres` is 2 for a dataset to train on, 1 for a table.
 */
export function batchOutcomeError(o: { clipGenres: readonly string[]; failed: readonly FailedFile[]; minGenres: number }): LabError | undefined {
  const clips = o.clipGenres.length;
  const genres = [...new Set(o.clipGenres)];
  const nFailed = o.failed.length;
  const first = o.failed[0];
  const firstText = first ? describeFailure(first).replace(/\.$/, '') : '';
  const more = nFailed > 1 ? ` (and ${nFailed - 1} more: see the list of failed files)` : '';
  if (clips === 0)
    return new LabError('no-features', first ? `No file could be analysed. ${firstText}${more}.` : 'No file could be analysed.', { failed: nFailed });
  if (genres.length >= o.minGenres) return undefined;
  const oneGenre = `a classifier needs at least ${o.minGenres} genres. Drop a folder with one sub-folder per genre.`;
  if (!first) return new LabError('single-genre', `All analysed clips are of one genre ("${genres[0]}"): ${oneGenre}`, { genres });
  return new LabError(
    'single-genre',
    `${nFailed} of ${clips + nFailed} files could not be analysed — ${firstText}${more}. The ${clips} clip${clips === 1 ? '' : 's'} left ${clips === 1 ? 'is' : 'are all'} of one genre ("${genres[0]}"): ${oneGenre}`,
    { genres, failed: nFailed },
  );
}
