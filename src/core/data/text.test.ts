import { describe, expect, it } from 'vitest';
import { cp1252Char, decodeTextBytes, describeJsonError, looksBinary, TextFileDecoder } from './text';

const bytes = (...b: number[]) => Uint8Array.from(b);
const ascii = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));

describe('cp1252Char', () => {
  // Node's own 'windows-1252' decoder is ISO-8859-1 (0x80 → U+0080), so the truth here is the
  // WHATWG index-windows-1252, written out by hand for the bytes that differ from Latin-1.
  it('maps 0x80–0x9F by the WHATWG table and 0xA0–0xFF to Latin-1', () => {
    const want: Record<number, string> = { 0x80: '€', 0x81: '\u0081', 0x85: '…', 0x8a: 'Š', 0x8c: 'Œ', 0x91: '‘', 0x93: '“', 0x96: '–', 0x99: '™', 0x9c: 'œ', 0x9d: '\u009d', 0x9f: 'Ÿ', 0xa0: '\u00a0', 0xe1: 'á', 0xe9: 'é', 0xff: 'ÿ' };
    for (const [b, c] of Object.entries(want)) expect(cp1252Char(Number(b)), `byte ${b}`).toBe(c);
  });
});

describe('TextFileDecoder', () => {
  it('reads a Latin-1 table as Windows-1252 and says where', () => {
    // "x,label\n1,clásica\n2,Bogotá\n" saved as Latin-1: á is the single byte 0xE1.
    const { text, decoder } = decodeTextBytes(bytes(...ascii('x,label\n1,cl'), 0xe1, ...ascii('sica\n2,Bogot'), 0xe1, ...ascii('\n')));
    expect(text).toBe('x,label\n1,clásica\n2,Bogotá\n');
    expect(decoder.fallbackBytes).toBe(2);
    expect(decoder.fallbackLines).toEqual([2, 3]);
    expect(decoder.describe()).toBe('Windows-1252');
    expect(decoder.notice()).toMatch(/Not valid UTF-8: 2 byte\(s\) \(lines 2, 3\)/);
  });

  it('keeps valid UTF-8 and reads only the invalid bytes as Windows-1252, whatever the chunking', () => {
    // é in UTF-8 (C3 A9), é in Latin-1 (E9), € in Windows-1252 (80), 😀 in UTF-8 (F0 9F 98 80).
    const b = bytes(0xc3, 0xa9, 0x20, 0xe9, 0x20, 0x80, 0x20, 0xf0, 0x9f, 0x98, 0x80, 0x0a);
    const want = 'é é € 😀\n';
    expect(decodeTextBytes(b).text).toBe(want);
    expect(decodeTextBytes(b).decoder.describe()).toBe('UTF-8 + Windows-1252');
    for (let cut = 1; cut < b.length; cut++) {
      const d = new TextFileDecoder();
      const got = d.decode(b.subarray(0, cut)) + d.decode(b.subarray(cut)) + d.flush();
      expect(got, `cut at ${cut}`).toBe(want);
    }
  });

  it('treats overlongs, surrogates and truncated sequences as invalid (Encoding Standard ranges)', () => {
    // C0 AF: overlong "/"; ED A0 80: a UTF-16 surrogate; E2 82 at the end: a cut-off €.
    expect(decodeTextBytes(bytes(0xc0, 0xaf)).text).toBe('À¯');
    expect(decodeTextBytes(bytes(0xed, 0xa0, 0x80)).text).toBe('í\u00a0€');
    expect(decodeTextBytes(bytes(0x61, 0xe2, 0x82)).text).toBe('aâ‚');
  });

  it('counts \\n, \\r\\n and a lone \\r as line ends for the notice', () => {
    const { decoder } = decodeTextBytes(bytes(...ascii('a\nb\r\nc\rd'), 0xe9));
    expect(decoder.fallbackLines).toEqual([4]);
  });

  it('decodes UTF-16 with a byte-order mark (LE and BE) and without one', () => {
    const s = 'x,label\n1,clásica\n';
    const le = Uint8Array.from(Buffer.from(s, 'utf16le'));
    const be = Uint8Array.from(Buffer.from(s, 'utf16le').swap16());
    for (const [b, enc] of [
      [bytes(0xff, 0xfe, ...le), 'UTF-16LE'],
      [bytes(0xfe, 0xff, ...be), 'UTF-16BE'],
      [le, 'UTF-16LE'],
      [be, 'UTF-16BE'],
    ] as const) {
      const { text, decoder } = decodeTextBytes(b);
      expect(text).toBe(s);
      expect(decoder.encoding).toBe(enc);
    }
    // Split in the middle of a code unit: same text.
    const d = new TextFileDecoder();
    const b = bytes(0xff, 0xfe, ...le);
    expect(d.decode(b.subarray(0, 7)) + d.decode(b.subarray(7)) + d.flush()).toBe(s);
  });

  it('drops a UTF-8 byte-order mark', () => {
    const { text, decoder } = decodeTextBytes(bytes(0xef, 0xbb, 0xbf, ...ascii('a,b')));
    expect(text).toBe('a,b');
    expect(decoder.bom).toBe(true);
  });

  it('does not take a binary file with NULs for UTF-16', () => {
    // The e2e "binary file": a WAV header.
    const wav = bytes(0x52, 0x49, 0x46, 0x46, 0, 0, 0, 0, 0x57, 0x41, 0x56, 0x45, 1, 2, 0, 0, 3);
    const { text, decoder } = decodeTextBytes(wav);
    expect(decoder.encoding).toBe('UTF-8');
    expect(looksBinary(text)).toBe(true);
  });
});

describe('looksBinary', () => {
  it('tells text from binary', () => {
    expect(looksBinary('x,label\n1,a\n')).toBe(false);
    expect(looksBinary('PK\u0003\u0004\u0000')).toBe(true);
    // Random high bytes read as Windows-1252 become C1 controls and symbols: binary.
    expect(looksBinary(Array.from({ length: 400 }, (_, i) => cp1252Char(0x80 + ((i * 7) % 32))).join(''))).toBe(true);
  });
});

describe('describeJsonError', () => {
  const why = (text: string) => {
    try {
      JSON.parse(text);
    } catch (e) {
      return describeJsonError(text, e);
    }
    throw new Error('parsed');
  };
  it('says what is wrong in words, never quoting raw bytes', () => {
    const zip = 'PK\u0003\u0004\u0014\u0000\u0000\u0000\u0008\u0000';
    expect(why(zip)).toMatch(/binary data/);
    expect(why(zip)).not.toMatch(/PK|\u0000|\u0003/);
    expect(why('')).toBe('the file is empty');
    expect(why('{"a": [1, 2')).toMatch(/stops in the middle/);
    expect(why('{"format": "genre-lab-model", "x": ')).toMatch(/stops in the middle/);
  });
  it('names the line and column when the parser gives a position', () => {
    // Position 13 is the "x" on line 3 (lines start at 0, 2, 10): column 4.
    const msg = describeJsonError('{\n"a": 1,\n  ,x}', new SyntaxError('Unexpected token in JSON at position 13'));
    expect(msg).toBe('it stops being valid JSON at line 3, column 4');
  });
});
