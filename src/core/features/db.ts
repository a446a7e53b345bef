/**
 * librosa.power_to_db(S, ref=1.0, amin=1e-10, top_db=80): 10·log10(max(amin, S)) − 10·log10(ref),
 * then clipped below at (max over the WHOLE array) − top_db.
 */
export interface PowerToDbOptions {
  ref?: number;
  amin?: number;
  /** null disables the clip. */
  topDb?: number | null;
}

/**
 * Convert power values to dB (a new array, or `out`, which may be `power` itself). The top_db
 * floor uses the global maximum of `power`.
 */
export function powerToDb(power: Float64Array, opts: PowerToDbOptions = {}, out: Float64Array = new Float64Array(power.length)): Float64Array {
  const ref = opts.ref ?? 1;
  const amin = opts.amin ?? 1e-10;
  const topDb = opts.topDb === undefined ? 80 : opts.topDb;
  const refDb = 10 * Math.log10(Math.max(amin, ref));
  let maxDb = -Infinity;
  for (let i = 0; i < power.length; i++) {
    const v = 10 * Math.log10(Math.max(amin, power[i] as number)) - refDb;
    out[i] = v;
    if (v > maxDb) maxDb = v;
  }
  if (topDb !== null && power.length > 0) {
    const floor = maxDb - topDb;
    for (let i = 0; i < out.length; i++) if ((out[i] as number) < floor) out[i] = floor;
  }
  return out;
}
