/** `lab project info`: the manifest of a good file; the lab's own message for a bad one. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeSyntheticDataset } from '../../core/models/testData';
import { writeProject } from '../../core/project/archive';
import { spectrogramManifestOf } from '../../core/project/spectrograms';
import { logMelParamsFor, type SpectrogramSet } from '../../core/data/spectrogramSet';
import { describeProject, inspectProject } from './project';

describe('lab project info', () => {
  it('prints the manifest of a project and refuses a tampered one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'project-cli-'));
    try {
      const ds = makeSyntheticDataset({ genres: 2, tracksPerGenre: 3, segments: 1, features: 2 });
      const bytes = await writeProject({ dataset: ds, sources: [{ file: 'a.wav', sha256: 'ab'.repeat(32) }], cells: { params: {}, runs: {}, compare: [] }, models: [] }, { appVersion: '0.1.0' });
      const good = join(dir, 'p.genrelab');
      writeFileSync(good, bytes);
      const text = describeProject(await inspectProject(good));
      expect(text).toContain('every check passed');
      expect(text).toContain(`${ds.nRows} rows × 2 features, 2 genres, built from 1 audio file(s)`);
      const bad = join(dir, 'bad.genrelab');
      writeFileSync(bad, bytes.subarray(0, 100));
      await expect(inspectProject(bad)).rejects.toThrow(/damaged or cut short/);
      expect(text).toContain('spectrogram set: none');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('lists the spectrogram set: tracks, bands, embedded or manifest', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'project-cli-'));
    try {
      const params = logMelParamsFor({ nBands: 96 });
      const mel = (n: number) => ({ bytes: new Uint8Array(96 * n).fill(7), maxDb: 0, rangeDb: 80, nBands: 96, nFrames: n });
      const set: SpectrogramSet = {
        kind: 'spectrograms',
        name: 'two clips',
        genres: ['blues', 'jazz'],
        params,
        failed: [],
        tracks: [
          { trackId: 'blues.00000', label: 0, mel: mel(5), source: { file: 'blues.00000.wav', key: 'aa'.repeat(32) } },
          { trackId: 'jazz.00000', label: 1, mel: mel(6), source: { file: 'jazz.00000.wav', key: 'bb'.repeat(32) } },
        ],
      };
      const cells = { params: {}, runs: {}, compare: [] };
      const embedded = join(dir, 'e.genrelab');
      writeFileSync(embedded, await writeProject({ cells, models: [], spectrograms: { mode: 'embedded', set } }, { appVersion: '0.1.0' }));
      expect(describeProject(await inspectProject(embedded))).toContain('spectrogram set: two clips, 2 tracks × 96 mel bands, 2 genres, embedded');
      const named = join(dir, 'm.genrelab');
      writeFileSync(named, await writeProject({ cells, models: [], spectrograms: { mode: 'manifest', manifest: await spectrogramManifestOf(set) } }, { appVersion: '0.1.0' }));
      expect(describeProject(await inspectProject(named))).toContain('spectrogram set: two clips, 2 tracks × 96 mel bands, 2 genres, manifest (files and hashes only');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
