/**
 * `lab classify --train-audio DIR --model toronto-cnn`: trained on a folder of synthetic clips, the
 * given files' tracks left out, each file answered from its own crops; a clip shorter than a crop
 * is named with both lengths and the rest go on.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { synthesizeClip, type SynthStyle } from '../../core/audio/synth';
import { encodeWav16 } from '../../core/audio/wav';
import { initNodeBackend } from '../../node/tfNode';
import { classifyAudioWithCnn } from './classify';

beforeAll(async () => {
  await initNodeBackend('wasm');
});

describe('classify with a CNN trained on an audio folder', () => {
  it('leaves the given tracks out of training and answers each from its crops', async () => {
    const root = join(mkdtempSync(join(tmpdir(), 'cnn-classify-')), 'genres_original');
    const styles: SynthStyle[] = ['synth-ambient', 'synth-techno'];
    for (const s of styles) {
      mkdirSync(join(root, s), { recursive: true });
      for (let i = 0; i < 5; i++) writeFileSync(join(root, s, `${s}.${String(i).padStart(5, '0')}.wav`), encodeWav16([synthesizeClip(s, 10 * i + styles.indexOf(s), 2)], 22050));
    }
    const short = join(root, '..', 'synth-techno.00099.wav');
    writeFileSync(short, encodeWav16([synthesizeClip('synth-techno', 99, 0.5)], 22050));
    const given = [join(root, 'synth-ambient', 'synth-ambient.00004.wav'), join(root, 'synth-techno', 'synth-techno.00004.wav'), short];
    const r = await classifyAudioWithCnn({ trainAudio: [root], model: 'toronto-cnn', audio: given, seed: 0, epochs: 8, nBands: 64, cnn: { cropFrames: 32 } });
    expect(r.leftOutTracks.sort()).toEqual(['synth-ambient.00004', 'synth-techno.00004']);
    expect(r.training).toMatch(/trained on 8 clip\(s\)/);
    expect(r.files.map((f) => f.fromAudio)).toEqual(['synth-ambient', 'synth-techno', null]);
    // 2 s → 87 frames → 2 crops of 32 frames (0.743 s each).
    expect(r.files[0]!.segments).toBe(2);
    expect(r.files[0]!.crops[1]!.startSec).toBeCloseTo((32 * 512) / 22050, 9);
    // 0.5 s = 22 frames < 32.
    expect(r.files[2]!.error).toMatch(/crops of 0\.74 s \(32 frames\); the clip is 0\.50 s \(22 frames\)/);
  }, 120_000);
});
