/**
 * Spectrogram sets in projects: an embedded set comes back byte for byte; a manifest restores the
 * set from a cache only when every matrix hashes to what was saved, names a mismatching file, and
 * lists the files the cache lacks; a malformed set is refused before anything is returned.
 */
import { createHash } from 'node:crypto';
import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { synthesizeClip } from '../audio/synth';
import { logMelParamsFor, quantisedLogMelOf, type SpectrogramSet } from '../data/spectrogramSet';
import { LabError } from '../errors';
import type { QuantisedLogMel } from '../features/logMel';
import { readProject, writeProject, type ProjectContent } from './archive';
import { restoreFromManifest, spectrogramManifestOf, spectrogramStorageBytes, type SpectrogramManifest } from './spectrograms';

const params = logMelParamsFor({ nBands: 64 });
const clips = [
  { file: 'genres/ambient/synth-ambient.00000.wav', trackId: 'synth-ambient.00000', label: 0, style: 'synth-ambient', seed: 1 },
  { file: 'genres/ambient/synth-ambient.00001.wav', trackId: 'synth-ambient.00001', label: 0, style: 'synth-ambient', seed: 2 },
  { file: 'genres/techno/synth-techno.00000.wav', trackId: 'synth-techno.00000', label: 1, style: 'synth-techno', seed: 3 },
] as const;
/** Real log-mel matrices of 1 s synthetic clips, each with its file and cache source as the browser builds them. */
const set: SpectrogramSet = {
  kind: 'spectrograms',
  name: 'three clips',
  genres: ['synth-ambient', 'synth-techno'],
  params,
  failed: [{ file: 'genres/techno/broken.wav', error: 'not a WAV file' }],
  tracks: clips.map((c) => ({
    trackId: c.trackId,
    label: c.label,
    mel: quantisedLogMelOf(synthesizeClip(c.style, c.seed, 1), params),
    source: { file: c.file, key: `synth-v1:${c.style}:${c.seed}:1` },
  })),
};
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const cells = { params: {}, runs: {}, compare: [] };

async function refusal(p: Promise<unknown>): Promise<LabError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(LabError);
    expect((e as LabError).code).toBe('bad-project');
    return e as LabError;
  }
  throw new Error('expected a refusal');
}

