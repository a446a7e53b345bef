/**
 * Acceptance: a k-NN (k = 5, distance-weighted, z-scored with the training rows' statistics)
 * trained on features_30_sec.csv minus the clip itself predicts the same genre from our kaggle30
 * features of the clip's audio as from the clip's own table row. The k-NN is written here, on
 * purpose independent of src/core/models. Unit-test subset: every complete clip in audio/ plus
 * every third clip of genres_original/ (`npm run parity` checks all 70).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { gtzanDir, skipReason } from '../../node/paths';
import { listRealClips } from '../../node/parity';
import { readAudioFile } from '../../node/audioFiles';
import { extractRecipe, KAGGLE_FEATURE_NAMES } from './recipes';

const reason = skipReason('data', 'gtzan', 'features_30_sec.csv');

function loadTable(): { keys: string[]; labels: string[]; x: number[][] } {
  const lines = readFileSync(join(gtzanDir, 'features_30_sec.csv'), 'utf8').trim().split(/\r?\n/);
  const header = (lines[0] as string).split(',');
  const cols = KAGGLE_FEATURE_NAMES.map((n) => header.indexOf(n));
  expect(cols.every((c) => c >= 0)).toBe(true);
  const keys: string[] = [];
  const labels: string[] = [];
  const x: number[][] = [];
  for (const line of lines.slice(1)) {
    const cells = line.split(',');
    keys.push(cells[0] as string);
    labels.push(cells[cells.length - 1] as string);
    x.push(cols.map((c) => Number(cells[c])));
  }
  return { keys, labels, x };
}

function knn(train: { keys: string[]; labels: string[]; x: number[][] }, exclude: string, q: ArrayLike<number>, k = 5): string {
  const rows = train.keys.map((_, i) => i).filter((i) => train.keys[i] !== exclude);
  const d = q.length;
  const mu = new Array<number>(d).fill(0);
  const sd = new Array<number>(d).fill(0);
  for (const i of rows) for (let j = 0; j < d; j++) mu[j] = (mu[j] as number) + (train.x[i]?.[j] as number) / rows.length;
  for (const i of rows) for (let j = 0; j < d; j++) sd[j] = (sd[j] as number) + ((train.x[i]?.[j] as number) - (mu[j] as number)) ** 2 / rows.length;
  const s = sd.map((v) => Math.sqrt(v) || 1);
  const scored = rows.map((i) => {
    let acc = 0;
    for (let j = 0; j < d; j++) acc += (((train.x[i]?.[j] as number) - (q[j] as number)) / (s[j] as number)) ** 2;
    return { label: train.labels[i] as string, dist: Math.sqrt(acc) };
  });
  scored.sort((a, b) => a.dist - b.dist);
  const votes = new Map<string, number>();
  for (const n of scored.slice(0, k)) votes.set(n.label, (votes.get(n.label) ?? 0) + 1 / (n.dist + 1e-12));
  return [...votes.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] as string;
}

describe.skipIf(!!reason)('k-NN acceptance: our audio features classify like the table rows', () => {
  it('predicts the same genre from audio as from the table row for every clip in the subset', async () => {
    const table = loadTable();
    expect(table.keys).toHaveLength(1000);
    const clips = listRealClips().filter((c, i) => !c.path.includes('genres_original') || i % 3 === 0);
    expect(clips.length).toBeGreaterThanOrEqual(25);
    const disagreements: string[] = [];
    for (const clip of clips) {
      const key = `${clip.id}.au`;
      const rowIdx = table.keys.indexOf(key);
      expect(rowIdx, key).toBeGreaterThanOrEqual(0);
      const audio = await readAudioFile(clip.path);
      const ours = extractRecipe(audio.samples, audio.sampleRateHz, 'kaggle30').segments[0] as Float64Array;
      const fromTable = knn(table, key, table.x[rowIdx] as number[]);
      const fromAudio = knn(table, key, ours);
      if (fromTable !== fromAudio) disagreements.push(`${clip.id}: table→${fromTable}, audio→${fromAudio}`);
    }
    expect(disagreements).toEqual([]);
  });
});
