/**
 * Splitting `lab extract` across machines and joining the pieces (`lab merge`): the one order of
 * input files, `--shard i/n` (1-based), and the sidecar each `--out` table gets.
 *
 * A table must stay a plain table the lab loads (a comment line is not CSV), so what it cannot say
 * — which recipe and version made it, which shard of which file list it is, which file each row
 * came from, which files failed — goes into a JSON sidecar next to it: `part1.csv` →
 * `part1.csv.json`. Merge reads it to refuse mixed recipes, overlapping or missing shards.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import type { FailedFile } from '../core/audio/batch';
import { LabError } from '../core/errors';
import { getRecipe } from '../core/features/recipes';
import type { RecipeId } from '../core/features/spec';
import type { ExtractedClip } from '../core/features/toDataset';

/** Shard `index` of `count`, 1-based: `--shard 1/4` … `--shard 4/4`. */
export interface Shard {
  index: number;
  count: number;
}

const SHARD_HELP = 'shards are numbered from 1: --shard 1/4, 2/4, 3/4, 4/4 split the files four ways';

/** Parse `--shard i/n` (1 ≤ i ≤ n). */
export function parseShard(text: string): Shard {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  if (!m) throw new LabError('bad-argument', `--shard takes i/n, got "${text}" (${SHARD_HELP}).`);
  const index = Number(m[1]);
  const count = Number(m[2]);
  if (count < 1 || index < 1 || index > count)
    throw new LabError('bad-argument', `--shard ${text}: ${count < 1 ? 'the number of shards must be at least 1' : `the shard must be between 1 and ${count}`} (${SHARD_HELP}).`, { index, count });
  return { index, count };
}

/** Code-unit order, not localeCompare: every machine of a split must sort the same way. */
const byCodeUnit = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * The one order of a run's files: by file name (what the table shows), then by path. Every
 * machine sorts the same names the same way whatever the folders are called there, so shard i/n
 * is the same files everywhere, and a merge (which sorts rows by file name) reproduces a single
 * run byte for byte. The same path given twice is extracted once.
 */
export function sortInputFiles(files: readonly string[]): string[] {
  const seen = new Set<string>();
  const unique = files.filter((f) => {
    const key = resolve(f);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  return unique.sort((a, b) => byCodeUnit(basename(a), basename(b)) || byCodeUnit(a, b));
}

/** Every `count`-th file of the sorted list, from the `index`-th (1-based): genres spread evenly over the shards. */
export function pickShard<T>(sorted: readonly T[], shard: Shard): T[] {
  return sorted.filter((_, i) => i % shard.count === shard.index - 1);
}

/** SHA-256 of the sorted file names: two shards of one split were cut from the same list. */
export function listDigest(fileNames: readonly string[]): string {
  return createHash('sha256').update([...fileNames].map((f) => basename(f)).sort(byCodeUnit).join('\n')).digest('hex');
}

const SIDECAR_FORMAT = 'genre-lab-extract/1';

/** What a table written by `lab extract --out` or `lab merge --out` cannot say itself. */
export interface ExtractSidecar {
  format: typeof SIDECAR_FORMAT;
  recipe: RecipeId;
  recipeVersion: number;
  /** Which shard of `list` this table is; null for a whole run or a merge. */
  shard: Shard | null;
  /** The whole sorted file list the shard was cut from (failed files included): its size and {@link listDigest}. */
  list: { files: number; sha256: string };
  /** SHA-256 of the table's text: a table changed after it was written is not merged. */
  tableSha256: string;
  /** The table's clips in row order; each has `rows` consecutive rows. */
  clips: { file: string; genre: string; rows: number }[];
  /** Files of this table's share that could not be extracted (path as given, reason). */
  failed: FailedFile[];
}

/** `part1.csv` → `part1.csv.json`. */
export function sidecarPath(tablePath: string): string {
  return `${tablePath}.json`;
}

/** SHA-256 of a table's text, hex. */
export function tableDigest(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** The sidecar of `table` (the text of `clips`, in row order) cut as `shard` from the list of `listFiles`. */
export function makeSidecar(recipe: RecipeId, shard: Shard | null, listFiles: readonly string[], table: string, clips: readonly ExtractedClip[], failed: readonly FailedFile[]): ExtractSidecar {
  return {
    format: SIDECAR_FORMAT,
    recipe,
    recipeVersion: getRecipe(recipe).version,
    shard,
    list: { files: listFiles.length, sha256: listDigest(listFiles) },
    tableSha256: tableDigest(table),
    clips: clips.map((c) => ({ file: c.fileName, genre: c.genre, rows: c.segments.length })),
    failed: [...failed],
  };
}

/** Write `text` to a temporary file and rename it over `path`: an interrupted run never leaves a half-written table. */
export function writeFileAtomic(path: string, text: string): void {
  const tmp = `${path}.${process.pid}.tmp`;
  try {
    writeFileSync(tmp, text);
    renameSync(tmp, path);
  } finally {
    rmSync(tmp, { force: true });
  }
}

/** Write a table and its sidecar (the table first: a sidecar never describes a table that is not there). */
export function writeTableWithSidecar(path: string, text: string, sidecar: ExtractSidecar): void {
  writeFileAtomic(path, text);
  writeFileAtomic(sidecarPath(path), `${JSON.stringify(sidecar, null, 2)}\n`);
}

/** Read and check the sidecar of `tablePath`. */
export function readSidecar(tablePath: string): ExtractSidecar {
  const path = sidecarPath(tablePath);
  if (!existsSync(path))
    throw new LabError('bad-argument', `${tablePath} has no sidecar ${path}: merge joins only tables written by \`lab extract --out\` (which writes the sidecar next to the table), as only the sidecar says which recipe, shard and files a table holds.`, { file: tablePath });
  let s: Partial<ExtractSidecar>;
  try {
    s = JSON.parse(readFileSync(path, 'utf8')) as Partial<ExtractSidecar>;
  } catch (e) {
    throw new LabError('bad-argument', `${path} is not valid JSON (${e instanceof Error ? e.message : String(e)}): extract ${tablePath} again.`, { file: path });
  }
  const ok =
    s.format === SIDECAR_FORMAT &&
    typeof s.recipe === 'string' &&
    Number.isInteger(s.recipeVersion) &&
    (s.shard === null || (typeof s.shard === 'object' && Number.isInteger(s.shard?.index) && Number.isInteger(s.shard?.count))) &&
    Number.isInteger(s.list?.files) &&
    typeof s.list?.sha256 === 'string' &&
    typeof s.tableSha256 === 'string' &&
    Array.isArray(s.clips) &&
    s.clips.every((c) => typeof c?.file === 'string' && typeof c.genre === 'string' && Number.isInteger(c.rows) && c.rows > 0) &&
    Array.isArray(s.failed);
  if (!ok) throw new LabError('bad-argument', `${path} is not a sidecar of \`lab extract\` (format ${SIDECAR_FORMAT}): extract ${tablePath} again with this version of the lab.`, { file: path });
  getRecipe(s.recipe as string); // an unknown recipe is named by getRecipe's own error
  return s as ExtractSidecar;
}
