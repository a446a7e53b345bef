import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { gtzanDir, skipReason } from '../../node/paths';
import { classifyAudioFiles } from './classify';

const reason = skipReason('data', 'gtzan', 'features_30_sec.csv') ?? skipReason('data', 'gtzan', 'audio');

describe('classify: genre from our audio features vs from the published table row', () => {
  it.skipIf(!!reason)('k-NN (k=5, distance) gives the same genre from audio as from features_30_sec.csv for every GTZAN clip, each track left out of training', async () => {
    const dir = join(gtzanDir, 'audio');
    const clips = readdirSync(dir).filter((f) => f.endsWith('.wav')).sort().map((f) => join(dir, f));
    expect(clips.length).toBeGreaterThanOrEqual(11);
    const r = await classifyAudioFiles({ dataPath: join(gtzanDir, 'features_30_sec.csv'), model: 'knn', audio: clips });
    expect(r.recipe).toBe('kaggle30');
    // every clip is a row of the table, and all of them were left out of training
    expect(r.leftOutTracks.length).toBe(clips.length);
    expect(r.files.every((f) => !f.error && f.segments === 1)).toBe(true);
    for (const f of r.files) expect(f.fromAudio, `${f.file}: from audio ${f.fromAudio}, from table ${f.fromTable}`).toBe(f.fromTable);
    expect(r.compared).toBe(clips.length);
    expect(r.matches).toBe(clips.length);
  }, 300_000);

  it('refuses a table whose recipe is unknown instead of guessing', async () => {
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(join(tmpdir(), 'classify-'));
    const csv = join(dir, 'mine.csv');
    writeFileSync(csv, 'loudness,label\n1,a\n2,a\n3,b\n4,b\n');
    await expect(classifyAudioFiles({ dataPath: csv, model: 'knn', audio: [join(dir, 'a.00000.wav')] })).rejects.toMatchObject({ code: 'spec-mismatch' });
  });
});
