/** `lab melspec`: the written .npy holds librosa's log-mel matrix; a bad file is named and the rest go on. */
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeNpy } from '../../core/data/npy';
import { loadFixtureReference } from '../../node/parity';
import { fixturesDir, skipReason } from '../../node/paths';
import { writeMelspecs } from './melspec';

const reason = skipReason('fixtures', 'librosa-reference.json');

describe('writeMelspecs', () => {
  it.skipIf(!!reason)('writes librosa\'s ref=max log-mel of cmajor_chord.wav (first 200 frames to 1e-3 dB) and names the corrupt file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'melspec-'));
    try {
      const bad = join(dir, 'broken.wav');
      writeFileSync(bad, 'RIFF this is not audio');
      const good = join(dir, 'chord.wav');
      copyFileSync(join(fixturesDir, 'audio', 'cmajor_chord.wav'), good);
      const lines: string[] = [];
      const res = await writeMelspecs({ files: [bad, good], outDir: join(dir, 'out'), padMode: 'reflect', log: (l) => lines.push(l) });
      expect(res.failed.map((f) => f.file)).toEqual([bad]);
      expect(lines[0]).toMatch(/broken\.wav: FAILED: /);
      expect(res.written).toHaveLength(1);
      const npy = decodeNpy(new Uint8Array(readFileSync(join(dir, 'out', 'chord.npy'))));
      expect(npy.shape).toEqual([128, 1292]);
      const ref = (loadFixtureReference() as unknown as { frames: { reflect: { melspectrogram_db: number[][]; melspectrogram_db_global_max: number } } }).frames.reflect;
      let worst = 0;
      ref.melspectrogram_db.forEach((row, b) => {
        for (let t = 0; t < 200; t++) worst = Math.max(worst, Math.abs((npy.data[b * 1292 + t] as number) - Math.max(-80, (row[t] as number) - ref.melspectrogram_db_global_max)));
      });
      expect(worst).toBeLessThanOrEqual(1e-3);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
