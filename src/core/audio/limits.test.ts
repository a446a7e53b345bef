/**
 * Bad audio input (issue 13): absurd sample rates and over-long clips are refused from the header
 * before any decoding or resampling (they used to hang the resampler), and NaN/Inf samples are
 * reported as such right after decoding. Expected numbers are worked out by hand in the comments.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LabError } from '../errors';
import { decodeAudioBytes, decodeToMono } from './decodeNode';
import { checkDuration, MAX_DURATION_SEC } from './limits';
import { checkAudioHeader, checkMonoSamples } from './prepare';
import { resample } from './resample';
import { makeFloatWav, makeSilentWav8, makeWav } from './testWav';
import { parseWav, readWavHeader } from './wav';

const tone = (rate: number, n: number) => Float32Array.from({ length: n }, (_, i) => 0.5 * Math.sin((2 * Math.PI * 440 * i) / rate));
const occurrences = (text: string, word: string) => text.split(word).length - 1;

function thrown(f: () => unknown): LabError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(LabError);
    return e as LabError;
  }
  throw new Error('expected a LabError');
}

describe('sample rate limits (1 kHz–384 kHz)', () => {
  it('refuses a WAV header claiming 1 Hz from the header, naming the accepted range, in the reader and the Node decoder', async () => {
    // 30 s of 22 050 Hz audio under a 1 Hz header: resampled, that was 661 500 × 22 050 ≈ 1.5 × 10¹⁰ output samples.
    const bytes = makeSilentWav8(1, 661_500);
    const e = thrown(() => parseWav(bytes));
    expect(e.code).toBe('unsupported-audio');
    expect(e.message).toMatch(/sampled at 1 Hz/);
    expect(e.message).toMatch(/1 kHz–384 kHz/);
    const named = await decodeToMono(bytes, 'hum.wav').then(
      () => undefined,
      (x: LabError) => x,
    );
    expect(named?.code).toBe('unsupported-audio');
    expect(named?.message.startsWith('hum.wav: ')).toBe(true);
    expect(occurrences(named?.message ?? '', 'hum.wav')).toBe(1);
  });

  it('accepts exactly 1 000 and 384 000 Hz and refuses 999 and 384 001 Hz', () => {
    for (const rate of [1000, 384_000]) expect(readWavHeader(makeWav({ format: 1, bits: 16, channels: 1, rate, frames: [[0], [1]] })).sampleRateHz).toBe(rate);
    for (const rate of [999, 384_001, 0]) expect(thrown(() => readWavHeader(makeWav({ format: 1, bits: 16, channels: 1, rate, frames: [[0], [1]] }))).code).toBe('unsupported-audio');
  });

  it('the resampler refuses out-of-range rates and over-long input before allocating its output', () => {
    expect(thrown(() => resample(new Float32Array(10), 1, 22050)).code).toBe('unsupported-audio');
    expect(thrown(() => resample(new Float32Array(10), 44100, 5e9)).code).toBe('bad-argument');
    // 20 min at 1 kHz is 1 200 000 samples: one more is over the limit (output would exceed 20 min × 22 050).
    expect(thrown(() => resample(new Float32Array(1_200_001), 1000, 22050)).code).toBe('audio-too-long');
    // a valid call still resamples: 1 s at 16 kHz → 22 050 samples
    expect(resample(tone(16000, 16000), 16000, 22050).length).toBe(22050);
  });
});

describe('one maximum duration (20 minutes) for every surface', () => {
  it('is 20 minutes, inclusive', () => {
    expect(MAX_DURATION_SEC).toBe(1200);
    expect(() => checkDuration(1_200_000, 1000)).not.toThrow(); // exactly 20 min at 1 kHz
    expect(thrown(() => checkDuration(1_200_001, 1000)).code).toBe('audio-too-long');
  });

  it('refuses a 21-minute WAV from its header (CLI and browser worker read WAV with the same reader)', async () => {
    const bytes = makeSilentWav8(1000, 21 * 60 * 1000); // 1 260 000 frames at 1 kHz = 21.0 min
    const e = thrown(() => readWavHeader(bytes));
    expect(e.code).toBe('audio-too-long');
    expect(e.message).toMatch(/21\.0 minutes/);
    expect(e.message).toMatch(/up to 20 minutes/);
    await expect(decodeToMono(bytes, 'long.wav')).rejects.toMatchObject({ code: 'audio-too-long', message: expect.stringMatching(/^long\.wav: /) });
    // 19 min passes the header check
    expect(readWavHeader(makeSilentWav8(1000, 19 * 60 * 1000)).nFrames).toBe(1_140_000);
  });

  it('refuses over-long audio decoded elsewhere (Web Audio, microphone) with the same limit', () => {
    expect(thrown(() => checkMonoSamples(new Float32Array(1_260_000), 1000, 'song.mp3')).message).toMatch(/^song\.mp3: the audio is 21\.0 minutes long/);
    expect(() => checkMonoSamples(new Float32Array(1_200_000), 1000, 'song.mp3')).not.toThrow();
  });

  it('reads a FLAC header (STREAMINFO) for its rate and length before decoding', async () => {
    // tone.flac: 1.5 s at 22 050 Hz (testdata/README.md) = 33 075 samples
    const flac = new Uint8Array(readFileSync(join(__dirname, 'testdata', 'tone.flac')));
    expect(() => checkAudioHeader(flac, 'tone.flac')).not.toThrow();
    const withTotal = (frames: number) => {
      const b = flac.slice();
      b[21] = (b[21]! & 0xf0) | Math.floor(frames / 2 ** 32);
      new DataView(b.buffer).setUint32(22, frames % 2 ** 32, false);
      return b;
    };
    expect(() => checkAudioHeader(withTotal(19 * 60 * 22050), 'x.flac')).not.toThrow();
    expect(thrown(() => checkAudioHeader(withTotal(21 * 60 * 22050), 'x.flac')).message).toMatch(/^x\.flac: the audio is 21\.0 minutes long/);
    const oneHz = flac.slice();
    oneHz[18] = 0;
    oneHz[19] = 0;
    oneHz[20] = (1 << 4) | (oneHz[20]! & 0x0f); // 20-bit rate field = 1
    await expect(decodeAudioBytes(oneHz, 'x.flac')).rejects.toMatchObject({ code: 'unsupported-audio', message: expect.stringMatching(/^x\.flac: the file says it is sampled at 1 Hz/) });
  });

  it('reads an Ogg Vorbis header (identification packet, last granule position) for its rate and length before decoding', async () => {
    // tone.ogg: the same 1.5 s at 22 050 Hz (testdata/README.md)
    const ogg = new Uint8Array(readFileSync(join(__dirname, 'testdata', 'tone.ogg')));
    expect(() => checkAudioHeader(ogg, 'tone.ogg')).not.toThrow();
    const lastPage = (b: Uint8Array) => {
      for (let o = b.length - 4; o >= 0; o--) if (b[o] === 0x4f && b[o + 1] === 0x67 && b[o + 2] === 0x67 && b[o + 3] === 0x53) return o;
      throw new Error('no Ogg page');
    };
    const v = new DataView(ogg.buffer, ogg.byteOffset);
    expect(v.getUint32(lastPage(ogg) + 6, true)).toBe(33075); // the encoder's own count: 1.5 × 22 050
    const withGranule = (frames: number) => {
      const b = ogg.slice();
      new DataView(b.buffer).setUint32(lastPage(b) + 6, frames, true);
      return b;
    };
    expect(() => checkAudioHeader(withGranule(19 * 60 * 22050), 'x.ogg')).not.toThrow();
    expect(thrown(() => checkAudioHeader(withGranule(21 * 60 * 22050), 'x.ogg')).message).toMatch(/^x\.ogg: the audio is 21\.0 minutes long/);
    const oneHz = ogg.slice();
    new DataView(oneHz.buffer).setUint32(28 + 12, 1, true); // first packet at 27 + 1 segment: 0x01 'vorbis', version, channels, rate
    await expect(decodeAudioBytes(oneHz, 'x.ogg')).rejects.toMatchObject({ code: 'unsupported-audio', message: expect.stringMatching(/^x\.ogg: the file says it is sampled at 1 Hz/) });
  });
});

describe('NaN and Inf samples', () => {
  it('are reported right after decoding with their count and where the first one is', async () => {
    const x = tone(22050, 22050); // 1 s
    for (let i = 0; i < 12; i++) x[11025 + i] = NaN; // first at 11 025 / 22 050 = 0.50 s
    const e = await decodeToMono(makeFloatWav([x], 22050), 'x.wav').then(
      () => undefined,
      (err: LabError) => err,
    );
    expect(e?.code).toBe('non-finite');
    expect(e?.message).toMatch(/^x\.wav: the audio holds 12 NaN samples \(first at 0\.50 s\)/);
  });

  it('counts Infinity too, over all channels, at the source rate', async () => {
    // stereo 44.1 kHz: +Inf on the right at sample 11 025 (0.25 s), −Inf on the left at 22 050 (0.50 s)
    const l = tone(44100, 44100);
    const r = tone(44100, 44100);
    r[11025] = Infinity;
    l[22050] = -Infinity;
    await expect(decodeToMono(makeFloatWav([l, r], 44100), 'st.wav')).rejects.toMatchObject({
      code: 'non-finite',
      message: expect.stringMatching(/^st\.wav: the audio holds 2 infinite samples \(first at 0\.25 s\)/),
    });
    expect(thrown(() => checkMonoSamples(Float32Array.from([0, NaN, Infinity]), 2, 'm.wav')).message).toMatch(/holds 1 NaN and 1 infinite samples \(first at 0\.50 s\)/);
  });
});
