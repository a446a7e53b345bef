import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { gtzanDir, skipReason } from '../../node/paths';
import { extractRecipe, KAGGLE_FEATURE_NAMES } from '../features/recipes';
import { decodeAudioBytes, decodeToMono, detectContainer } from './decodeNode';
import { encodeWav16 } from './wav';

describe('decodeNode', () => {
  it('recognises containers by their magic bytes and rejects unknown or empty input', async () => {
    expect(detectContainer(encodeWav16([new Float32Array(4)], 8000))).toBe('wav');
    expect(detectContainer(new TextEncoder().encode('fLaC....'))).toBe('flac');
    expect(detectContainer(new TextEncoder().encode('OggS....'))).toBe('ogg');
    expect(detectContainer(new TextEncoder().encode('ID3....'))).toBe('mp3');
    await expect(decodeAudioBytes(new Uint8Array(0), 'x.wav')).rejects.toMatchObject({ code: 'corrupt-audio' });
    await expect(decodeAudioBytes(new TextEncoder().encode('just text'), 'notes.txt')).rejects.toMatchObject({ code: 'unsupported-audio' });
    // the wasm decoders' failures surface as typed errors too
    const junkFlac = new Uint8Array(64);
    junkFlac.set([0x66, 0x4c, 0x61, 0x43]); // 'fLaC' then garbage
    await expect(decodeAudioBytes(junkFlac, 'bad.flac')).rejects.toMatchObject({ code: 'corrupt-audio' });
    const junkMp3 = new Uint8Array(256).fill(0x55);
    junkMp3.set([0x49, 0x44, 0x33]); // 'ID3' then garbage
    await expect(decodeAudioBytes(junkMp3, 'bad.mp3')).rejects.toMatchObject({ code: 'corrupt-audio' });
  });
  it('decodes a 44.1 kHz stereo WAV to mono 22 050 Hz', async () => {
    const n = 44100;
    const l = Float32Array.from({ length: n }, (_, i) => 0.5 * Math.sin((2 * Math.PI * 440 * i) / 44100));
    const r = Float32Array.from(l, (v) => -v * 0.5);
    const m = await decodeToMono(encodeWav16([l, r], 44100), 'st.wav');
    expect(m.sampleRateHz).toBe(22050);
    expect(m.sourceChannels).toBe(2);
    expect(m.samples.length).toBe(22050);
    // mono = (l + r)/2 = 0.25·l → peak ≈ 0.125
    let peak = 0;
    for (let i = 1000; i < 21000; i++) peak = Math.max(peak, Math.abs(m.samples[i] as number));
    expect(peak).toBeGreaterThan(0.12);
    expect(peak).toBeLessThan(0.13);
  });
  const mp3 = skipReason('data', 'gtzan', 'blues.00099.mp3');
  it.skipIf(!!mp3)('decodes the GTZAN MP3 (blues.00099) and its features land near the table row', async () => {
    const bytes = readFileSync(join(gtzanDir, 'blues.00099.mp3'));
    const m = await decodeToMono(new Uint8Array(bytes), 'blues.00099.mp3');
    expect(m.durationSec).toBeGreaterThan(29.5);
    expect(m.durationSec).toBeLessThan(31);
    const row = readFileSync(join(gtzanDir, 'features_30_sec.csv'), 'utf8').split('\n').find((l) => l.startsWith('blues.00099.au,'));
    expect(row).toBeDefined();
    const header = readFileSync(join(gtzanDir, 'features_30_sec.csv'), 'utf8').split('\n')[0]?.split(',') ?? [];
    const cells = (row as string).split(',');
    const ours = extractRecipe(m.samples, 22050, 'kaggle30').segments[0] as Float64Array;
    // lossy MP3 + encoder delay: loose, but far tighter than the spread between genres
    for (const name of ['spectral_centroid_mean', 'rms_mean', 'mfcc1_mean', 'mfcc2_mean', 'zero_crossing_rate_mean']) {
      const want = Number(cells[header.indexOf(name)]);
      const got = ours[KAGGLE_FEATURE_NAMES.indexOf(name)] as number;
      expect(Math.abs(got - want) / Math.abs(want), name).toBeLessThan(0.1);
    }
  });
});
