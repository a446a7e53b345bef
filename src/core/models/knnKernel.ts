/**
 * The k-NN screening kernel: a WebAssembly SIMD module (f32x4) that computes ‖b‖² − 2a·b for a
 * block of queries against a tile of training rows and reports only the pairs that could still
 * enter a query's k nearest. The caller (knn.ts) recomputes each reported pair exactly in float64,
 * summing (a − b)² in feature order, so the neighbours, ties and votes are those of the plain loop.
 *
 * Why WebAssembly: the plain float64 loop in V8 is bound at ~2 G pair-features/s (scalar loads);
 * scikit-learn's brute force is a BLAS GEMM. The same GEMM form in f32x4 lanes does four pairs per
 * instruction. The module is assembled here from a few dozen opcodes (no toolchain, no fetch, no
 * async compile: it is well under Chrome's 4 kB limit for synchronous compilation on the main
 * thread), so it runs the same in Node, in workers and in the page.
 *
 * Layouts (all float32, in the module's memory):
 * - queries in quads, feature-major within a quad: Q[quad][f][4]
 * - training rows in octets, feature-major within an octet: T[octet][f][8]
 * - tNorm[row] = ‖b‖² (pad rows: +Infinity, so they never pass)
 * - thr[query] = the bound the query's ‖b‖² − 2a·b must not exceed (see knn.ts)
 * Output: triples (query within block, first row of the 4-row group within the tile, 4-bit mask).
 */

/** The instance, compiled once per thread on first use. */
let cached: KnnKernel | undefined;

const I32 = 0x7f;
const V128 = 0x7b;

function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}

function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
}

const vec = (items: number[][]): number[] => [...uleb(items.length), ...items.flat()];
const section = (id: number, body: number[]): number[] => [id, ...uleb(body.length), ...body];
const str = (s: string): number[] => [...uleb(s.length), ...Array.from(s, (c) => c.charCodeAt(0))];

// Opcodes used (WebAssembly core 2.0 and its fixed-width SIMD proposal, now standard).
const op = {
  block: [0x02, 0x40],
  loop: [0x03, 0x40],
  if: [0x04, 0x40],
  end: [0x0b],
  br: (d: number) => [0x0c, ...uleb(d)],
  brIf: (d: number) => [0x0d, ...uleb(d)],
  get: (i: number) => [0x20, ...uleb(i)],
  set: (i: number) => [0x21, ...uleb(i)],
  tee: (i: number) => [0x22, ...uleb(i)],
  i32Store: (offset: number) => [0x36, 2, ...uleb(offset)],
  i32Const: (n: number) => [0x41, ...sleb(n)],
  i32Eqz: [0x45],
  i32GeU: [0x4f],
  i32LtU: [0x49],
  i32Add: [0x6a],
  i32Mul: [0x6c],
  i32Shl: [0x74],
  simd: (code: number, ...imm: number[]) => [0xfd, ...uleb(code), ...imm],
};
const v128Load = (offset: number) => op.simd(0x00, 4, ...uleb(offset));
const load32Splat = (offset: number) => op.simd(0x09, 2, ...uleb(offset));
const v128Zero = op.simd(0x0c, ...new Array<number>(16).fill(0));
const f32x4Le = op.simd(0x45);
const i32x4Bitmask = op.simd(0xa4);
const f32x4Add = op.simd(0xe4);
const f32x4Sub = op.simd(0xe5);
const f32x4Mul = op.simd(0xe6);

/**
 * scan(q, t, tNorm, thr, nQueries, nOctets, nF, out) → triples written.
 * nQueries is a multiple of 4. For each query quad and each training octet: 8 f32x4 accumulators (4 queries × 2 groups of 4
 * rows) over the features, then s = ‖b‖² − 2·acc compared with the query's threshold; a group
 * with any lane ≤ threshold is written out with its lane mask.
 */
