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
    for (let k = 0; k < nOut; k++) {
      const mo = k * nIn;
      let acc = 0;
      for (let n = 0; n < nIn; n++) acc += (m[mo + n] as number) * (x[xo + n] as number);
      out[r * nOut + k] = acc;
    }
  }
  return out;
}
