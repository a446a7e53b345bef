// fft.js (4.0.4) ships no types; this is the subset of its API we use.
declare module 'fft.js' {
  type NumArray = number[] | Float64Array | Float32Array;
  export default class FFT {
    constructor(size: number);
    readonly size: number;
    createComplexArray(): number[];
    realTransform(out: NumArray, data: NumArray): void;
    transform(out: NumArray, data: NumArray): void;
    inverseTransform(out: NumArray, data: NumArray): void;
    completeSpectrum(spectrum: NumArray): void;
  }
}
