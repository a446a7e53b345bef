import { describe, expect, it } from 'vitest';
import { LabError } from '../errors';
import { batchOutcomeError, checkFeatureRows, describeFailure, failedFile } from './batch';

describe('a batch of audio files', () => {
  it('lists a failed file with its reason, naming it once', () => {
    const f = failedFile('genres/rock/x.wav', new LabError('non-finite', 'x.wav: the audio holds 12 NaN samples (first at 0.50 s), so …'));
    expect(f).toEqual({ file: 'genres/rock/x.wav', reason: 'The audio holds 12 NaN samples (first at 0.50 s), so …' });
    expect(describeFailure(f).split('x.wav')).toHaveLength(2); // one occurrence
    // a reason that does not name the file is kept as it is
    expect(failedFile('a.wav', new LabError('corrupt-audio', 'The WAV format chunk is truncated.')).reason).toBe('The WAV format chunk is truncated.');
    expect(failedFile('a.wav', 'boom').reason).toBe('Boom');
  });

  it('refuses non-finite feature rows, naming file, segment and feature', () => {
    const ok = Float64Array.from([1, 2, 3]);
    expect(() => checkFeatureRows('a.wav', ['f0', 'f1', 'f2'], [ok, ok])).not.toThrow();
    expect(() => checkFeatureRows('a.wav', ['f0', 'f1', 'f2'], [ok, Float64Array.from([1, 2, NaN])])).toThrow(
      expect.objectContaining({ code: 'non-finite', message: expect.stringMatching(/^a\.wav: segment 1 gives NaN for f2/) }),
    );
    expect(() => checkFeatureRows('a.wav', ['f0'], [Float64Array.from([-Infinity])])).toThrow(/segment 0 gives -Infinity for f0/);
  });

  it('ends with the real cause first: the failed files, then "one genre"', () => {
    const failed = [failedFile('rock/bad.wav', new LabError('corrupt-audio', 'bad.wav: the WAV format chunk is truncated.')), failedFile('rock/nan.wav', 'x')];
    const e = batchOutcomeError({ clipGenres: ['jazz', 'jazz'], failed, minGenres: 2 });
    expect(e?.code).toBe('single-genre');
    // 2 failed + 2 analysed = 4 files; the headline starts with the failure, not with the genre
    expect(e?.message).toMatch(/^2 of 4 files could not be analysed — rock\/bad\.wav: The WAV format chunk is truncated \(and 1 more: see the list of failed files\)\. The 2 clips left are all of one genre \("jazz"\)/);
    // without failures the old message stays
    expect(batchOutcomeError({ clipGenres: ['jazz'], failed: [], minGenres: 2 })?.message).toMatch(/^All analysed clips are of one genre \("jazz"\)/);
    // nothing analysed: the first failure is the cause
    expect(batchOutcomeError({ clipGenres: [], failed: failed.slice(0, 1), minGenres: 1 })).toMatchObject({ code: 'no-features', message: 'No file could be analysed. rock/bad.wav: The WAV format chunk is truncated.' });
    // usable batches
    expect(batchOutcomeError({ clipGenres: ['jazz', 'rock'], failed, minGenres: 2 })).toBeUndefined();
    expect(batchOutcomeError({ clipGenres: ['jazz'], failed, minGenres: 1 })).toBeUndefined();
  });
});
