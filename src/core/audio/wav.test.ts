import { describe, expect, it } from 'vitest';
import { encodeWav16, isRiffWave, parseWav, looksLikeWav } from './wav';
import { mixToMono } from './mix';
import { makeWav } from './testWav';

describe('parseWav', () => {
  it('scales every integer width exactly as librosa/soundfile (int/2^(bits−1), uint8 centred)', () => {
    const i16 = parseWav(makeWav({ format: 1, bits: 16, channels: 1, rate: 22050, frames: [[-32768], [0], [16384], [32767]] }));
    expect(Array.from(i16.channels[0] as Float32Array)).toEqual([-1, 0, 0.5, Math.fround(32767 / 32768)]);
    expect(i16.sampleRateHz).toBe(22050);
    const u8 = parseWav(makeWav({ format: 1, bits: 8, channels: 1, rate: 8000, frames: [[0], [128], [192], [255]] }));
    expect(Array.from(u8.channels[0] as Float32Array)).toEqual([-1, 0, 0.5, Math.fround(127 / 128)]);
    const i24 = parseWav(makeWav({ format: 1, bits: 24, channels: 1, rate: 48000, frames: [[-8388608], [4194304], [-1]] }));
    expect(Array.from(i24.channels[0] as Float32Array)).toEqual([-1, 0.5, Math.fround(-1 / 8388608)]);
    const i32 = parseWav(makeWav({ format: 1, bits: 32, channels: 1, rate: 44100, frames: [[-2147483648], [1073741824]] }));
    expect(Array.from(i32.channels[0] as Float32Array)).toEqual([-1, 0.5]);
  });
  it('reads float32 and WAVE_FORMAT_EXTENSIBLE, and keeps stereo channels apart', () => {
    const f = parseWav(makeWav({ format: 3, bits: 32, channels: 2, rate: 44100, frames: [[0.25, -0.5], [1.5, 0]] }));
    expect(f.channels).toHaveLength(2);
    expect(Array.from(f.channels[0] as Float32Array)).toEqual([0.25, 1.5]);
    expect(Array.from(f.channels[1] as Float32Array)).toEqual([-0.5, 0]);
    const e = parseWav(makeWav({ format: 0xfffe, subFormat: 1, bits: 16, channels: 1, rate: 16000, frames: [[16384]] }));
    expect(e.channels[0]?.[0]).toBe(0.5);
    expect(Array.from(mixToMono(f.channels))).toEqual([-0.125, 0.75]);
  });
  it('round-trips encodeWav16', () => {
    const x = Float32Array.from([0, 0.5, -0.25, -1]);
    const back = parseWav(encodeWav16([x], 22050));
    expect(Array.from(back.channels[0] as Float32Array)).toEqual([0, 0.5, -0.25, -1]);
    expect(looksLikeWav(encodeWav16([x], 22050))).toBe(true);
  });
  it('isRiffWave: little-endian RIFF/WAVE only (RIFX, other containers and short input go to Web Audio or fail)', () => {
    const header = (id: string) => new TextEncoder().encode(`${id}\x24\x00\x00\x00WAVEfmt `);
    expect(isRiffWave(header('RIFF'))).toBe(true);
    expect(isRiffWave(header('RIFX'))).toBe(false);
    expect(looksLikeWav(header('RIFX'))).toBe(true);
    expect(isRiffWave(new TextEncoder().encode('fLaC\x00\x00\x00\x22WAVE'))).toBe(false);
    expect(isRiffWave(new TextEncoder().encode('RIFF\x24\x00\x00\x00AVI '))).toBe(false);
    expect(isRiffWave(new TextEncoder().encode('RIFF\x24\x00'))).toBe(false);
  });
  it('throws clear typed errors on empty, garbage, truncated and unsupported input', () => {
    expect(() => parseWav(new Uint8Array(0))).toThrow(expect.objectContaining({ code: 'corrupt-audio', message: expect.stringMatching(/empty/) }));
    expect(() => parseWav(new TextEncoder().encode('hello, this is not audio at all'))).toThrow(expect.objectContaining({ code: 'corrupt-audio' }));
    const good = makeWav({ format: 1, bits: 16, channels: 1, rate: 22050, frames: [[1], [2], [3]] });
    expect(() => parseWav(good.subarray(0, 30))).toThrow(expect.objectContaining({ code: 'corrupt-audio' }));
    expect(() => parseWav(good.subarray(0, 45))).toThrow(expect.objectContaining({ code: 'corrupt-audio' }));
    // a truncated data chunk keeps the whole frames that are there
    expect(parseWav(good.subarray(0, good.length - 2)).channels[0]).toHaveLength(2);
    const adpcm = makeWav({ format: 1, bits: 16, channels: 1, rate: 22050, frames: [[1]] });
    new DataView(adpcm.buffer).setUint16(20, 2, true);
    expect(() => parseWav(adpcm)).toThrow(expect.objectContaining({ code: 'unsupported-audio' }));
    expect(() => parseWav(makeWav({ format: 1, bits: 12, channels: 1, rate: 22050, frames: [] }))).toThrow(expect.objectContaining({ code: 'unsupported-audio' }));
  });
});
