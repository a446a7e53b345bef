/**
 * `npm run lab -- merge a.csv b.csv … [--out all.csv] [--partial]`: join tables written by
 * `lab extract --out` (shards of one split, or whole runs over different folders) into one table,
 * byte for byte what a single `lab extract` over all the files writes.
 *
 * Each table's sidecar (src/node/shards.ts) says which recipe and version made it, which shard of
 * which file list it is and which file each row came from. Merge refuses mixed recipes or
 * versions, different headers, a track in two places (overlapping shards, a file extracted twice)
 * and — unless --partial — a split with shards missing. Rows are rebuilt into clips, sorted by
 * file name (the order extract takes files in) and written by the same toDataset + exportCsv as
 * extract, so NTNU track numbers and GenreIDs come out as one run numbers them.
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import Papa from 'papaparse';
import { optFlag, optString, type ParsedArgs } from '../args';
import type { CliCommand } from '../command';
import { describeFailure, type FailedFile } from '../../core/audio/batch';
import { LabError } from '../../core/errors';
import { exportCsv } from '../../core/features/exportCsv';
import { getRecipe } from '../../core/features/recipes';
import { fileStem, toDataset, type ExtractedClip } from '../../core/features/toDataset';
import { makeSidecar, readSidecar, sortInputFiles, tableDigest, writeTableWithSidecar, type ExtractSidecar } from '../../node/shards';

interface Input {
  path: string;
  text: string;
  header: string;
  sidecar: ExtractSidecar;
}

const firstLine = (text: string): string => text.slice(0, text.indexOf('\n') < 0 ? text.length : text.indexOf('\n'));

function readInput(path: string): Input {
  const sidecar = readSidecar(path);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new LabError('bad-argument', `Cannot read ${path}: ${e instanceof Error ? e.message : String(e)}`, { file: path });
  }
  return { path, text, header: firstLine(text), sidecar };
}

/** Same recipe and version (this lab's), same header, in every input. */
function checkSameTable(inputs: readonly Input[]): void {
  const [first] = inputs as [Input, ...Input[]];
  const { recipe, recipeVersion } = first.sidecar;
  for (const i of inputs) {
    if (i.sidecar.recipe !== recipe || i.sidecar.recipeVersion !== recipeVersion)
      throw new LabError('spec-mismatch', `${i.path} holds ${i.sidecar.recipe} (version ${i.sidecar.recipeVersion}) features but ${first.path} holds ${recipe} (version ${recipeVersion}): merge only tables of one recipe — extract them again with the same --recipe.`, { files: [first.path, i.path] });
    if (i.header !== first.header) {
      const a = first.header.split(/[\t,]/);
      const b = i.header.split(/[\t,]/);
      const at = a.findIndex((c, k) => c !== b[k]);
      throw new LabError('spec-mismatch', `${i.path} and ${first.path} have different headers (column ${at + 1}: "${b[at] ?? ''}" vs "${a[at] ?? ''}"): they were not written by the same recipe, or one was edited; extract it again.`, { files: [first.path, i.path] });
    }
  }
  const current = getRecipe(recipe).version;
  if (recipeVersion !== current)
    throw new LabError('spec-mismatch', `The tables hold ${recipe} features of version ${recipeVersion}, but this lab's ${recipe} is version ${current} (its numbers may differ): extract them again.`, { recipe, version: recipeVersion });
}

/** Every shard of each split is here once (1-based shard numbers, as --shard takes them). */
function checkShards(inputs: readonly Input[], partial: boolean): void {
  const splits = new Map<string, Input[]>();
  for (const i of inputs) {
    const s = i.sidecar.shard;
    if (!s) continue;
    const key = `${s.count}:${i.sidecar.list.sha256}`;
    splits.set(key, [...(splits.get(key) ?? []), i]);
  }
  for (const group of splits.values()) {
    const { count } = group[0]!.sidecar.shard!;
    const seen = new Map<number, string>();
    for (const i of group) {
      const index = i.sidecar.shard!.index;
      const other = seen.get(index);
      if (other) throw new LabError('bad-argument', `${other} and ${i.path} are both shard ${index}/${count} of the same file list: pass each shard once.`, { files: [other, i.path] });
      seen.set(index, i.path);
    }
    const missing = Array.from({ length: count }, (_, k) => k + 1).filter((k) => !seen.has(k));
    if (missing.length && !partial) {
      const list = group[0]!.sidecar.list;
      const others = inputs.filter((i) => i.sidecar.shard?.count === count && !group.includes(i));
      throw new LabError(
        'bad-argument',
        `Shard${missing.length > 1 ? 's' : ''} ${missing.map((k) => `${k}/${count}`).join(', ')} of the split of ${list.files} files that ${group.map((i) => `${i.path} (${i.sidecar.shard!.index}/${count})`).join(', ')} belong to ${missing.length > 1 ? 'are' : 'is'} missing: pass ${missing.length > 1 ? 'them' : 'it'} too, or --partial to merge what is here.` +
          (others.length ? ` (${others.map((i) => i.path).join(', ')} ${others.length > 1 ? 'are shards' : 'is a shard'} of a different list of ${others[0]!.sidecar.list.files} files: were the shards extracted from different folders?)` : ''),
        { missing },
      );
    }
  }
}

/**
 * The clips of one input, rebuilt from its rows and sidecar. The table must be the one its
 * sidecar describes (its SHA-256) and must come back byte for byte when written out again (so the
 * rows were read as written): otherwise merging it would give a table no extract run would write.
 */
