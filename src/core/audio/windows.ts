/**
 * Sliding windows over a stream of sample blocks (live microphone): every `hop` new samples, once
 * `size` samples have arrived, the last `size` samples form a window. hop = size gives back-to-back
 * windows; hop = size / 2 gives half-overlapping ones (an answer twice as often, each over the
 * same length of audio). Only the samples the next window needs are kept.
 */
import { LabError } from '../errors';

export class SlidingWindows {
  /** Samples kept: always the most recent ones, at most `size`. */
  private readonly buffer: Float32Array;
  private filled = 0;
  /** New samples since the last window (or since the start). */
  private sinceLast = 0;
  private started = false;
  private count = 0;

  constructor(
    readonly size: number,
    readonly hop: number,
  ) {
    if (!(Number.isInteger(size) && size >= 1 && Number.isInteger(hop) && hop >= 1 && hop <= size))
      throw new LabError('bad-argument', `Windows need whole sizes with 1 ≤ hop ≤ size, got size ${size}, hop ${hop}.`);
    this.buffer = new Float32Array(size);
  }

  /** Windows completed so far. */
  get windows(): number {
    return this.count;
  }

  /** Add samples; returns the windows they complete (copies), oldest first. */
  push(block: Float32Array): Float32Array[] {
    const out: Float32Array[] = [];
    let b = block;
    while (b.length > 0) {
      // Take no more than what completes the next window.
      const need = this.started ? this.hop - this.sinceLast : this.size - this.filled;
      const take = Math.min(b.length, need);
      this.append(b.subarray(0, take));
      this.sinceLast += take;
      b = b.subarray(take);
      if (take === need) {
        out.push(this.buffer.slice());
        this.started = true;
        this.sinceLast = 0;
        this.count++;
      }
    }
    return out;
  }

  private append(part: Float32Array): void {
    const n = part.length;
    if (n === 0) return;
    const room = this.size - this.filled;
    if (n <= room) {
      this.buffer.set(part, this.filled);
      this.filled += n;
      return;
    }
    // Shift out the oldest samples to make room (n ≤ hop ≤ size here).
    const drop = n - room;
    this.buffer.copyWithin(0, drop, this.filled);
    this.buffer.set(part, this.filled - drop);
    this.filled = this.size;
  }
}
