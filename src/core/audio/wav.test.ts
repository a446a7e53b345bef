import { describe, expect, it } from 'vitest';
import { encodeWav16, parseWav, looksLikeWav } from './wav';
import { mixToMono } from './mix';

/** Build a WAV by hand: PCM/float of any width, interleaved frames given as numbers already in the target integer/float domain. */
function makeWav(opts: { format: 1 | 3 | 0xfffe; bits: number; channels: number; rate: number; frames: number[][]; subFormat?: number }): Uint8Array {
  const bytesPer = opts.bits / 8;
  const dataLen = opts.frames.length * opts.channels * bytesPer;
  const ext = opts.format === 0xfffe;
  const fmtLen = ext ? 40 : 16;
  const buf = new Uint8Array(12 + 8 + fmtLen + 8 + dataLen);
  const v = new DataView(buf.buffer);
  const put = (o: number, s: string) => [...s].forEach((c, i) => v.setUint8(o + i, c.charCodeAt(0)));
  put(0, 'RIFF');
  v.setUint32(4, buf.length - 8, true);
  put(8, 'WAVE');
  put(12, 'fmt ');
  v.setUint32(16, fmtLen, true);
  v.setUint16(20, opts.format, true);
  v.setUint16(22, opts.channels, true);
  v.setUint32(24, opts.rate, true);
  v.setUint32(28, opts.rate * opts.channels * bytesPer, true);
  v.setUint16(32, opts.channels * bytesPer, true);
  v.setUint16(34, opts.bits, true);
  if (ext) {
    v.setUint16(36, 22, true);
    v.setUint16(44, opts.subFormat ?? 1, true);
  }
  const d = 20 + fmtLen;
  put(d, 'data');
  v.setUint32(d + 4, dataLen, true);
  let o = d + 8;
  for (const fr of opts.frames)
    for (const x of fr) {
      if (opts.format === 3 || opts.subFormat === 3) v.setFloat32(o, x, true);
      else if (opts.bits === 8) v.setUint8(o, x);
      else if (opts.bits === 16) v.setInt16(o, x, true);
      else if (opts.bits === 24) {
        const u = x < 0 ? x + 0x1000000 : x;
        v.setUint8(o, u & 0xff);
        v.setUint8(o + 1, (u >> 8) & 0xff);
        v.setUint8(o + 2, (u >> 16) & 0xff);
      } else v.setInt32(o, x, true);
      o += bytesPer;
    }
  return buf;
}

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