function clipsOf(input: Input): ExtractedClip[] {
  const spec = getRecipe(input.sidecar.recipe);
  const mismatch = (what: string) => new LabError('bad-argument', `${input.path} does not match its sidecar ${input.path}.json (${what}): it was edited, or the two come from different runs — extract this table again.`, { file: input.path });
  if (tableDigest(input.text) !== input.sidecar.tableSha256) throw mismatch('its SHA-256 differs from the one recorded when it was written');
  const rows = Papa.parse<string[]>(input.text, { delimiter: spec.table === 'ntnu' ? '\t' : ',', skipEmptyLines: true }).data.slice(1);
  const expected = input.sidecar.clips.reduce((n, c) => n + c.rows, 0);
  if (rows.length !== expected) throw mismatch(`${rows.length} rows, the sidecar lists ${expected}`);
  // Both table formats put the features right after two leading cells (filename + length, or Track ID + File).
  const d = spec.featureNames.length;
  let r = 0;
  const clips = input.sidecar.clips.map((c): ExtractedClip => {
    const segments: Float64Array[] = [];
    const segmentLengths: number[] = [];
    for (let k = 0; k < c.rows; k++, r++) {
      const row = rows[r] as string[];
      segments.push(Float64Array.from(row.slice(2, 2 + d), Number));
      segmentLengths.push(Number(row[1]));
    }
    return { fileName: c.file, genre: c.genre, segments, segmentLengths: spec.table === 'ntnu' ? undefined : segmentLengths };
  });
  let again: string;
  try {
    again = exportCsv(toDataset(clips, spec.id));
  } catch (e) {
    throw mismatch(e instanceof Error ? e.message : String(e));
  }
  if (again !== input.text) {
    const a = again.split('\n');
    const b = input.text.split('\n');
    throw mismatch(`line ${a.findIndex((l, k) => l !== b[k]) + 1} differs`);
  }
  return clips;
}

/** Refuse a track (file name without extension, the lab's track id) that appears twice. */
function checkNoDuplicates(clipsByInput: readonly { input: Input; clips: ExtractedClip[] }[]): void {
  const where = new Map<string, { path: string; file: string }>();
  for (const { input, clips } of clipsByInput)
    for (const c of clips) {
      const track = fileStem(c.fileName);
      const first = where.get(track);
      if (first)
        throw new LabError(
          'bad-argument',
          `Track ${track} is in ${first.path} (${first.file}) and in ${input.path === first.path ? 'it again' : input.path} (${c.fileName}): each track must be merged once — were shards of different splits (e.g. 1/3 and 1/4) or the same table passed twice?`,
          { track, files: [first.path, input.path] },
        );
      where.set(track, { path: input.path, file: c.fileName });
    }
}

/** Merge the tables at `paths`; returns the merged table's text, its sidecar and the failed files of all inputs. */
export function mergeTables(paths: readonly string[], opts: { partial?: boolean } = {}): { text: string; sidecar: ExtractSidecar; failed: FailedFile[] } {
  if (paths.length === 0) throw new LabError('bad-argument', 'No tables given: pass the CSV files `lab extract --out` wrote, e.g. `lab merge part*.csv --out all.csv`.');
  const inputs = paths.map(readInput);
  checkSameTable(inputs);
  checkShards(inputs, opts.partial ?? false);
  const clipsByInput = inputs.map((input) => ({ input, clips: clipsOf(input) }));
  checkNoDuplicates(clipsByInput);
  // Extract's order: by file name (unique now that every track is here once).
  const clips = clipsByInput.flatMap((x) => x.clips).sort((a, b) => (a.fileName < b.fileName ? -1 : a.fileName > b.fileName ? 1 : 0));
  const failedPaths = sortInputFiles(inputs.flatMap((i) => i.sidecar.failed.map((f) => f.file)));
  const failedBy = new Map(inputs.flatMap((i) => i.sidecar.failed.map((f) => [f.file, f] as const)));
  const failed = failedPaths.map((p) => failedBy.get(p) as FailedFile);
  const recipe = inputs[0]!.sidecar.recipe;
  const text = exportCsv(toDataset(clips, recipe));
  // The merged table's list is every file its inputs saw: a complete split gives the whole run's list.
  const listFiles = [...clips.map((c) => c.fileName), ...failed.map((f) => basename(f.file))];
  return { text, sidecar: makeSidecar(recipe, null, listFiles, text, clips, failed), failed };
}

async function run(args: ParsedArgs): Promise<void> {
  const out = optString(args, 'out');
  const { text, sidecar, failed } = mergeTables(args.positionals, { partial: optFlag(args, 'partial') });
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const rows = sidecar.clips.reduce((n, c) => n + c.rows, 0);
  if (out) {
    writeTableWithSidecar(out, text, sidecar);
    log(`merged ${args.positionals.length} table(s): ${sidecar.clips.length} tracks, ${rows} rows to ${out} (and ${out}.json)`);
  } else process.stdout.write(text);
  if (failed.length) log([`${failed.length} file(s) failed in the inputs and are not in the table:`, ...failed.map((f) => `  ${describeFailure(f)}`)].join('\n'));
}

export const mergeCommand: CliCommand = {
  name: 'merge',
  usage: 'merge a.csv b.csv … [--out all.csv] [--partial]   join `extract --out` tables (e.g. --shard 1/4 … 4/4) into what one extract run writes; refuses mixed recipes, duplicate tracks, missing shards (unless --partial)',
  run,
};
