import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createRng } from './random';
import { sha256Hex, sha256Js } from './sha256';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const ascii = (s: string) => new TextEncoder().encode(s);

describe('sha256Js (plain TypeScript, for contexts without Web Crypto)', () => {
  it('gives the FIPS 180-2 / NIST test vectors', () => {
    expect(hex(sha256Js(ascii('')))).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(hex(sha256Js(ascii('abc')))).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(hex(sha256Js(ascii('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq')))).toBe('248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1');
    expect(hex(sha256Js(new Uint8Array(1_000_000).fill(0x61)))).toBe('cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0');
  });

  it("equals Node's SHA-256 at every padding boundary and on a clip-sized buffer (also a subarray view)", () => {
    const rnd = createRng(7);
    const big = Uint8Array.from({ length: 1_323_044 + 3 }, () => Math.floor(rnd() * 256));
    for (const n of [...Array.from({ length: 200 }, (_, i) => i), 1000, 4095, 4096, 4097]) {
      const b = big.subarray(0, n);
      expect(hex(sha256Js(b)), `length ${n}`).toBe(createHash('sha256').update(b).digest('hex'));
    }
    const view = big.subarray(3);
    expect(hex(sha256Js(view))).toBe(createHash('sha256').update(view).digest('hex'));
  });
});

describe('sha256Hex', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('gives the same hex with Web Crypto and without it (a page served over plain http)', async () => {
    const b = ascii('The quick brown fox jumps over the lazy dog');
    const want = 'd7a8fbb307d7809469ca9abcb0082e4f8d5651e46d3cdb762d02d0bf37c9e592';
    expect(await sha256Hex(b)).toBe(want);
    vi.stubGlobal('crypto', undefined);
    expect(globalThis.crypto).toBeUndefined();
    expect(await sha256Hex(b)).toBe(want);
  });
});
