import { describe, expect, it } from 'vitest';
import { computeEnvelope } from './envelope';

describe('computeEnvelope', () => {
  it('keeps each span’s min and max', () => {
    const e = computeEnvelope([0, 1, -2, 3, 0.5, -0.5, 4, -4], 4);
    expect(Array.from(e.min)).toEqual([0, -2, -0.5, -4]);
    expect(Array.from(e.max)).toEqual([1, 3, 0.5, 4]);
    expect(e.samplesPerBin).toBe(2);
    expect(e.peak).toBe(4);
  });
  it('uneven spans cover every sample once', () => {
    // 5 samples in 2 bins: [0, 2) and [2, 5)
    const e = computeEnvelope([1, 2, 9, -9, 3], 2);
    expect(Array.from(e.min)).toEqual([1, -9]);
    expect(Array.from(e.max)).toEqual([2, 9]);
  });
  it('never more bins than samples; empty input gives empty envelope', () => {
    expect(computeEnvelope([0.25, -0.25], 10).min.length).toBe(2);
    expect(computeEnvelope([], 10).max.length).toBe(0);
    expect(computeEnvelope([], 10).peak).toBe(0);
  });
});