describe('spectrogram sets in projects', () => {
  it('an embedded set round-trips byte-identical, and the zip holds each matrix as raw bytes', async () => {
    const bytes = await writeProject({ cells, models: [], spectrograms: { mode: 'embedded', set } }, { appVersion: '1' });
    const { manifest, content } = await readProject(bytes);
    expect(manifest.spectrograms).toEqual({ mode: 'embedded', name: 'three clips', tracks: 3, bands: 64, genres: ['synth-ambient', 'synth-techno'] });
    const back = content.spectrograms;
    if (back?.mode !== 'embedded') throw new Error('expected an embedded set');
    expect(back.set.params).toEqual(params);
    expect(back.set.failed).toEqual(set.failed);
    expect(back.set.tracks.map((t) => [t.trackId, t.label, t.source])).toEqual(set.tracks.map((t) => [t.trackId, t.label, t.source]));
    for (const [i, t] of back.set.tracks.entries()) {
      const orig = set.tracks[i]!.mel;
      expect(t.mel.bytes).toBeInstanceOf(Uint8Array);
      expect(sha(t.mel.bytes)).toBe(sha(orig.bytes));
      expect([t.mel.maxDb, t.mel.rangeDb, t.mel.nBands, t.mel.nFrames]).toEqual([orig.maxDb, orig.rangeDb, orig.nBands, orig.nFrames]);
    }
    // The matrices are stored as they are: 64 bands × 44 frames (1 s: 1 + ⌊22050 / 512⌋) = 2816 bytes each.
    const files = unzipSync(bytes);
    const bins = Object.keys(files).filter((n) => n.startsWith('spectrograms/'));
    expect(bins.map((n) => files[n]!.length)).toEqual([2816, 2816, 2816]);
    expect(new Set(bins.map((n) => sha(files[n]!)))).toEqual(new Set(set.tracks.map((t) => sha(t.mel.bytes))));
  });

  it('a manifest holds no matrices and restores the set from a cache holding them', async () => {
    const manifest = await spectrogramManifestOf(set);
    expect(manifest.tracks.map((t) => t.melSha256)).toEqual(set.tracks.map((t) => sha(t.mel.bytes)));
    const bytes = await writeProject({ cells, models: [], spectrograms: { mode: 'manifest', manifest } }, { appVersion: '1' });
    expect(Object.keys(unzipSync(bytes)).filter((n) => n.endsWith('.bin'))).toEqual([]);
    const sizes = spectrogramStorageBytes(set);
    expect(sizes.embedded).toBe(3 * 2816);
    const read = await readProject(bytes);
    if (read.content.spectrograms?.mode !== 'manifest') throw new Error('expected a manifest');
    const cache = new Map<string, QuantisedLogMel>(set.tracks.map((t) => [t.source!.key, { ...t.mel, bytes: t.mel.bytes.slice() }]));
    const r = await restoreFromManifest(read.content.spectrograms.manifest, async (source) => cache.get(source));
    if (!('set' in r)) throw new Error('expected the set');
    expect(r.set.tracks.map((t) => sha(t.mel.bytes))).toEqual(set.tracks.map((t) => sha(t.mel.bytes)));
    expect(r.set.genres).toEqual(set.genres);
  });

  it('names the files the cache lacks', async () => {
    const manifest = await spectrogramManifestOf(set);
    const only = new Map<string, QuantisedLogMel>([[set.tracks[1]!.source!.key, set.tracks[1]!.mel]]);
    const r = await restoreFromManifest(manifest, async (source) => only.get(source));
    expect(r).toEqual({ missing: [clips[0].file, clips[2].file] });
  });

  it('refuses a manifest entry whose hash does not match, naming the file', async () => {
    const manifest: SpectrogramManifest = await spectrogramManifestOf(set);
    const changed = set.tracks[2]!.mel.bytes.slice();
    changed[100] = changed[100]! ^ 1; // one bit of one cell
    const cache = new Map<string, QuantisedLogMel>(set.tracks.map((t, i) => [t.source!.key, i === 2 ? { ...t.mel, bytes: changed } : t.mel]));
    const e = await refusal(restoreFromManifest(manifest, async (source) => cache.get(source)));
    expect(e.detail['reason']).toBe('hash-mismatch');
    expect(e.detail['file']).toBe(clips[2].file);
    expect(e.message).toContain('genres/techno/synth-techno.00000.wav: the spectrogram this browser holds for it does not match');
    expect(e.detail['expected']).toBe(sha(set.tracks[2]!.mel.bytes));
    expect(e.detail['found']).toBe(sha(changed));
  });

  it('refuses a malformed set even when the zip hashes match (a matrix shorter than bands × frames)', async () => {
    const short = { ...set, tracks: set.tracks.map((t, i) => (i === 1 ? { ...t, mel: { ...t.mel, bytes: t.mel.bytes.subarray(0, 100) } } : t)) };
    const e = await refusal(readProject(await writeProject({ cells, models: [], spectrograms: { mode: 'embedded', set: short } }, { appVersion: '1' })));
    expect(e.detail['reason']).toBe('bad-spectrograms');
    expect(e.message).toContain('track synth-ambient.00001\'s matrix must be 64 × 44 bytes, found 100');
  });

  it('refuses a manifest.json that describes another set than the one the file holds', async () => {
    const content: ProjectContent = { cells, models: [], spectrograms: { mode: 'embedded', set } };
    const files = unzipSync(await writeProject(content, { appVersion: '1' }));
    const m = JSON.parse(strFromU8(files['manifest.json']!)) as { spectrograms: { tracks: number } };
    m.spectrograms.tracks = 2;
    files['manifest.json'] = strToU8(JSON.stringify(m));
    const e = await refusal(readProject(zipSync(files)));
    expect(e.detail['reason']).toBe('bad-spectrograms');
    expect(e.message).toMatch(/3 tracks, 64 bands, embedded\) is not the one its manifest describes \(2 tracks/);
  });
});
