/**
 * Down-mix to mono as librosa.to_mono does: the plain average of the channels (float32).
 */
import { LabError } from '../errors';

/** Average of all channels; a mono input is returned as is (not copied). */
export function mixToMono(channels: readonly Float32Array[]): Float32Array {
  if (channels.length === 0) throw new LabError('corrupt-audio', 'The audio has no channels.');
  if (channels.length === 1) return channels[0] as Float32Array;
  const n = Math.min(...channels.map((c) => c.length));
  const out = new Float32Array(n);
  const k = channels.length;
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let c = 0; c < k; c++) s += (channels[c] as Float32Array)[i] as number;
    out[i] = s / k;
  }
  return out;
}
