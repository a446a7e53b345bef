/**
 * Real FFT for power-of-two sizes (n = 2048 for the STFT, 1024 for tempogram autocorrelation),
 * built on the `fft.js` radix-4 kernel. All buffers are preallocated per instance so per-frame
 * loops do not allocate.
 */
import FFT from 'fft.js';

export class RealFft {
  /** Transform length in samples. */
  readonly size: number;
  /** Number of non-redundant bins, size / 2 + 1. */
  readonly nBins: number;
  private readonly fft: FFT;
  private readonly complexOut: Float64Array;
  private readonly complexIn: Float64Array;

  constructor(size: number) {
    this.size = size;
    this.nBins = (size >> 1) + 1;
    this.fft = new FFT(size);
    this.complexOut = new Float64Array(2 * size);
    this.complexIn = new Float64Array(2 * size);
  }

  /**
   * Forward transform of a real frame (length `size`), X[k] = Σ x[n] e^{-2πikn/N} (numpy's sign).
   * Writes bins 0..size/2 to `outRe`/`outIm` starting at `offset`.
   */
  forward(frame: Float64Array, outRe: Float64Array, outIm: Float64Array, offset = 0): void {
    const c = this.complexOut;
    this.fft.realTransform(c, frame);
    for (let k = 0; k < this.nBins; k++) {
      outRe[offset + k] = c[2 * k] as number;
      outIm[offset + k] = c[2 * k + 1] as number;
    }
  }

  /**
   * Two inverse real FFTs at once (numpy irfft semantics, 1/N scaling, imaginary parts of the DC
   * and Nyquist bins ignored): packs A + iB into one complex inverse transform.
   * Half spectra are read from `offset`; results go to `outA`, `outB` (length `size`).
   */
  inversePair(
    aRe: Float64Array, aIm: Float64Array, bRe: Float64Array, bIm: Float64Array, offset: number,
    outA: Float64Array, outB: Float64Array,
  ): void {
    const n = this.size;
    const half = n >> 1;
    const z = this.complexIn;
    // Z[k] = A[k] + i B[k]; Z[n-k] = conj(A[k]) + i conj(B[k]).
    for (let k = 0; k <= half; k++) {
      const ar = aRe[offset + k] as number;
      const br = bRe[offset + k] as number;
      const ai = k === 0 || k === half ? 0 : (aIm[offset + k] as number);
      const bi = k === 0 || k === half ? 0 : (bIm[offset + k] as number);
      z[2 * k] = ar - bi;
      z[2 * k + 1] = ai + br;
      if (k > 0 && k < half) {
        const m = n - k;
        z[2 * m] = ar + bi;
        z[2 * m + 1] = -ai + br;
      }
    }
    const out = this.complexOut;
    this.fft.inverseTransform(out, z);
    for (let i = 0; i < n; i++) {
      outA[i] = out[2 * i] as number;
      outB[i] = out[2 * i + 1] as number;
    }
  }

  /**
   * Unscaled inverse of D·mA and D·mB packed as one complex signal, left interleaved in
   * {@link complexResult}: re = N·a[i], im = −N·b[i]. Computed as the forward transform of
   * conj(Z) (conj(FFT(conj Z)) = N·IFFT(Z)), which skips fft.js's separate 1/N pass; the caller
   * folds 1/N and the sign into its overlap-add.
   */
  inverseMaskedPairRaw(dRe: Float64Array, dIm: Float64Array, mA: Float64Array, mB: Float64Array, offset: number): Float64Array {
    const n = this.size;
    const half = n >> 1;
    const z = this.complexIn;
    const r0 = dRe[offset] as number;
    z[0] = r0 * (mA[offset] as number);
    z[1] = -r0 * (mB[offset] as number);
    const rh = dRe[offset + half] as number;
    z[2 * half] = rh * (mA[offset + half] as number);
    z[2 * half + 1] = -rh * (mB[offset + half] as number);
    for (let k = 1; k < half; k++) {
      const re = dRe[offset + k] as number;
      const im = dIm[offset + k] as number;
      const a = mA[offset + k] as number;
      const b = mB[offset + k] as number;
      // conj(Z[k]) and conj(Z[n−k]) with Z = D·(mA + i·mB), Z[n−k] = conj(D)·(mA + i·mB)
      z[2 * k] = re * a - im * b;
      z[2 * k + 1] = -(re * b + im * a);
      const m = 2 * (n - k);
      z[m] = re * a + im * b;
      z[m + 1] = -(re * b - im * a);
    }
    this.fft.transform(this.complexOut, z);
    return this.complexOut;
  }

  /**
   * Real, even power spectrum → its inverse transform (used for autocorrelation):
   * out[l] = (1/N) Σ_k P[k] cos(2πkl/N) with P given for k = 0..N/2.
   */
  inverseRealEven(halfSpectrum: Float64Array, out: Float64Array, scratch: Float64Array): void {
    const n = this.size;
    const half = n >> 1;
    for (let k = 0; k <= half; k++) scratch[k] = halfSpectrum[k] as number;
    for (let k = 1; k < half; k++) scratch[n - k] = halfSpectrum[k] as number;
    const c = this.complexOut;
    this.fft.realTransform(c, scratch);
    for (let l = 0; l <= half; l++) out[l] = (c[2 * l] as number) / n;
  }
}
