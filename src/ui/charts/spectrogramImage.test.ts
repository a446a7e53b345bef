/**
 * The spectrogram's pixels and axes against hand-worked cases: the top row is the highest band,
 * the loudest bin is viridis' last colour and anything 80 dB or more below it the first; ticks sit
 * between band rows in proportion to their distance from the neighbouring centres.
 */
import { describe, expect, it } from 'vitest';
import { frequencyTicks, overlayPixels, spacedTicks, spectrogramPixels, timeTicks } from './spectrogramImage';

describe('spectrogramPixels', () => {
  it('puts band 0 at the bottom and maps [max − 80, max] dB onto viridis', () => {
    // 2 bands × 2 frames, band-major: band 0 = [0, −80] dB, band 1 = [−100, −40] dB.
    const px = spectrogramPixels(Float32Array.from([0, -80, -100, -40]), 2, 2);
    const at = (row: number, col: number) => Array.from(px.subarray((row * 2 + col) * 4, (row * 2 + col) * 4 + 4));
    expect(at(1, 0)).toEqual([253, 231, 37, 255]); // band 0, frame 0: the maximum, viridis' top
    expect(at(1, 1)).toEqual([68, 1, 84, 255]); // 80 dB down: viridis' bottom
    expect(at(0, 0)).toEqual([68, 1, 84, 255]); // below the range: clamped
    // −40 dB is half way: step ⌊127.5⌋ = 127 of 255, between control points 4 (38,130,142) and 5 (31,158,137) at 0.482.
    const f = (127 / 255) * 9 - 4;
    expect(at(0, 1)).toEqual([Math.round(38 + (31 - 38) * f), Math.round(130 + (158 - 130) * f), Math.round(142 + (137 - 142) * f), 255]);
  });
  it('overlay: alpha 0.8 at the largest positive value, transparent at zero or below', () => {
    const px = overlayPixels(Float32Array.from([0.5, 0.25, -1, 0]), 1, 4);
    expect([px[3], px[7], px[11], px[15]]).toEqual([204, 102, 0, 0]);
  });
});

describe('axes', () => {
  it('frequency ticks between band centres, in proportion', () => {
    // Centres 150, 250, 350, 450 Hz over 4 rows: 200 Hz is row 0.5 → (0.5 + 0.5) / 4 = 0.25.
    const t = frequencyTicks([150, 250, 350, 450]);
    expect(t.map((x) => x.hz)).toEqual([200]);
    expect(t[0]!.fraction).toBeCloseTo(0.25, 12);
    // Centres 80, 160, 640, 1280: 500 Hz is row 1 + 340/480 = 1.708…; 1000 Hz row 2 + 360/640 = 2.5625.
    const u = frequencyTicks([80, 160, 640, 1280]);
    expect(u.map((x) => x.hz)).toEqual([100, 200, 500, 1000]);
    expect(u[2]!.fraction).toBeCloseTo((1 + 340 / 480 + 0.5) / 4, 12);
    expect(u[3]!.fraction).toBeCloseTo((2 + 360 / 640 + 0.5) / 4, 12);
  });
  it('spaced ticks: on a 100 px plot, a tick 5 px above the last kept one is dropped', () => {
    const t = [0.1, 0.15, 0.3, 0.41].map((fraction) => ({ fraction }));
    expect(spacedTicks(t, 100).map((x) => x.fraction)).toEqual([0.1, 0.3]);
  });
  it('time ticks: 30 s in steps of 5, 3 s in steps of 0.5', () => {
    expect(timeTicks(30)).toEqual([0, 5, 10, 15, 20, 25, 30]);
    expect(timeTicks(3)).toEqual([0, 0.5, 1, 1.5, 2, 2.5, 3]);
  });
});