function assembleKernel(): Uint8Array<ArrayBuffer> {
  // Parameters 0–7, then locals.
  const [Q, T, TN, THR, NQ, NO, NF, OUT] = [0, 1, 2, 3, 4, 5, 6, 7];
  const [qi, o, f, qa, ta, cnt, fq, ft, mask] = [8, 9, 10, 11, 12, 13, 14, 15, 16];
  const acc = (r: number, c: number) => 17 + r * 2 + c; // 17–24
  const [tv0, tv1, qv, s] = [25, 26, 27, 28];
  const ntv = (c: number) => 29 + c; // 29–30
  const thrv = (r: number) => 31 + r; // 31–34
  const code: number[] = [];
  const e = (...parts: number[][]) => {
    for (const p of parts) code.push(...p);
  };

  e(op.i32Const(0), op.set(qi), op.get(Q), op.set(qa), op.i32Const(0), op.set(cnt));
  e(op.block, op.loop); // quads
  e(op.get(qi), op.get(NQ), op.i32GeU, op.brIf(1));
  for (let r = 0; r < 4; r++) e(op.get(THR), op.get(qi), op.i32Const(2), op.i32Shl, op.i32Add, load32Splat(r * 4), op.set(thrv(r)));
  e(op.i32Const(0), op.set(o), op.get(T), op.set(ta));
  e(op.block, op.loop); // octets
  e(op.get(o), op.get(NO), op.i32GeU, op.brIf(1));
  for (let r = 0; r < 4; r++) for (let c = 0; c < 2; c++) e(v128Zero, op.set(acc(r, c)));
  e(op.get(qa), op.set(fq), op.get(ta), op.set(ft), op.i32Const(0), op.set(f));
  e(op.loop); // features (nF ≥ 1)
  e(op.get(ft), v128Load(0), op.set(tv0), op.get(ft), v128Load(16), op.set(tv1));
  for (let r = 0; r < 4; r++) {
    e(op.get(fq), load32Splat(r * 4), op.set(qv));
    for (let c = 0; c < 2; c++) e(op.get(acc(r, c)), op.get(qv), op.get(c === 0 ? tv0 : tv1), f32x4Mul, f32x4Add, op.set(acc(r, c)));
  }
  e(op.get(fq), op.i32Const(16), op.i32Add, op.set(fq));
  e(op.get(ft), op.i32Const(32), op.i32Add, op.set(ft));
  e(op.get(f), op.i32Const(1), op.i32Add, op.tee(f), op.get(NF), op.i32LtU, op.brIf(0));
  e(op.end);
  // ‖b‖² of the octet's two groups.
  e(op.get(TN), op.get(o), op.i32Const(5), op.i32Shl, op.i32Add, op.tee(mask));
  e(v128Load(0), op.set(ntv(0)), op.get(mask), v128Load(16), op.set(ntv(1)));
  for (let r = 0; r < 4; r++) {
    for (let c = 0; c < 2; c++) {
      // s = ‖b‖² − (acc + acc); mask = lanes with s ≤ threshold
      e(op.get(ntv(c)), op.get(acc(r, c)), op.get(acc(r, c)), f32x4Add, f32x4Sub, op.set(s));
      e(op.get(s), op.get(thrv(r)), f32x4Le, i32x4Bitmask, op.tee(mask), op.i32Eqz, op.i32Eqz);
      e(op.if);
      // out[cnt] = (qi + r, o·8 + c·4, mask)
      e(op.get(OUT), op.get(cnt), op.i32Const(12), op.i32Mul, op.i32Add, op.tee(fq));
      e(op.get(qi), op.i32Const(r), op.i32Add, op.i32Store(0));
      e(op.get(fq), op.get(o), op.i32Const(3), op.i32Shl, op.i32Const(c * 4), op.i32Add, op.i32Store(4));
      e(op.get(fq), op.get(mask), op.i32Store(8));
      e(op.get(cnt), op.i32Const(1), op.i32Add, op.set(cnt));
      e(op.end);
    }
  }
  // fq was reused as a scratch address above; it is reset at the next octet.
  e(op.get(o), op.i32Const(1), op.i32Add, op.set(o));
  e(op.get(ta), op.get(NF), op.i32Const(5), op.i32Shl, op.i32Add, op.set(ta));
  e(op.br(0), op.end, op.end);
  e(op.get(qi), op.i32Const(4), op.i32Add, op.set(qi));
  e(op.get(qa), op.get(NF), op.i32Const(4), op.i32Shl, op.i32Add, op.set(qa));
  e(op.br(0), op.end, op.end);
  e(op.get(cnt), op.end);

  const locals = vec([
    [...uleb(9), I32],
    [...uleb(18), V128],
  ]);
  const body = [...locals, ...code];
  const bytes = [
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, vec([[0x60, ...vec(new Array(8).fill([I32])), ...vec([[I32]])]])),
    ...section(2, vec([[...str('env'), ...str('memory'), 0x02, 0x00, ...uleb(1)]])),
    ...section(3, vec([uleb(0)])),
    ...section(7, vec([[...str('scan'), 0x00, ...uleb(0)]])),
    ...section(10, vec([[...uleb(body.length), ...body]])),
  ];
  return Uint8Array.from(bytes);
}

/** The slice of the WebAssembly API used here (src/core type-checks without the DOM lib, which declares it). */
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
interface WasmApi {
  Memory: new (d: { initial: number }) => WasmMemory;
  Module: new (bytes: Uint8Array<ArrayBuffer>) => object;
  Instance: new (m: object, imports: object) => { exports: Record<string, unknown> };
}

export interface KnnKernel {
  memory: WasmMemory;
  scan(q: number, t: number, tNorm: number, thr: number, nQueries: number, nOctets: number, nF: number, out: number): number;
}

/**
 * The compiled kernel, or undefined where WebAssembly SIMD is unavailable (the caller then uses
 * its plain float64 loop, which gives the same answers).
 */
export function knnKernel(): KnnKernel | undefined {
  if (cached) return cached;
  const wasm = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
  if (!wasm) return undefined;
  try {
    const memory = new wasm.Memory({ initial: 1 });
    const instance = new wasm.Instance(new wasm.Module(assembleKernel()), { env: { memory } });
    cached = { memory, scan: instance.exports.scan as KnnKernel['scan'] };
    return cached;
  } catch {
    // No SIMD (an old engine): the float64 loop is the answer there, not an error.
    return undefined;
  }
}
