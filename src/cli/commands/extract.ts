/**
 * `npm run lab -- extract <files or folders> --recipe kaggle30|kaggle3|ntnu30|ntnu10|ntnu5|meyda
 * [--jobs N|auto] [--shard i/n] [--out file.csv]`: decode, resample to 22 050 Hz, extract, and
 * write the recipe's own table format (stdout without --out). Genre comes from `genre.NNNNN.wav`
 * names or the folder name.
 *
 * Files are taken in one order — by file name, then path (src/node/shards.ts) — so `--shard i/n`
 * (1-based: every n-th file from the i-th) cuts the same files on every machine and `lab merge`
 * of the shards gives the single run's bytes. `--out` also writes a sidecar `<out>.json` (recipe,
 * shard, files) for merge. `--jobs N` runs N worker threads (src/node/extractPool.ts); rows stay
 * in file order. Ctrl-C stops cleanly: workers end, nothing is written, exit status 130.
 *
 * One bad file does not sink the batch (as in the browser import): it is named once on stderr,
 * the rest goes on, the good files' rows are written and the failed files are listed at the end.
 * Exit status: 0 when at least one file was extracted (failures listed), 1 when none could be.
 */
import { availableParallelism } from 'node:os';
import { optString, type ParsedArgs } from '../args';
import type { CliCommand } from '../command';
import { batchOutcomeError, describeFailure, type FailedFile } from '../../core/audio/batch';
import { CancelledError, LabError } from '../../core/errors';
import { exportCsv } from '../../core/features/exportCsv';
import { getRecipe } from '../../core/features/recipes';
import type { RecipeId } from '../../core/features/spec';
import { toDataset, type ExtractedClip } from '../../core/features/toDataset';
import { listAudioFiles } from '../../node/audioFiles';
import { extractFiles } from '../../node/extractPool';
import { makeSidecar, parseShard, pickShard, sortInputFiles, writeTableWithSidecar, type Shard } from '../../node/shards';

export interface ExtractAudioOptions {
  /** Worker threads (1: this thread). */
  jobs?: number;
  /** Abort to stop (Ctrl-C): rejects with CancelledError, whatever was extracted is dropped. */
  signal?: AbortSignal;
}

/** `12 s`, `3 min 05 s`. */
function formatDuration(sec: number): string {
  const s = Math.max(0, Math.round(sec));
  return s < 60 ? `${s} s` : `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
}

/**
 * Extract every file, going on past failures. Returns the clips (in file order, whatever order
 * the workers finish in) and the failed files with their reasons; `log` gets one line per file as
 * it finishes: files done / total, what became of it, and the time left at the rate so far.
 */
export async function extractAudioFiles(files: readonly string[], recipe: RecipeId, log: (line: string) => void = () => {}, opts: ExtractAudioOptions = {}): Promise<{ clips: ExtractedClip[]; failed: FailedFile[] }> {
  const t0 = performance.now();
  const outcomes = await extractFiles(files, recipe, {
    ...opts,
    onFile: (file, o, done) => {
      const left = files.length - done;
      const eta = left > 0 ? ` — ETA ${formatDuration((((performance.now() - t0) / 1000) * left) / done)}` : '';
      log(`[${done}/${files.length}] ${o.clip ? `${file}: ${o.clip.segments.length} segment(s)` : `failed, left out: ${describeFailure(o.failed)}`}${eta}`);
    },
  });
  const clips: ExtractedClip[] = [];
  const failed: FailedFile[] = [];
  for (const o of outcomes) {
    if (o.clip) clips.push(o.clip);
    else failed.push(o.failed);
  }
  return { clips, failed };
}

/**
 * `--jobs N|auto`. The default is 1, not one per core: each worker first loads the TypeScript
 * modules through tsx (about a second, more on a busy machine), which a few files do not repay;
 * GNU parallel or a batch scheduler running `--shard`s already puts one process on each core, so
 * N workers each would oversubscribe it; and on a shared machine taking every core should be a
 * choice. The rows are the same whatever N is.
 */
function parseJobs(text: string): number {
  if (text === 'auto') return availableParallelism();
  if (!/^\d+$/.test(text) || Number(text) < 1) throw new LabError('bad-argument', `--jobs takes a whole number of worker threads (1 or more) or "auto" (one per core, ${availableParallelism()} here); got "${text}".`);
  return Number(text);
}

async function run(args: ParsedArgs): Promise<void> {
  const recipe = getRecipe(optString(args, 'recipe', 'kaggle30') as string);
  const jobs = parseJobs(optString(args, 'jobs', '1') as string);
  if (args.options['shard'] === true) throw new LabError('bad-argument', '--shard takes i/n, e.g. --shard 1/4 (shards are numbered from 1).');
  const shardText = optString(args, 'shard');
  const shard: Shard | null = shardText === undefined ? null : parseShard(shardText);
  const out = optString(args, 'out');
  if (shard && !out) throw new LabError('bad-argument', `--shard ${shard.index}/${shard.count} needs --out: a shard's table is written with a sidecar (<out>.json: recipe, shard, files) that \`lab merge\` reads.`);
  const listed = sortInputFiles(listAudioFiles(args.positionals));
  if (listed.length === 0) throw new LabError('bad-argument', 'No audio files given (pass files or folders with .wav/.mp3/.flac/.ogg).');
  const files = shard ? pickShard(listed, shard) : listed;
  if (files.length === 0)
    throw new LabError('bad-argument', `Shard ${shard?.index}/${shard?.count} has no files: the ${listed.length} file(s) found split into at most ${listed.length} shard(s).`);
  const t0 = performance.now();
  const log = (line: string) => process.stderr.write(`${line}\n`);
  if (shard) log(`shard ${shard.index}/${shard.count} (1-based): ${files.length} of ${listed.length} files`);

  // Ctrl-C once stops cleanly (workers terminated, nothing written); a second Ctrl-C gets Node's
  // default and quits at once, as the listener is gone by then.
  const stop = new AbortController();
  const onSigint = () => {
    log('Stopping (Ctrl-C again to quit at once)…');
    stop.abort();
  };
  process.once('SIGINT', onSigint);
  let result: { clips: ExtractedClip[]; failed: FailedFile[] };
  let done = 0;
  try {
    result = await extractAudioFiles(files, recipe.id, (line) => {
      done++;
      log(line);
    }, { jobs, signal: stop.signal });
  } catch (e) {
    if (!(e instanceof CancelledError)) throw e;
    log(`Stopped by Ctrl-C after ${done} of ${files.length} files: nothing was written.`);
    process.exitCode = 130; // 128 + SIGINT, as a shell reports a command stopped by Ctrl-C
    return;
  } finally {
    process.off('SIGINT', onSigint);
  }
  const { clips, failed } = result;
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
  if (out) {
    writeTableWithSidecar(out, text, makeSidecar(recipe.id, shard, listed, text, clips, failed));
    log(`wrote ${ds.nRows} rows × ${ds.featureNames.length} features to ${out} (and ${out}.json for lab merge) in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  } else process.stdout.write(text);
  listFailed();
}

export const extractCommand: CliCommand = {
  name: 'extract',
  usage:
    "extract <files|folders> --recipe kaggle30|kaggle3|ntnu30|ntnu10|ntnu5|meyda [--jobs N|auto] [--shard i/n] [--out file.csv]   features in the table's own format; failed files are listed, the rest is written; " +
    '--jobs: worker threads (default 1, auto = one per core); --shard i/n, 1-based (1/4 … 4/4): every n-th file by name, for merge',
  run,
};
