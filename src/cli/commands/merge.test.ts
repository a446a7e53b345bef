/**
 * `lab extract --shard i/n` + `lab merge` (issue 13, "Folders at scale"): a folder extracted
 * whole and as 3 shards merges to the same bytes; merge refuses what would make a wrong table.
 * Every WAV is synthesised here; the folder is laid out so that path order and file-name order
 * differ, one genre is outside the NTNU numbering, and one file is broken.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { parseTableText } from '../../core/data/parse';
import { encodeWav16 } from '../../core/audio/wav';
import { parseArgs } from '../args';
import { extractCommand } from './extract';
import { mergeCommand, mergeTables } from './merge';

const root = mkdtempSync(join(tmpdir(), 'merge-shards-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const tone = (hz: number, sec = 1) => encodeWav16([Float32Array.from({ length: Math.round(22050 * sec) }, (_, i) => 0.3 * Math.sin((2 * Math.PI * hz * i) / 22050) + 0.05 * Math.sin((2 * Math.PI * 3 * hz * i) / 22050))], 22050);
const audio = join(root, 'audio');
const files: Record<string, Uint8Array> = {
  'blues/blues.00003.wav': tone(220),
  'blues/blues.00001.wav': tone(247),
  'jazz/jazz.00002.wav': tone(330),
  'rock/rock.00001.wav': tone(392),
  'rock/broken.wav': new Uint8Array([0x52, 0x49, 0x46, 0x46, 1, 2]), // genre from its folder; cannot be read
  'house/house_1.wav': tone(440), // house and zz_mine are not NTNU genres: GenreID 10 and 11
  'zz_mine/a_song.wav': tone(523), // first by file name, last by path
  'zz_mine/rock_take.wav': tone(587), // genre from its folder (not a genre.NNNNN name)
};
for (const [p, bytes] of Object.entries(files)) {
  mkdirSync(join(audio, p, '..'), { recursive: true });
  writeFileSync(join(audio, p), bytes);
}
// By file name (code units): a_song, blues.00001, blues.00003, broken, house_1, jazz.00002,
// rock.00001, rock_take. Shard i/3 takes every 3rd from the i-th:
const SHARDS = [
  ['a_song.wav', 'broken.wav', 'rock.00001.wav'],
  ['blues.00001.wav', 'house_1.wav', 'rock_take.wav'],
  ['blues.00003.wav', 'jazz.00002.wav'],
];

async function quietly<T>(f: () => Promise<T>): Promise<T> {
  const spy = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  try {
    return await f();
  } finally {
    spy.mockRestore();
  }
}
const lab = (cmd: typeof extractCommand, argv: string[]) => quietly(() => cmd.run(parseArgs(argv), argv));
const out = (name: string) => join(root, name);
const read = (name: string) => readFileSync(out(name), 'utf8');
const sidecarOf = (name: string) => JSON.parse(read(`${name}.json`)) as { shard: unknown; clips: { file: string }[]; failed: { file: string }[]; list: { files: number; sha256: string } };

/** Extract the folder whole (one thread) and as 3 shards (the first with 2 worker threads). */
async function extractWholeAndShards(recipe: string, tag: string): Promise<void> {
  await lab(extractCommand, [audio, '--recipe', recipe, '--out', out(`${tag}-whole.csv`)]);
  for (const i of [1, 2, 3]) await lab(extractCommand, [audio, '--recipe', recipe, '--shard', `${i}/3`, '--out', out(`${tag}-part${i}.csv`), ...(i === 1 ? ['--jobs', '2'] : [])]);
}
const parts = (tag: string) => [1, 2, 3].map((i) => out(`${tag}-part${i}.csv`));

