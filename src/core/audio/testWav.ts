/**
 * WAV files built byte by byte for tests (bad input included: odd rates, NaN samples, truncated
 * chunks), so no test depends on a committed audio file.
 */

/** Build a WAV by hand: PCM/float of any width, interleaved frames given as numbers already in the target integer/float domain. */
export function makeWav(opts: { format: 1 | 3 | 0xfffe; bits: number; channels: number; rate: number; frames: number[][]; subFormat?: number }): Uint8Array {
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

/** A mono 8-bit PCM WAV of `nFrames` frames of silence (byte 128): cheap to build at any length. */
export function makeSilentWav8(rate: number, nFrames: number): Uint8Array {
  const head = makeWav({ format: 1, bits: 8, channels: 1, rate, frames: [] });
  const buf = new Uint8Array(head.length + nFrames).fill(128);
  buf.set(head);
  const v = new DataView(buf.buffer);
  v.setUint32(4, buf.length - 8, true);
  v.setUint32(head.length - 4, nFrames, true); // the data chunk's size field ends the header
  return buf;
}

/** A float32 WAV of the given channels (equal lengths), NaN and Infinity written as they are. */
export function makeFloatWav(channels: readonly Float32Array[], rate: number): Uint8Array {
  const n = channels[0]?.length ?? 0;
  return makeWav({ format: 3, bits: 32, channels: channels.length, rate, frames: Array.from({ length: n }, (_, i) => channels.map((c) => c[i] as number)) });
}
