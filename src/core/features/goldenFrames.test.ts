/**
 * Frame-level golden test: the first 200 frames of cmajor_chord.wav against librosa 0.10.1
 * (../shared/fixtures/librosa-reference.json), per array, with explicit tolerances.
 */
import { describe, expect, it } from 'vitest';
import { skipReason } from '../../node/paths';
import { frameParity, loadFixtureReference } from '../../node/parity';
import { readAudioFile } from '../../node/audioFiles';
import { fixturesDir } from '../../node/paths';
import { join } from 'node:path';
import { computeStft, powerSpectrogram } from './stft';
import { applyMelFilterbank, getMelFilterbank } from './mel';
import { powerToDb } from './db';
import { computeMfcc } from './mfcc';

const reason = skipReason('fixtures', 'librosa-reference.json');

/** Max relative error allowed per array (relative to max(|ref|, floor) as in frameParity). */
const TOLERANCE: Record<string, { maxRel: number; maxAbs: number }> = {
  melspectrogram_db: { maxRel: 1e-4, maxAbs: 1e-3 }, // dB
  mfcc: { maxRel: 1e-4, maxAbs: 2e-3 },
  chroma_stft: { maxRel: 1e-4, maxAbs: 1e-5 },
  spectral_centroid: { maxRel: 1e-6, maxAbs: 1e-2 }, // Hz
  rms: { maxRel: 1e-5, maxAbs: 1e-7 },
  zero_crossing_rate: { maxRel: 1e-6, maxAbs: 1e-8 },
};

describe.skipIf(!!reason)('cmajor_chord.wav frames vs librosa', () => {
  it('matches every frame-level array within its tolerance, and the tuning estimate exactly', async () => {
    const { arrays, tuning } = await frameParity();
    expect(arrays.map((a) => a.name).sort()).toEqual(Object.keys(TOLERANCE).sort());
    for (const a of arrays) {
      const tol = TOLERANCE[a.name];
      expect(tol, a.name).toBeDefined();
      expect(a.n, a.name).toBeGreaterThan(100);
      expect(a.maxRel, `${a.name} max rel`).toBeLessThanOrEqual(tol?.maxRel ?? 0);
      expect(a.maxAbs, `${a.name} max abs`).toBeLessThanOrEqual(tol?.maxAbs ?? 0);
    }
    expect(tuning.got).toBeCloseTo(tuning.want, 12);
  });

  it('reproduces the zero-padded edge frames (librosa 0.10 default) for the MFCC', async () => {
    const ref = loadFixtureReference() as unknown as { frames: { constant_pad_edge_frames: { first4: { mfcc: number[][] } } } };
    const want = ref.frames.constant_pad_edge_frames.first4.mfcc; // 20 × 4
    const audio = await readAudioFile(join(fixturesDir, 'audio', 'cmajor_chord.wav'));
    const st = computeStft(audio.samples, { padMode: 'constant' });
    const melDb = powerToDb(applyMelFilterbank(powerSpectrogram(st), st.nFrames, getMelFilterbank(22050)));
    const mfcc = computeMfcc(melDb, st.nFrames, 128, 20);
    for (let c = 0; c < 20; c++)
      for (let t = 0; t < 4; t++) expect(Math.abs((mfcc[t * 20 + c] as number) - (want[c]?.[t] as number)), `mfcc ${c} frame ${t}`).toBeLessThan(2e-3);
  });
});
