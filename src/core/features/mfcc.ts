/**
 * MFCC as librosa.feature.mfcc(n_mfcc, dct_type=2, norm='ortho', lifter=0): DCT-II ortho over the
 * 128 mel bands of power_to_db(mel power spectrogram). Coefficient 0 (c0) is `mfcc1` in Kaggle's
 * naming and `mfcc_1` in the NTNU tables.
 */
import { applyDctOrtho } from './dct';

/** MFCCs per frame from mel dB (frame-major nFrames × nMels) → frame-major nFrames × nMfcc. */
export function computeMfcc(melDb: Float64Array, nFrames: number, nMels: number, nMfcc = 20): Float64Array {
  return applyDctOrtho(melDb, nFrames, nMels, nMfcc);
}