describe('lab merge of lab extract --shard i/n', () => {
  beforeAll(() => extractWholeAndShards('ntnu30', 'ntnu'));

  it('cuts every 3rd file by file name into each shard (1-based), failed files included', () => {
    SHARDS.forEach((names, k) => {
      const s = sidecarOf(`ntnu-part${k + 1}.csv`);
      expect(s.shard).toEqual({ index: k + 1, count: 3 });
      expect([...s.clips.map((c) => c.file), ...s.failed.map((f) => f.file.split('/').pop())].sort()).toEqual(names);
      expect(s.list.files).toBe(8);
    });
  });

  it('merges the 3 shards (NTNU table) into exactly the bytes of one run over the whole folder', async () => {
    await lab(mergeCommand, [...parts('ntnu').reverse(), '--out', out('ntnu-merged.csv')]);
    expect(read('ntnu-merged.csv')).toBe(read('ntnu-whole.csv'));
    // what the whole run's sidecar says about the file list, the merged one says too
    expect(sidecarOf('ntnu-merged.csv').list).toEqual(sidecarOf('ntnu-whole.csv').list);
    expect(sidecarOf('ntnu-merged.csv').failed.map((f) => f.file)).toEqual([join(audio, 'rock/broken.wav')]);
  });

  it('writes rows by file name, tracks numbered 0…, GenreIDs of one table, and the lab loads it', () => {
    const lines = read('ntnu-merged.csv').trim().split('\n').map((l) => l.split('\t'));
    const body = lines.slice(1);
    // NTNU File names (GTZAN `pop.00072` is written `pop_00072.wav`), in file-name order
    expect(body.map((r) => r[1])).toEqual(['a_song.wav', 'blues_00001.wav', 'blues_00003.wav', 'house_1.wav', 'jazz_00002.wav', 'rock_00001.wav', 'rock_take.wav']);
    expect(body.map((r) => r[0])).toEqual(['0', '1', '2', '3', '4', '5', '6']);
    // RECIPES.md's GenreIDs (blues 3, jazz 9, rock 6); others 10, 11, … in label order — shard 1
    // alone numbered zz_mine 10, as it had no house.
    const gid = Object.fromEntries(body.map((r) => [r[r.length - 2], r[r.length - 3]]));
    expect(gid).toEqual({ zz_mine: '11', blues: '3', house: '10', jazz: '9', rock: '6' });
    const ds = parseTableText(read('ntnu-merged.csv'), 'ntnu-merged.csv');
    expect(ds.nRows).toBe(7);
    expect(ds.featureNames).toHaveLength(63);
    expect([...ds.genres].sort()).toEqual(['blues', 'house', 'jazz', 'rock', 'zz_mine']);
  });

  it('gives the whole run\'s bytes for the Kaggle format too (comma-separated, length column)', async () => {
    await extractWholeAndShards('kaggle30', 'kaggle');
    await lab(mergeCommand, [...parts('kaggle'), '--out', out('kaggle-merged.csv')]);
    expect(read('kaggle-merged.csv')).toBe(read('kaggle-whole.csv'));
    expect(read('kaggle-merged.csv').split('\n')[1]).toMatch(/^a_song\.wav,22050,/);
  });

  it('refuses tables of different recipes', async () => {
    await lab(extractCommand, [join(audio, 'jazz'), '--recipe', 'kaggle30', '--out', out('jazz-kaggle.csv')]);
    expect(() => mergeTables([parts('ntnu')[0]!, out('jazz-kaggle.csv')])).toThrow(/holds kaggle30 \(version 1\) features but .*ntnu-part1\.csv holds ntnu30 \(version 1\): merge only tables of one recipe/);
  });

  it('refuses a track twice: the same shard twice, or a shard with the whole run', () => {
    expect(() => mergeTables([...parts('ntnu'), parts('ntnu')[1]!])).toThrow(/ntnu-part2\.csv and .*ntnu-part2\.csv are both shard 2\/3/);
    expect(() => mergeTables([out('ntnu-whole.csv'), parts('ntnu')[2]!], { partial: true })).toThrow(/^Track blues\.00003 is in .*ntnu-whole\.csv \(blues\.00003\.wav\) and in .*ntnu-part3\.csv \(blues\.00003\.wav\): each track must be merged once/);
  });

  it('refuses a split with a shard missing, naming it 1-based, unless --partial', () => {
    expect(() => mergeTables([parts('ntnu')[0]!, parts('ntnu')[2]!])).toThrow(/^Shard 2\/3 of the split of 8 files .* is missing: pass it too, or --partial/);
    const partial = mergeTables([parts('ntnu')[0]!, parts('ntnu')[2]!], { partial: true });
    expect(partial.sidecar.clips.map((c) => c.file)).toEqual(['a_song.wav', 'blues.00003.wav', 'jazz.00002.wav', 'rock.00001.wav']);
  });

  it('refuses a table without its sidecar, an edited table, and different headers', () => {
    copyFileSync(parts('ntnu')[0]!, out('lonely.csv'));
    expect(() => mergeTables([out('lonely.csv')])).toThrow(/lonely\.csv has no sidecar .*lonely\.csv\.json: merge joins only tables written by `lab extract --out`/);
    // one feature value changed in the 2nd data row
    const edited = read('ntnu-part2.csv').split('\n');
    const cells = edited[2]!.split('\t');
    cells[5] = String(Number(cells[5]) * 1.5);
    edited[2] = cells.join('\t');
    writeFileSync(out('edited.csv'), edited.join('\n'));
    copyFileSync(`${parts('ntnu')[1]}.json`, out('edited.csv.json'));
    expect(() => mergeTables([parts('ntnu')[0]!, out('edited.csv'), parts('ntnu')[2]!])).toThrow(/edited\.csv does not match its sidecar .*\(its SHA-256 differs/);
    writeFileSync(out('header.csv'), read('ntnu-part2.csv').replace('rmse_mean', 'rms_mean'));
    copyFileSync(`${parts('ntnu')[1]}.json`, out('header.csv.json'));
    expect(() => mergeTables([parts('ntnu')[0]!, out('header.csv'), parts('ntnu')[2]!])).toThrow(/header\.csv and .*ntnu-part1\.csv have different headers \(column 5: "rms_mean" vs "rmse_mean"\)/);
  });
});
