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
  it.skipIf(!!reason)('says a 2 s clip is too short for a model made from 30 s clips, next to its answer; the whole clip gets no warning', async () => {
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { readAudioFile } = await import('../../node/audioFiles');
    const { encodeWav16 } = await import('../../core/audio/wav');
    const whole = join(gtzanDir, 'audio', 'jazz.00000.wav');
    const short = join(mkdtempSync(join(tmpdir(), 'classify-')), 'mine.00001.wav');
    writeFileSync(short, encodeWav16([(await readAudioFile(whole)).samples.subarray(0, 2 * 22050)], 22050));
    const r = await classifyAudioFiles({ dataPath: join(gtzanDir, 'features_30_sec.csv'), model: 'knn', audio: [short, whole] });
    expect(r.files[0]!.fromAudio).not.toBeNull(); // still answered …
    expect(r.files[0]!.warning).toMatch(/this clip is 2\.00 s, the model learnt from kaggle30 features of 30\.0 s clips/); // … with the warning
    expect(r.files[1]!.warning).toBeUndefined();
  }, 120_000);
});
