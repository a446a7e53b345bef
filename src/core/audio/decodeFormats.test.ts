/**
 * FLAC and Ogg Vorbis through the Node decoders, on small files made with Debian's `flac` and
 * `oggenc` from a formula (testdata/README.md): a 1.5 s stereo tone, 440 Hz at 0.4 left and
 * 660 Hz at 0.3 right, int16 (numpy astype truncation), 22 050 Hz.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeToMono } from './decodeNode';

const SR = 22050;
const N = Math.floor(SR * 1.5);
/** The mono signal librosa would load from the lossless original: mean of the int16/32768 channels. */
function expected(): Float32Array {
  const out = new Float32Array(N);
  for (let i = 0; i < N; i++) {
    const t = i / SR;
    const l = Math.trunc(0.4 * Math.sin(2 * Math.PI * 440 * t) * 32767) / 32768;
    const r = Math.trunc(0.3 * Math.sin(2 * Math.PI * 660 * t) * 32767) / 32768;
    out[i] = (l + r) / 2;
  }
  return out;
}
const read = (f: string) => new Uint8Array(readFileSync(join(__dirname, 'testdata', f)));

describe('FLAC and Ogg Vorbis decoding in Node', () => {
  it('FLAC is lossless: every sample equals the original', async () => {
    const a = await decodeToMono(read('tone.flac'), 'tone.flac');
    expect(a.samples.length).toBe(N);
    const e = expected();
    let maxErr = 0;
    for (let i = 0; i < N; i++) maxErr = Math.max(maxErr, Math.abs(a.samples[i]! - e[i]!));
    expect(maxErr).toBeLessThan(1e-6);
  });

  it('Ogg Vorbis (lossy, q6) stays within a small error of the original', async () => {
    const a = await decodeToMono(read('tone.ogg'), 'tone.ogg');
    expect(Math.abs(a.samples.length - N)).toBeLessThanOrEqual(2048);
    const e = expected();
    let se = 0;
    let sp = 0;
    // Skip the codec's first and last frames (pre-roll and end padding).
    for (let i = 2048; i < Math.min(N, a.samples.length) - 2048; i++) {
      se += (a.samples[i]! - e[i]!) ** 2;
      sp += e[i]! ** 2;
    }
    const snrDb = 10 * Math.log10(sp / se);
    expect(snrDb).toBeGreaterThan(30);
  });
});
