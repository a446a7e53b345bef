/**
 * Pixels and axes of a spectrogram drawn on canvas (SpectrogramChart): one pixel per frame and
 * band, low bands at the bottom, dB mapped through a 256-step colour scale; a saliency overlay
 * as red with alpha rising with the value. Plain functions of typed arrays, so they run (and are
 * timed) outside React.
 */
/** Viridis' control points (matplotlib), interpolated to 256 steps: perceptually even, readable in grey. */
const VIRIDIS = [
  [68, 1, 84],
  [72, 40, 120],
  [62, 74, 137],
  [49, 104, 142],
  [38, 130, 142],
  [31, 158, 137],
  [53, 183, 121],
  [109, 205, 89],
  [180, 222, 44],
  [253, 231, 37],
] as const;

const LUT = (() => {
  const lut = new Uint8ClampedArray(256 * 3);
  for (let i = 0; i < 256; i++) {
    const x = (i / 255) * (VIRIDIS.length - 1);
    const k = Math.min(VIRIDIS.length - 2, Math.floor(x));
    const f = x - k;
    for (let c = 0; c < 3; c++) lut[i * 3 + c] = VIRIDIS[k]![c]! * (1 - f) + VIRIDIS[k + 1]![c]! * f;
  }
  return lut;
})();

/**
 * RGBA pixels (width nFrames, height nBands, row 0 = the top band) of a band-major dB matrix,
 * coloured over [maxDb − rangeDb, maxDb] (librosa's top_db 80 by default).
 */
export function spectrogramPixels(db: Float32Array, nBands: number, nFrames: number, rangeDb = 80, out = new Uint8ClampedArray(nBands * nFrames * 4)): Uint8ClampedArray {
  let max = -Infinity;
  for (let i = 0; i < db.length; i++) if (db[i]! > max) max = db[i]!;
  const lo = max - rangeDb;
  const scale = 255 / rangeDb;
  for (let b = 0; b < nBands; b++) {
    const row = (nBands - 1 - b) * nFrames;
    for (let t = 0; t < nFrames; t++) {
      const v = (db[b * nFrames + t]! - lo) * scale;
      const q = v <= 0 ? 0 : v >= 255 ? 255 : v | 0;
      const o = (row + t) * 4;
      out[o] = LUT[q * 3]!;
      out[o + 1] = LUT[q * 3 + 1]!;
      out[o + 2] = LUT[q * 3 + 2]!;
      out[o + 3] = 255;
    }
  }
  return out;
}

/**
 * RGBA pixels of a band-major saliency map (bands × nFrames): red, alpha ∝ value / the map's
 * largest positive value (up to 0.8); values ≤ 0 (hiding them did not lower the class) transparent.
 */
export function overlayPixels(values: Float32Array, nBands: number, nFrames: number): Uint8ClampedArray {
  let max = 0;
  for (let i = 0; i < values.length; i++) if (values[i]! > max) max = values[i]!;
  const out = new Uint8ClampedArray(nBands * nFrames * 4);
  if (max <= 0) return out;
  for (let b = 0; b < nBands; b++) {
    const row = (nBands - 1 - b) * nFrames;
    for (let t = 0; t < nFrames; t++) {
      const v = values[b * nFrames + t]!;
      if (v <= 0) continue;
      const o = (row + t) * 4;
      out[o] = 255;
      out[o + 1] = 40;
      out[o + 2] = 40;
      out[o + 3] = Math.round((v / max) * 0.8 * 255);
    }
  }
  return out;
}

/** Round time ticks (s) across [0, durationSec]: steps of 1, 2, 5, 10, … giving at most ~8 ticks. */
export function timeTicks(durationSec: number): number[] {
  const step = [0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300].find((s) => durationSec / s <= 8) ?? 600;
  const out: number[] = [];
  for (let t = 0; t <= durationSec + 1e-9; t += step) out.push(Math.round(t * 1000) / 1000);
  return out;
}

/**
 * Frequency ticks (Hz) and their height as a fraction from the bottom of a band image whose row b
 * is the band centred at `centresHz[b]` (rising): a tick between two centres sits between their
 * rows in proportion (the mel scale is smooth, so within one band this is exact to the pixel).
 */
export function frequencyTicks(centresHz: ArrayLike<number>): { hz: number; fraction: number }[] {
  const n = centresHz.length;
  const at = (hz: number) => {
    let b = 0;
    while (b < n - 2 && centresHz[b + 1]! < hz) b++;
    const row = b + (hz - centresHz[b]!) / (centresHz[b + 1]! - centresHz[b]!);
    // Row b covers [b, b + 1) / n of the height; its centre is at (b + 0.5) / n.
    return (row + 0.5) / n;
  };
  if (n < 2) return [];
  return [100, 200, 500, 1000, 2000, 5000, 10000, 20000].filter((hz) => hz >= centresHz[0]! && hz <= centresHz[n - 1]!).map((hz) => ({ hz, fraction: at(hz) }));
}

/** The ticks (bottom first) that keep at least `minGapPx` from the last one kept, on a plot `heightPx` tall. */
export function spacedTicks<T extends { fraction: number }>(ticks: readonly T[], heightPx: number, minGapPx = 12): T[] {
  const out: T[] = [];
  for (const t of ticks) if (!out.length || (t.fraction - out[out.length - 1]!.fraction) * heightPx >= minGapPx) out.push(t);
  return out;
}
