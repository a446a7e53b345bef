/** `lab project info`: the manifest of a good file; the lab's own message for a bad one. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeSyntheticDataset } from '../../core/models/testData';
import { writeProject } from '../../core/project/archive';
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
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
