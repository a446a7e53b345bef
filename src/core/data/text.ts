/**
 * Text that users hand the lab (tables, model.json): bytes to text with one decoder for the CLI
 * and the browser, telling text from binary, and saying in words why JSON did not parse.
 *
 * Decoding rules (the WHATWG Encoding Standard's decoders, chosen the way editors do):
 * - a byte-order mark picks UTF-8, UTF-16LE or UTF-16BE and is dropped;
 * - without one, ASCII text with a zero byte in every other position is UTF-16 (LE or BE);
 * - otherwise UTF-8, and any byte that is not part of a valid UTF-8 sequence is read as
 *   Windows-1252 (the superset of Latin-1 that Excel writes on Western Windows), so a Latin-1 file
 *   reads exactly as Windows-1252 and a file mixing both keeps its UTF-8 parts. Such bytes are
 *   counted, with their line numbers, so the caller can say so.
 */

export type TextEncodingName = 'UTF-8' | 'UTF-16LE' | 'UTF-16BE';

/** Windows-1252 code points of bytes 0x80–0x9F (WHATWG index-windows-1252); 0xA0–0xFF are Latin-1 itself. */
const CP1252_HIGH = [
  0x20ac, 0x81, 0x201a, 0x192, 0x201e, 0x2026, 0x2020, 0x2021, 0x2c6, 0x2030, 0x160, 0x2039, 0x152, 0x8d, 0x17d, 0x8f,
  0x90, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x2dc, 0x2122, 0x161, 0x203a, 0x153, 0x9d, 0x17e, 0x178,
];

/** The character a byte stands for in Windows-1252. */
export function cp1252Char(byte: number): string {
  return String.fromCharCode(byte >= 0x80 && byte < 0xa0 ? (CP1252_HIGH[byte - 0x80] as number) : byte);
}

/**
 * Length of the valid UTF-8 sequence starting at `i` (1–4), 0 when the byte at `i` starts no valid
 * sequence, or -1 when the buffer ends inside a sequence that could still become valid.
 * Byte ranges are the Encoding Standard's (no overlongs, no surrogates, nothing above U+10FFFF).
 */
function utf8SequenceLength(b: Uint8Array, i: number): number {
  const c = b[i] as number;
  if (c < 0x80) return 1;
  let need: number;
  let lo = 0x80;
  let hi = 0xbf;
  if (c >= 0xc2 && c <= 0xdf) need = 1;
  else if (c >= 0xe0 && c <= 0xef) {
    need = 2;
    if (c === 0xe0) lo = 0xa0;
    if (c === 0xed) hi = 0x9f;
  } else if (c >= 0xf0 && c <= 0xf4) {
    need = 3;
    if (c === 0xf0) lo = 0x90;
    if (c === 0xf4) hi = 0x8f;
  } else return 0;
  for (let k = 1; k <= need; k++) {
    if (i + k >= b.length) return -1;
    const t = b[i + k] as number;
    if (t < lo || t > hi) return 0;
    lo = 0x80;
    hi = 0xbf;
  }
  return need + 1;
}

/** BOM-less UTF-16: ASCII-heavy text has a zero in every other byte. */
function sniffUtf16(b: Uint8Array): TextEncodingName | undefined {
  const n = Math.min(b.length, 4096) & ~1;
  if (n < 4) return undefined;
  let zeroEven = 0;
  let zeroOdd = 0;
  for (let i = 0; i < n; i += 2) {
    if (b[i] === 0) zeroEven++;
    if (b[i + 1] === 0) zeroOdd++;
  }
  const pairs = n / 2;
  if (zeroOdd >= 0.6 * pairs && zeroEven <= 0.05 * pairs) return 'UTF-16LE';
  if (zeroEven >= 0.6 * pairs && zeroOdd <= 0.05 * pairs) return 'UTF-16BE';
  return undefined;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length === 0) return b;
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

/**
 * Streaming decoder: feed byte chunks of any size in order; the text is the same whatever the
 * chunking. Use one instance per file.
 */
export class TextFileDecoder {
  /** Decided from the first bytes. */
  encoding: TextEncodingName | undefined;
  /** The file started with a byte-order mark. */
  bom = false;
  /** Bytes that were not valid UTF-8 and were read as Windows-1252. */
  fallbackBytes = 0;
  /** Valid multi-byte UTF-8 sequences seen (with fallback bytes: a file mixing both encodings). */
  utf8Sequences = 0;
  /** Lines (1-based) holding such bytes, the first few. */
  readonly fallbackLines: number[] = [];
  private pending: Uint8Array = new Uint8Array(0);
  // InstanceType: without the DOM lib (tsconfig.core.json) TextDecoder is only a value in @types/node.
  private utf16: InstanceType<typeof TextDecoder> | undefined;
  private readonly utf8 = new TextDecoder('utf-8', { ignoreBOM: true });
  private line = 1;
  private lastWasCr = false;

  /** Decode the next chunk; pass `final` with the last one (or call `flush()`). */
  decode(chunk: Uint8Array, final = false): string {
    let b = concat(this.pending, chunk);
    this.pending = new Uint8Array(0);
    if (!this.encoding) {
      // Wait for enough bytes to see a BOM or a UTF-16 pattern.
      if (b.length < 4 && !final) {
        this.pending = b;
        return '';
      }
      b = this.detect(b);
    }
    if (this.utf16) return this.utf16.decode(b, { stream: !final });
    return this.decodeUtf8(b, final);
  }

  flush(): string {
    return this.decode(new Uint8Array(0), true);
  }

