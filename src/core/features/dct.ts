/** DCT-II with orthonormal scaling (scipy.fft.dct(type=2, norm='ortho')), as a cached matrix. */

const cache = new Map<string, Float64Array>();

/**
 * Row-major nOut × nIn matrix: C[k][n] = sqrt(2/N)·cos(πk(2n+1)/(2N)), row 0 scaled by 1/√2.
 */
export function dctOrthoMatrix(nIn: number, nOut: number): Float64Array {
  const key = `${nIn}/${nOut}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const m = new Float64Array(nOut * nIn);
  const scale = Math.sqrt(2 / nIn);
  for (let k = 0; k < nOut; k++) {
    const rowScale = k === 0 ? scale / Math.SQRT2 : scale;
    for (let n = 0; n < nIn; n++) m[k * nIn + n] = rowScale * Math.cos((Math.PI * k * (2 * n + 1)) / (2 * nIn));
  }
  cache.set(key, m);
  return m;
}

/** Apply the first nOut DCT-II-ortho coefficients to each length-nIn row of `x` (frame-major). */
export function applyDctOrtho(x: Float64Array, nRows: number, nIn: number, nOut: number): Float64Array {
  const m = dctOrthoMatrix(nIn, nOut);
  const out = new Float64Array(nRows * nOut);
  for (let r = 0; r < nRows; r++) {
    const xo = r * nIn;
    const oo = r * nOut;
    // four coefficients per pass over the row: four independent sums instead of one long chain of
    // dependent additions (each sum still adds n ascending, so the same roundings)
    let k = 0;
    for (; k + 3 < nOut; k += 4) {
      const m0 = k * nIn;
      const m1 = m0 + nIn;
      const m2 = m1 + nIn;
      const m3 = m2 + nIn;
      let a0 = 0;
      let a1 = 0;
      let a2 = 0;
      let a3 = 0;
      for (let n = 0; n < nIn; n++) {
        const v = x[xo + n] as number;
        a0 += (m[m0 + n] as number) * v;
        a1 += (m[m1 + n] as number) * v;
        a2 += (m[m2 + n] as number) * v;
        a3 += (m[m3 + n] as number) * v;
      }
      out[oo + k] = a0;
      out[oo + k + 1] = a1;
      out[oo + k + 2] = a2;
      out[oo + k + 3] = a3;
    }
    for (; k < nOut; k++) {
      const mo = k * nIn;
      let acc = 0;
      for (let n = 0; n < nIn; n++) acc += (m[mo + n] as number) * (x[xo + n] as number);
      out[oo + k] = acc;
    }
  }
  return out;
}