  private detect(b: Uint8Array): Uint8Array {
    if (b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) {
      this.encoding = 'UTF-8';
      this.bom = true;
      return b.subarray(3);
    }
    if ((b[0] === 0xff && b[1] === 0xfe) || (b[0] === 0xfe && b[1] === 0xff)) {
      this.encoding = b[0] === 0xff ? 'UTF-16LE' : 'UTF-16BE';
      this.bom = true;
      b = b.subarray(2);
    } else this.encoding = sniffUtf16(b) ?? 'UTF-8';
    if (this.encoding !== 'UTF-8') this.utf16 = new TextDecoder(this.encoding === 'UTF-16LE' ? 'utf-16le' : 'utf-16be', { ignoreBOM: true });
    return b;
  }

  private decodeUtf8(b: Uint8Array, final: boolean): string {
    const parts: string[] = [];
    let runStart = 0;
    let i = 0;
    while (i < b.length) {
      const c = b[i] as number;
      if (c < 0x80) {
        // Line ends: \n, \r\n and a lone \r each end one line.
        if (c === 0x0a) {
          if (!this.lastWasCr) this.line++;
          this.lastWasCr = false;
        } else if (c === 0x0d) {
          this.line++;
          this.lastWasCr = true;
        } else this.lastWasCr = false;
        i++;
        continue;
      }
      this.lastWasCr = false;
      const len = utf8SequenceLength(b, i);
      if (len > 0) {
        this.utf8Sequences++;
        i += len;
        continue;
      }
      if (len < 0 && !final) {
        // The chunk ends inside a sequence: keep its bytes for the next chunk.
        this.pending = b.slice(i);
        break;
      }
      if (i > runStart) parts.push(this.utf8.decode(b.subarray(runStart, i)));
      parts.push(cp1252Char(c));
      this.fallbackBytes++;
      if (this.fallbackLines[this.fallbackLines.length - 1] !== this.line && this.fallbackLines.length < 5) this.fallbackLines.push(this.line);
      i++;
      runStart = i;
    }
    // i is the end of the input, or the start of the bytes kept in `pending`.
    if (i > runStart) parts.push(this.utf8.decode(b.subarray(runStart, i)));
    return parts.length === 1 ? (parts[0] as string) : parts.join('');
  }

  /** What the text was read as: `UTF-8`, `UTF-16LE`, `UTF-16BE`, `Windows-1252`, or `UTF-8 + Windows-1252` (mixed). */
  describe(): string {
    if (this.fallbackBytes === 0) return this.encoding ?? 'UTF-8';
    return this.utf8Sequences > 0 ? 'UTF-8 + Windows-1252' : 'Windows-1252';
  }

  /** A sentence for the dataset summary when decoding was not plain UTF-8, else undefined. */
  notice(): string | undefined {
    if (this.fallbackBytes > 0) {
      const lines = this.fallbackLines.join(', ') + (this.fallbackBytes > this.fallbackLines.length && this.fallbackLines.length === 5 ? ', …' : '');
      return `Not valid UTF-8: ${this.fallbackBytes} byte(s) (line${this.fallbackLines.length > 1 ? 's' : ''} ${lines}) were read as Windows-1252 (Latin-1) characters. Check the names on those lines; saving the file as UTF-8 avoids the guess.`;
    }
    if (this.encoding === 'UTF-16LE' || this.encoding === 'UTF-16BE') return `Read as ${this.encoding} text${this.bom ? ' (byte-order mark)' : ' (no byte-order mark: guessed from its zero bytes)'}.`;
    return undefined;
  }
}

/** Decode a whole file held in memory. */
export function decodeTextBytes(bytes: Uint8Array): { text: string; decoder: TextFileDecoder } {
  const decoder = new TextFileDecoder();
  const text = decoder.decode(bytes, true);
  return { text, decoder };
}

/** Quick check of the start of a decoded file: NULs or many control characters mean binary. */
export function looksBinary(sample: string): boolean {
  if (sample.length === 0) return false;
  let control = 0;
  const n = Math.min(sample.length, 8192);
  for (let i = 0; i < n; i++) {
    const c = sample.charCodeAt(i);
    if (c === 0) return true;
    // C0 controls other than tab/line ends, C1 controls (what stray high bytes become), U+FFFD.
    if (c < 9 || (c > 13 && c < 32) || (c >= 0x7f && c < 0xa0) || c === 0xfffd) control++;
  }
  return control / n > 0.05;
}

/**
 * Why `text` is not JSON, in words a student can act on (V8's own message quotes the raw bytes).
 * `error` is what JSON.parse threw.
 */
export function describeJsonError(text: string, error: unknown): string {
  if (text.trim() === '') return 'the file is empty';
  if (looksBinary(text.slice(0, 8192))) return 'it holds binary data, not JSON text (was another file renamed, or weights.bin picked as model.json?)';
  const msg = error instanceof Error ? error.message : String(error);
  const pos = /position (\d+)/.exec(msg);
  const at = pos ? Number(pos[1]) : -1;
  if (/end of (JSON )?input|Unterminated/i.test(msg) || at >= text.trimEnd().length) return 'it stops in the middle (the file is cut off — re-export or re-download it)';
  if (at >= 0) {
    const before = text.slice(0, at);
    const line = before.split('\n').length;
    const column = at - before.lastIndexOf('\n');
    return `it stops being valid JSON at line ${line}, column ${column}`;
  }
  const tok = /Unexpected token '(.)'/u.exec(msg)?.[1];
  if (tok) {
    const code = tok.codePointAt(0) as number;
    const shown = code >= 0x20 && code < 0x7f ? `"${tok}"` : `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
    return `it is not valid JSON (unexpected character ${shown})`;
  }
  return 'it is not valid JSON';
}
